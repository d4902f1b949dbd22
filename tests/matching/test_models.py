"""What a pairing knows about itself: its members, the partner of either, and its state rules."""

import datetime

import pytest

from matching.models import Pairing
from programmes.models import Cohort


def test_members_and_partner(world):
    pair = world.pair
    assert pair.members() == (world.mentor, world.mentee)
    assert pair.partner_of(world.mentor) == world.mentee and pair.partner_of(world.mentee) == world.mentor
    assert pair.has_member(world.mentee) and not pair.has_member(world.mentee2) and not pair.has_member(None)


@pytest.mark.parametrize(
    ("status", "state", "active", "reflection"),
    [
        (Pairing.Status.ACTIVE, Cohort.State.ACTIVE, True, False),
        (Pairing.Status.ACTIVE, Cohort.State.CONCLUDING, True, True),
        (Pairing.Status.ENDED, Cohort.State.ACTIVE, False, True),
        (Pairing.Status.ACTIVE, Cohort.State.CLOSED, False, False),  # left active by hand
        (Pairing.Status.ENDED, Cohort.State.CLOSED, False, False),
    ],
)
def test_active_and_reflection_window(world, status, state, active, reflection):
    pair = world.pair
    pair.status, pair.cohort.state = status, state
    assert (pair.is_active, pair.accepts_reflection) == (active, reflection)


def test_overdue_for_a_session_is_more_than_the_cadence_since_the_last_session_or_the_start(world):
    pair = world.pair  # started 2026-09-08, cadence 14
    today = datetime.date(2026, 10, 1)
    assert pair.is_overdue_for_session(None, today=today)  # never met: 23 days since the start
    assert not pair.is_overdue_for_session(datetime.date(2026, 9, 17), today=today)  # 14 days: on time
    assert pair.is_overdue_for_session(datetime.date(2026, 9, 16), today=today)  # 15 days
    pair.status = Pairing.Status.ENDED
    assert not pair.is_overdue_for_session(None, today=today)


@pytest.mark.parametrize(
    ("zone", "expected"), [("Europe/Berlin", "Europe/Berlin"), ("", "UTC"), ("Mars/Base", "UTC")]
)
def test_a_persons_time_zone_falls_back_to_utc(world, zone, expected):
    world.mentee.time_zone = zone
    assert str(world.mentee.tzinfo) == expected
