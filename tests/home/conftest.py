import pytest

from tests.agreements.conftest import signed_by_both
from training.models import TrainingModule


@pytest.fixture
def steps_of_other_apps_done(world):
    """The world's pairs have signed their agreements and its programme asks for no training, so
    the tests using it see the steps they are about (the steps of those apps: test_selectors.py)."""
    for pairing in (world.pair, world.pair2):
        signed_by_both(world, pairing)
    TrainingModule.objects.all().delete()
