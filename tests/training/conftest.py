import pytest

from training.models import TrainingModule


@pytest.fixture
def modules(world):
    """The world programme's default modules by title, and a short way to mark one required."""
    return {m.title: m for m in TrainingModule.objects.filter(programme=world.cohort.programme)}


def require(module: TrainingModule, requirement: str) -> TrainingModule:
    module.requirement = requirement
    module.save(update_fields=["requirement"])
    return module
