"""The enrolment's step on a person's home page (enrolment/todo.py): an unfinished profile."""

import datetime

from django.urls import reverse
from django.utils import timezone

from enrolment import todo
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory


def test_an_unfinished_profile_of_an_enrolling_or_matching_cohort_is_a_step(
    world, today, django_assert_num_queries
):
    enrolling = CohortFactory(
        name="Spring",
        state=Cohort.State.ENROLLING,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 9, 1),
    )
    matching = CohortFactory(name="Winter", state=Cohort.State.MATCHING, starts_on=datetime.date(2027, 1, 4))
    first = EnrolmentFactory(cohort=enrolling, person=world.outsider)
    second = EnrolmentFactory(cohort=matching, person=world.outsider, status=Enrolment.Status.WAITLISTED)
    # Not steps: a finished profile, a withdrawn enrolment, a running cohort's (the world's).
    EnrolmentFactory(
        cohort=CohortFactory(state=Cohort.State.ENROLLING),
        person=world.outsider,
        profile_completed_at=timezone.now(),
    )
    EnrolmentFactory(
        cohort=CohortFactory(state=Cohort.State.ENROLLING),
        person=world.outsider,
        status=Enrolment.Status.WITHDRAWN,
    )
    with django_assert_num_queries(1):
        items = todo.todo_for(world.outsider, today=today)
    assert [(i.url, i.due) for i in items] == [
        (reverse("enrolment:profile", args=[second.pk]), datetime.date(2027, 1, 4)),
        (reverse("enrolment:profile", args=[first.pk]), datetime.date(2027, 3, 1)),
    ]
    assert items[0].title == "Finish your profile for Winter"
    assert todo.todo_for(world.mentee, today=today) == []
