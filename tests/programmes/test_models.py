"""The cohort's state rules, asked of the model by services, selectors, views and templates alike."""

import pytest

from programmes.models import Cohort
from tests.factories import CohortFactory, EnrolmentFactory

State = Cohort.State


@pytest.mark.parametrize(
    ("state", "accepts"),
    [
        (State.DRAFT, True),
        (State.ENROLLING, True),
        (State.MATCHING, True),
        (State.ACTIVE, False),
        (State.CONCLUDING, False),
        (State.CLOSED, False),
    ],
)
def test_a_cohort_accepts_enrolment_until_it_is_active(db, state, accepts):
    assert Cohort(state=state).accepts_enrolment() is accepts


def test_self_enrolment_is_open_only_when_switched_on_and_enrolling():
    assert Cohort(state=State.ENROLLING, self_enrolment_open=True).self_enrolment_is_open()
    assert not Cohort(state=State.ENROLLING, self_enrolment_open=False).self_enrolment_is_open()
    assert not Cohort(state=State.MATCHING, self_enrolment_open=True).self_enrolment_is_open()


def test_an_active_choice_cohort_still_admits_from_the_waitlist():
    choice, assigned = Cohort.MatchingMode.CHOICE, Cohort.MatchingMode.ASSIGNED
    assert Cohort(state=State.ACTIVE, matching_mode=choice).admits_from_waitlist()
    assert not Cohort(state=State.ACTIVE, matching_mode=assigned).admits_from_waitlist()
    assert not Cohort(state=State.CLOSED, matching_mode=choice).admits_from_waitlist()


def test_mentee_places_count_each_active_mentor_up_to_the_cohort_limit(db):
    cohort = CohortFactory(state=State.ENROLLING, max_mentees_per_mentor=2)
    EnrolmentFactory(cohort=cohort, role="mentor", capacity=5, status="active")
    EnrolmentFactory(cohort=cohort, role="mentor", capacity=1, status="active")
    EnrolmentFactory(cohort=cohort, role="mentor", capacity=3, status="applied")
    EnrolmentFactory(cohort=cohort, role="mentee", status="active")
    EnrolmentFactory(cohort=cohort, role="mentee", status="waitlisted")
    assert cohort.mentee_places() == (3, 1)
    assert cohort.free_mentee_places() == 2


def test_mentee_places_count_mentors_who_share_a_capacity_each(db):
    cohort = CohortFactory(state=State.ENROLLING, max_mentees_per_mentor=2)
    for capacity in (2, 2, 2, 5, 5, 1):
        EnrolmentFactory(cohort=cohort, role="mentor", capacity=capacity, status="active")
    # 2 + 2 + 2, then 5 and 5 held to the cohort's limit of 2, and 1.
    assert cohort.mentee_places() == (11, 0)


def test_mentees_choose_while_a_choice_cohort_is_matching_or_active():
    choice = Cohort.MatchingMode.CHOICE
    assert Cohort(state=State.MATCHING, matching_mode=choice).mentees_choose_now()
    assert Cohort(state=State.ACTIVE, matching_mode=choice).mentees_choose_now()
    assert not Cohort(state=State.ENROLLING, matching_mode=choice).mentees_choose_now()
    assert not Cohort(state=State.ACTIVE, matching_mode=Cohort.MatchingMode.ASSIGNED).mentees_choose_now()
