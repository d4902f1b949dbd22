import datetime

import pytest

from matching.models import Pairing
from programmes.models import Cohort
from reminders.selectors import pairings_due_check_in
from tests.factories import CohortFactory, MatchRunFactory, PairingFactory, SessionFactory

DAY = datetime.timedelta(days=1)


def add_overdue_pairs(world, count: int, sessions_each: int = 3):
    """Pairs in the world's cohort whose last session was over a cadence ago."""
    for _ in range(count):
        pairing = PairingFactory(match_run=world.run)
        for i in range(sessions_each):
            SessionFactory(pairing=pairing, held_on=datetime.date(2026, 9, 10) + i * DAY)


@pytest.mark.parametrize("extra_pairs", [0, 12])
def test_due_pairings_and_everything_a_message_needs_cost_one_query(
    world, today, extra_pairs, django_assert_num_queries
):
    add_overdue_pairs(world, extra_pairs)

    with django_assert_num_queries(1):
        due = list(pairings_due_check_in(today=today))
        members = [(p.mentor.person.email, p.mentee.person.email, p.cohort.cadence_days) for p in due]

    assert len(due) == len(members) == 2 + extra_pairs


def test_last_session_or_start_date_decides_when_a_pair_is_due(world, today):
    SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 10, 1))
    SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 10, 20))  # the latest counts
    SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 9, 20))

    due = {p.pk: p for p in pairings_due_check_in(today=datetime.date(2026, 11, 3))}

    assert (due[world.pair.pk].last_met_on, due[world.pair.pk].due_on) == (
        datetime.date(2026, 9, 8),  # never met: counted from the start
        datetime.date(2026, 9, 22),
    )
    assert (due[world.pair2.pk].last_met_on, due[world.pair2.pk].due_on) == (
        datetime.date(2026, 10, 20),
        datetime.date(2026, 11, 3),
    )
    assert world.pair2.pk not in {p.pk for p in pairings_due_check_in(today=datetime.date(2026, 11, 2))}


def test_cadence_is_read_from_each_pairs_cohort(world):
    weekly = CohortFactory(state=Cohort.State.ACTIVE, cadence_days=7)
    weekly_pair = PairingFactory(
        match_run=MatchRunFactory(cohort=weekly), started_on=datetime.date(2026, 10, 1)
    )

    due_on_oct_8 = {p.pk for p in pairings_due_check_in(today=datetime.date(2026, 10, 8))}

    assert weekly_pair.pk in due_on_oct_8
    assert world.pair.pk in due_on_oct_8  # 2026-09-08 + 14 days
    assert {p.pk for p in pairings_due_check_in(today=datetime.date(2026, 10, 7))} == {
        world.pair.pk,
        world.pair2.pk,
    }


@pytest.mark.parametrize(
    ("pairing_status", "cohort_state"),
    [
        (Pairing.Status.PROPOSED, Cohort.State.ACTIVE),
        (Pairing.Status.ENDED, Cohort.State.ACTIVE),
        (Pairing.Status.ACTIVE, Cohort.State.CONCLUDING),
        (Pairing.Status.ACTIVE, Cohort.State.CLOSED),
    ],
)
def test_only_active_pairs_in_active_cohorts_are_due(world, today, pairing_status, cohort_state):
    ended = pairing_status == Pairing.Status.ENDED
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=pairing_status,
        ended_on=today if ended else None,
        outcome=Pairing.Outcome.COMPLETED if ended else "",
    )
    Cohort.objects.filter(pk=world.cohort.pk).update(state=cohort_state)

    due = {p.pk for p in pairings_due_check_in(today=today)}

    assert world.pair.pk not in due
