"""At-risk alerts to the cohort's chat channel: a flagged check-in (once per pair and period) and a
pair silent for twice its cadence (once per silent stretch, whatever how often the scan runs),
naming the pair, linking to its flag page, and never quoting what the pair wrote."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from outbox.models import Message
from sessions import chat, checkins
from tests.factories import EnrolmentFactory, PairingFactory, SessionFactory
from tests.realservers import WebhookServer

pytestmark = pytest.mark.django_db

# Pairings start on 2026-09-08 and pulse every 28 days: period 1 runs 2026-10-06 .. 2026-11-02.
IN_PERIOD_1 = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)
SCAN_QUERIES = 4  # the silent pairs, the insert, the keys' ids, the pending ones to queue


@pytest.fixture
def posting(world, settings):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = True
    with WebhookServer() as server:
        world.cohort.chat_webhook_url = server.url("/services/T1/B1/token")
        world.cohort.save()
        world.server = server
        yield world


def _answer(world, person, *, period=1, satisfaction=2, blockers="No time in the rota", comment=""):
    return checkins.checkin_answer(
        pairing=world.pair,
        by=person,
        period=period,
        satisfaction=satisfaction,
        meeting_regularly=True,
        blockers=blockers,
        comment=comment,
        today=datetime.date(2026, 10, 20) if period == 1 else datetime.date(2026, 11, 10),
    )


# --- a flagged check-in ------------------------------------------------------------------------


@time_machine.travel(IN_PERIOD_1, tick=False)
def test_a_flagged_check_in_posts_the_pair_and_its_flag_page_once_per_period(
    posting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _answer(posting, posting.mentee, comment="My mentor is never on time")
        _answer(posting, posting.mentor, satisfaction=1, blockers="")  # the same period: no second post
    [message] = Message.objects.all()
    assert message.key == f"chat:{posting.cohort.pk}:flagged:{posting.pair.pk}:p1"
    [(_path, body)] = posting.server.requests
    flags = reverse("mentoring_sessions:pairing-flags", args=[posting.pair.pk])
    assert body["text"] == (
        f"At risk: {posting.mentor.full_name} (mentor) and {posting.mentee.full_name} (mentee) in "
        f"{posting.cohort.name} have a flagged check-in (low satisfaction, a blocker).\n"
        f"<http://testserver{flags}|Open the pair's flags>"
    )
    assert "rota" not in body["text"] and "never on time" not in body["text"]


def test_the_next_period_s_flag_is_a_new_post_and_an_unflagged_answer_none(posting):
    with time_machine.travel(IN_PERIOD_1, tick=False):
        _answer(posting, posting.mentee, satisfaction=4, blockers="")
        assert not Message.objects.exists()
        _answer(posting, posting.mentee)
    with time_machine.travel(IN_PERIOD_1 + datetime.timedelta(days=21), tick=False):
        _answer(posting, posting.mentee, period=2)
    assert sorted(Message.objects.values_list("key", flat=True)) == [
        f"chat:{posting.cohort.pk}:flagged:{posting.pair.pk}:p1",
        f"chat:{posting.cohort.pk}:flagged:{posting.pair.pk}:p2",
    ]


@time_machine.travel(IN_PERIOD_1, tick=False)
def test_a_check_in_that_rolls_back_posts_nothing(posting):
    with pytest.raises(RuntimeError), transaction.atomic():
        _answer(posting, posting.mentee)
        raise RuntimeError
    assert not Message.objects.exists()


@time_machine.travel(IN_PERIOD_1, tick=False)
def test_a_cohort_without_a_webhook_hears_nothing_of_flags(world):
    _answer(world, world.mentee)
    assert not Message.objects.exists()


# --- a silent pair -----------------------------------------------------------------------------


def _pair3(world):
    """A third active pair of the cohort that has never met (started 2026-09-08)."""
    return PairingFactory(
        match_run=world.run,
        mentor=EnrolmentFactory(cohort=world.cohort, role="mentor", capacity=1),
        mentee=EnrolmentFactory(cohort=world.cohort),
    )


def test_pairs_silent_for_twice_the_cadence_are_posted_once_however_often_the_scan_runs(
    posting, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # Cadence 14 days, today 2026-11-02: silent when the last meeting is before 2026-10-05.
    SessionFactory(pairing=posting.pair, held_on=datetime.date(2026, 9, 20))
    SessionFactory(pairing=posting.pair, held_on=datetime.date(2026, 10, 4))  # 29 days: silent
    SessionFactory(pairing=posting.pair2, held_on=datetime.date(2026, 10, 5))  # 28 days: not yet
    never = _pair3(posting)  # 55 days since it started: silent
    today = datetime.date(2026, 11, 2)
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_num_queries(SCAN_QUERIES):
            first = chat.silent_pairs_alert(today=today)
        second = chat.silent_pairs_alert(today=today)
    assert first == second
    assert sorted(first) == sorted(
        [
            f"chat:{posting.cohort.pk}:silent:{posting.pair.pk}:2026-10-04",
            f"chat:{posting.cohort.pk}:silent:{never.pk}:2026-09-08",
        ]
    )
    assert Message.objects.count() == 2 and len(posting.server.requests) == 2
    [text] = [b["text"] for _path, b in posting.server.requests if posting.mentee.full_name in b["text"]]
    flags = reverse("mentoring_sessions:pairing-flags", args=[posting.pair.pk])
    assert text == (
        f"At risk: {posting.mentor.full_name} (mentor) and {posting.mentee.full_name} (mentee) in "
        f"{posting.cohort.name} have not met for 29 days, more than twice the cohort's cadence.\n"
        f"<http://testserver{flags}|Open the pair>"
    )

    # A day later pair 2 joins; the others were told already.
    with django_capture_on_commit_callbacks(execute=True):
        chat.silent_pairs_alert(today=today + datetime.timedelta(days=1))
    assert Message.objects.count() == 3 and len(posting.server.requests) == 3


def test_the_scan_costs_the_same_queries_for_more_silent_pairs(posting, django_assert_num_queries):
    for _n in range(6):
        _pair3(posting)
    with django_assert_num_queries(SCAN_QUERIES):
        owed = chat.silent_pairs_alert(today=datetime.date(2026, 11, 2))
    assert len(owed) == 8


def test_a_new_meeting_ends_the_silence_and_a_new_silence_is_posted_again(posting):
    SessionFactory(pairing=posting.pair2, held_on=datetime.date(2026, 10, 30))
    SessionFactory(pairing=posting.pair, held_on=datetime.date(2026, 10, 1))
    chat.silent_pairs_alert(today=datetime.date(2026, 11, 2))
    SessionFactory(pairing=posting.pair, held_on=datetime.date(2026, 11, 3))
    SessionFactory(pairing=posting.pair2, held_on=datetime.date(2026, 11, 25))
    assert chat.silent_pairs_alert(today=datetime.date(2026, 11, 20)) == {}
    chat.silent_pairs_alert(today=datetime.date(2026, 12, 2))
    assert sorted(Message.objects.values_list("key", flat=True)) == [
        f"chat:{posting.cohort.pk}:silent:{posting.pair.pk}:2026-10-01",
        f"chat:{posting.cohort.pk}:silent:{posting.pair.pk}:2026-11-03",
    ]


def test_cohorts_without_a_webhook_are_not_scanned(world):
    assert list(chat.silent_pairings(today=datetime.date(2026, 12, 31))) == []
