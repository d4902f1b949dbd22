import datetime

import pytest
from django.utils import timezone

from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory


@pytest.fixture
def open_cohort(world):
    """An enrolling cohort of the world's programme, with self-enrolment open."""
    return CohortFactory(
        programme=world.cohort.programme,
        name="Spring 2027",
        state=Cohort.State.ENROLLING,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 8, 31),
        max_mentees_per_mentor=2,
        min_mentor_tenure_days=365,
        self_enrolment_open=True,
    )


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def waitlisted(cohort, *, days: int):
    """A mentee who joined the waitlist `days` ago."""
    return EnrolmentFactory(
        cohort=cohort,
        role=Enrolment.Role.MENTEE,
        status=Enrolment.Status.WAITLISTED,
        enrolled_at=timezone.now() - datetime.timedelta(days=days),
    )


def active_mentor(cohort, capacity=1, **kwargs):
    return EnrolmentFactory(
        cohort=cohort,
        person=PersonFactory(hire_date=days_ago(2000), **kwargs),
        role=Enrolment.Role.MENTOR,
        capacity=capacity,
        status=Enrolment.Status.ACTIVE,
    )
