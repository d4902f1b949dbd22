"""The demo's training: defaults, two required modules and completions for the demo logins."""

import datetime

import pytest

from demo.services import PROGRAMME_NAME
from training import selectors
from training.models import Completion, TrainingModule

from .test_seed_demo import person, run_seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    return run_seed_demo(people=60)


def test_demo_programme_has_the_defaults_with_two_required(seeded):
    modules = TrainingModule.objects.filter(programme__name=PROGRAMME_NAME)
    assert modules.count() == 6
    assert dict(modules.exclude(requirement="none").values_list("title", "requirement")) == {
        "Coaching questions": "matching",
        "Being a mentee: preparing, asking, owning actions": "first_session",
    }


def test_demo_mentor_finished_some_and_the_mentee_has_one_left(seeded):
    assert Completion.objects.filter(person=person("mentor")).count() == 3
    mine = selectors.my_training(person("mentee"))
    assert len(mine) == 1
    left = [m.title for m in mine[0].modules if not m.completed_at]
    assert left == ["Being a mentee: preparing, asking, owning actions"]
    todo = selectors.todo_for(person("mentee"), today=datetime.date.today())
    assert [item.title for item in todo] == [
        "Finish the training “Being a mentee: preparing, asking, owning actions”"
    ]
    assert Completion.objects.count() > 10  # others in the active cohort too
