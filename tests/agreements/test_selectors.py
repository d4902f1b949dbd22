"""Reads for admins and the home page: the pairs not signed a week after they started (worked out by
hand on a small fixed set), per-cohort counts, and each person's agreements to sign, in a fixed
number of queries."""

import datetime

import pytest

from agreements import selectors, services
from matching.models import Pairing
from mentorship.todo import TodoItem
from programmes.models import Cohort
from tests.agreements.conftest import signed_by_both, texts
from tests.factories import CohortFactory, EnrolmentFactory, MatchRunFactory, PairingFactory

pytestmark = pytest.mark.usefixtures("working_hours")

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def fixed_set(world):
    """The world's two pairs (started 8 September) and five more in its cohort, one elsewhere:

    | pair        | started     | agreement              | unsigned after a week? |
    | world.pair  | 8 Sep       | mentor signed          | yes (mentee missing)   |
    | world.pair2 | 8 Sep       | signed by both         | no                     |
    | week        | 26 Oct (7d) | none                   | yes                    |
    | six_days    | 27 Oct (6d) | none                   | no (not a week yet)    |
    | changed     | 1 Oct       | both signed v1, v2 new | yes (both missing)     |
    | ended       | 8 Sep       | none, pairing ended    | no                     |
    | elsewhere   | 8 Sep       | none, another cohort   | only for that cohort   |
    """
    services.agreement_save(pairing=world.pair, by=world.mentor, texts=texts(), version_seen=None, sign=True)
    signed_by_both(world, world.pair2)
    week = PairingFactory(match_run=world.run, started_on=TODAY - datetime.timedelta(days=7))
    six_days = PairingFactory(match_run=world.run, started_on=TODAY - datetime.timedelta(days=6))
    changed = PairingFactory(match_run=world.run, started_on=datetime.date(2026, 10, 1))
    signed_by_both(world, changed)
    services.agreement_save(
        pairing=changed, by=changed.mentor.person, texts=texts(cadence="Weekly"), version_seen=1
    )
    ended = PairingFactory(
        match_run=world.run,
        status=Pairing.Status.ENDED,
        ended_on=datetime.date(2026, 10, 1),
        outcome=Pairing.Outcome.COMPLETED,
    )
    other = CohortFactory(name="Spring 2027", state=Cohort.State.ACTIVE)
    elsewhere = PairingFactory(match_run=MatchRunFactory(cohort=other))
    return {
        "week": week,
        "six_days": six_days,
        "changed": changed,
        "ended": ended,
        "elsewhere": elsewhere,
        "other": other,
    }


def test_unsigned_after_a_week_worked_out_by_hand(world, fixed_set):
    found = list(selectors.unsigned_after_a_week([world.cohort.pk], today=TODAY))
    # Oldest start first: 8 Sep (pair), 1 Oct (changed), 26 Oct (week).
    assert [p.pk for p in found] == [world.pair.pk, fixed_set["changed"].pk, fixed_set["week"].pk]
    pair, changed, week = found
    # The weekly digest asks without a date: today's (the clock is at the world's today).
    assert [p.pk for p in selectors.unsigned_after_a_week([world.cohort.pk])] == [p.pk for p in found]
    assert pair.mentor_signed_at is not None and pair.mentee_signed_at is None
    assert (changed.agreement_version, changed.mentor_signed_at, changed.mentee_signed_at) == (2, None, None)
    assert week.agreement_version is None
    both = selectors.unsigned_after_a_week([world.cohort.pk, fixed_set["other"].pk], today=TODAY)
    assert fixed_set["elsewhere"].pk in {p.pk for p in both} and both.count() == 4
    # A day later the six-day pair has had its week too.
    later = selectors.unsigned_after_a_week([world.cohort.pk], today=TODAY + datetime.timedelta(days=1))
    assert fixed_set["six_days"].pk in {p.pk for p in later}


def test_unsigned_counts_per_open_cohort(world, fixed_set):
    closed = CohortFactory(programme=world.cohort.programme, state=Cohort.State.CLOSED)
    cohorts = selectors.unsigned_counts(world.cohort.programme, today=TODAY)
    assert {c.pk: c.unsigned for c in cohorts} == {world.cohort.pk: 3, fixed_set["other"].pk: 1}
    assert closed.pk not in {c.pk for c in cohorts}


def test_todo_lists_the_agreements_i_have_not_signed_naming_the_partner(world, fixed_set):
    # The mentor of the world's pair signed; a second mentee of theirs has nothing written yet; a
    # third pairing is signed by both, a fourth has ended.
    fresh = PairingFactory(
        match_run=world.run, mentor=world.pair.mentor, started_on=datetime.date(2026, 10, 30)
    )
    assert selectors.todo_for(world.mentor, today=TODAY) == [
        TodoItem(
            kind="agreement-sign",
            title=f"Fill in and sign your mentoring agreement with {fresh.mentee.person.full_name}",
            url=f"/agreements/pairings/{fresh.pk}/",
            due=datetime.date(2026, 11, 6),
            pairing_id=fresh.pk,
            detail="Not started yet: it starts from your programme's template.",
        )
    ]
    [item] = selectors.todo_for(world.mentee, today=TODAY)
    assert item.title == "Sign your mentoring agreement with Omar Mentor"
    assert item.detail == "Omar Mentor has signed it."
    assert item.due == datetime.date(2026, 9, 15) and item.is_overdue(TODAY)
    assert selectors.todo_for(world.mentee2, today=TODAY) == []  # signed by both
    [changed] = selectors.todo_for(fixed_set["changed"].mentee.person, today=TODAY)
    assert changed.detail == "Neither of you has signed this version yet."
    assert selectors.todo_for(fixed_set["ended"].mentee.person, today=TODAY) == []
    assert selectors.todo_for(world.outsider, today=TODAY) == []
    assert selectors.todo_for(None, today=TODAY) == []


def test_a_closed_cohorts_pairings_ask_for_nothing(world):
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CLOSED)
    assert selectors.todo_for(world.mentee, today=TODAY) == []


@pytest.mark.parametrize("mentees", [1, 8])
def test_todo_is_two_queries_however_many_pairings(world, django_assert_num_queries, mentees):
    for _ in range(mentees):
        PairingFactory(
            match_run=world.run,
            mentor=world.pair.mentor,
            mentee=EnrolmentFactory(cohort=world.cohort),
        )
    # The person's enrolments, their pairings to sign.
    with django_assert_num_queries(2):
        items = selectors.todo_for(world.mentor, today=TODAY)
    assert len(items) == mentees + 1
