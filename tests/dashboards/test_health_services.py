"""Nudging pairs from programme health: what is emailed, to whom, and only once a day."""

import datetime

import pytest

from dashboards.health_services import pairings_nudge
from matching.models import Pairing
from outbox.models import Message
from programmes.models import Cohort
from tests.factories import PairingFactory, SessionFactory

TODAY = datetime.date(2026, 11, 2)


def nudges():
    return Message.objects.filter(kind="nudge")


def test_both_members_are_emailed_with_their_partner_and_the_days_since_they_met(world):
    SessionFactory(pairing=world.pair, held_on=datetime.date(2026, 10, 23))
    outcome = pairings_nudge(pairings=[world.pair], by=world.admin, today=TODAY)
    assert (outcome.nudged, outcome.already, outcome.skipped, outcome.emails) == ([world.pair], [], [], 2)
    ada = nudges().get(to="mentee@example.com")
    assert "Omar Mentor" in ada.subject
    assert "You last met 10 days ago." in ada.text and "every 14 days" in ada.text
    assert f"http://testserver/pairings/{world.pair.pk}/" in ada.text
    assert ada.text.startswith("Hi Ada,") and "unsubscribe" in ada.text.lower()
    assert ada.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Your mentor is there for you" in ada.text
    omar = nudges().get(to="mentor@example.com")
    assert "Ada Mentee" in omar.subject and "your mentee's momentum" in omar.text
    assert ada.cohort_id == omar.cohort_id == world.cohort.pk


def test_a_pair_that_never_met_is_told_how_long_ago_it_was_paired(world):
    pairings_nudge(pairings=[world.pair2], by=world.admin, today=TODAY)
    # Paired on 8 September 2026: 55 days before 2 November.
    assert "You were paired 55 days ago and haven't logged a session yet." in nudges().first().text


def test_the_same_day_sends_nothing_twice_and_the_next_day_nudges_again(world):
    pairings_nudge(pairings=[world.pair], by=world.admin, today=TODAY)
    again = pairings_nudge(pairings=[world.pair], by=world.admin, today=TODAY)
    assert (again.nudged, again.already, again.emails) == ([], [world.pair], 0)
    assert nudges().count() == 2
    tomorrow = pairings_nudge(pairings=[world.pair], by=world.admin, today=TODAY + datetime.timedelta(days=1))
    assert tomorrow.nudged == [world.pair] and nudges().count() == 4


@pytest.mark.parametrize("how", ["ended", "closed cohort"])
def test_a_pair_that_is_not_active_is_skipped(world, how):
    if how == "ended":
        Pairing.objects.filter(pk=world.pair.pk).update(
            status=Pairing.Status.ENDED, ended_on=TODAY, outcome=Pairing.Outcome.COMPLETED
        )
    else:
        Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CLOSED)
    outcome = pairings_nudge(pairings=[world.pair], by=world.admin, today=TODAY)
    assert [p.pk for p in outcome.skipped] == [world.pair.pk] and outcome.nudged == []
    assert not nudges().exists()


# (At most 22 pairs here: SQLite's INSERT batches hold fewer rows than PostgreSQL's, so more would
# add a batch.)
@pytest.mark.parametrize("extra", [0, 20])
def test_nudging_many_pairs_takes_a_fixed_number_of_queries(world, extra, django_assert_num_queries):
    pairs = [world.pair, world.pair2, *(PairingFactory(match_run=world.run) for _ in range(extra))]
    # savepoint; the pairs, the keys already taken, the sender's name; then notify_many's fixed
    # number (people's preferences and wording, the notifications and their emails, the unread
    # counters); release
    with django_assert_num_queries(16):
        outcome = pairings_nudge(pairings=pairs, by=world.admin, today=TODAY)
    assert len(outcome.nudged) == 2 + extra and nudges().count() == 2 * (2 + extra)
