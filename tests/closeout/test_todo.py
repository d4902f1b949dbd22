"""The close-out's steps on a person's home page (closeout/todo.py)."""

import pytest
from django.urls import reverse

from closeout import todo
from closeout.models import Reflection, SurveyResponse
from matching.models import Pairing
from programmes.models import Cohort


def _concluding(cohort):
    cohort.state = Cohort.State.CONCLUDING
    cohort.save()


def test_nothing_is_owed_while_the_cohort_runs(world, today):
    assert todo.todo_for(world.mentee, today=today) == []


def test_a_concluding_cohort_asks_each_member_for_a_reflection_and_the_survey(
    world, today, django_assert_num_queries
):
    _concluding(world.cohort)
    with django_assert_num_queries(3):  # the person's enrolments, their pairings, their surveys
        items = todo.todo_for(world.mentor, today=today)
    assert [(i.kind, i.url) for i in items] == [
        ("reflection", reverse("closeout:reflection", args=[world.pair.pk])),
        ("survey", reverse("closeout:survey", args=[world.cohort.pk])),
    ]
    assert items[0].title == "Write your reflection on your mentoring with Ada Mentee"


def test_what_is_written_is_no_longer_asked(world, today):
    _concluding(world.cohort)
    Reflection.objects.create(pairing=world.pair, person=world.mentee, achieved="a", learned="b")
    SurveyResponse.objects.create(
        cohort=world.cohort, person=world.mentee, role="mentee", satisfaction=4, recommend=9
    )
    assert todo.todo_for(world.mentee, today=today) == []
    # The mentor's own reflection and survey are still owed.
    assert [i.kind for i in todo.todo_for(world.mentor, today=today)] == ["reflection", "survey"]


def test_a_pairing_ended_early_asks_for_a_reflection_until_the_cohort_closes(world, today):
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=today, outcome=Pairing.Outcome.ENDED_EARLY, end_reason="Moved"
    )
    assert [i.kind for i in todo.todo_for(world.mentee, today=today)] == ["reflection"]
    world.cohort.state = Cohort.State.CLOSED
    world.cohort.save()
    assert todo.todo_for(world.mentee, today=today) == []


@pytest.mark.parametrize("extra", [0, 5])
def test_query_count_does_not_grow_with_pairings(world, today, extra, django_assert_num_queries):
    from tests.factories import PairingFactory

    for _ in range(extra):
        PairingFactory(match_run=world.run, mentor=world.pair.mentor)
    _concluding(world.cohort)
    with django_assert_num_queries(3):  # the person's enrolments, their pairings, their surveys
        assert len(todo.todo_for(world.mentor, today=today)) == 2 + extra
