"""Pulse check-in reminders: one notification (and email) per member per pulse period, through
notify_many, the email carrying one signed answer link per score."""

import datetime
import email
import re

import pytest
from django.core import mail

from matching.models import Pairing
from notifications.models import Notification
from notifications.services import email_mute
from reminders.services import pulse_reminders_record, reminders_scan_due
from reminders.tasks import scan_due_reminders
from sessions import links
from tests.factories import PairingFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def only_pair_one(world):
    Pairing.objects.filter(pk=world.pair2.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )
    return world


def pulses():
    return Notification.objects.filter(kind="pulse").order_by("person__full_name")


def pulse_mail():
    return [m for m in mail.outbox if "how is mentoring" in m.subject.lower()]


def test_pulse_is_owed_to_both_members_with_the_period_since_the_pairing_started(only_pair_one, morning):
    world = only_pair_one
    assert pulse_reminders_record() == 2
    # Started 2026-09-08, interval 28: 2026-11-02 is day 55, so period 1.
    assert [(n.person, n.key) for n in pulses()] == [
        (world.mentee, f"pulse:{world.pair.pk}:{world.mentee.pk}:1"),
        (world.mentor, f"pulse:{world.pair.pk}:{world.mentor.pk}:1"),
    ]
    assert all(n.cohort_id == world.cohort.pk for n in pulses())


def test_no_pulse_during_the_first_interval(only_pair_one, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC), tick=False)  # day 27
    pulse_reminders_record()
    assert not pulses().exists()


def test_pulse_is_sent_once_per_period_however_often_the_scan_runs(
    only_pair_one, morning, time_machine, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            scan_due_reminders()
    assert sorted(m.to[0] for m in pulse_mail()) == ["mentee@example.com", "mentor@example.com"]
    assert pulses().count() == 2

    # The next period (day 56 onwards) owes a new one each.
    time_machine.move_to(datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders()
    assert sorted(n.key.rsplit(":", 1)[1] for n in pulses()) == ["1", "1", "2", "2"]
    assert len(pulse_mail()) == 4


def test_check_in_scan_alone_records_no_pulse(only_pair_one, morning, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan_due()
    assert not pulses().exists()


def test_pulse_email_carries_one_signed_link_per_score_for_that_person_pairing_and_period(
    only_pair_one, morning, django_capture_on_commit_callbacks
):
    world = only_pair_one
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders()
    message = next(m for m in pulse_mail() if m.to == ["mentee@example.com"])
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert {part.get_content_type() for part in parsed.walk()} >= {"text/plain", "text/html"}
    assert parsed["List-Unsubscribe"] and parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = re.findall(r"http://testserver/pairings/pulse/([^/\s]+)/(\d)/", message.body)
    assert [int(score) for _token, score in found] == [1, 2, 3, 4, 5]
    assert {token for token, _score in found} == {
        links.pulse_answer_token(person_id=world.mentee.pk, pairing_id=world.pair.pk, period=1)
    }
    html = message.alternatives[0][0]
    assert all(f"/pairings/pulse/{token}/{score}/" in html for token, score in found)
    assert message.body.startswith("Hi Ada,")  # greeted by first name


def test_no_pulse_for_someone_who_left(only_pair_one, morning):
    world = only_pair_one
    world.mentor.leave_date = world.today - DAY
    world.mentor.save()
    pulse_reminders_record()
    assert [n.person for n in pulses()] == [world.mentee]


def test_no_pulse_after_the_pairing_ended(only_pair_one, morning):
    Pairing.objects.filter(pk=only_pair_one.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=only_pair_one.today, outcome=Pairing.Outcome.COMPLETED
    )
    assert pulse_reminders_record() == 0
    assert not pulses().exists()


def test_muted_pulse_is_a_notification_without_an_email(
    only_pair_one, morning, django_capture_on_commit_callbacks
):
    email_mute(person=only_pair_one.mentee, kind="pulse")
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders()
    assert pulses().count() == 2
    assert [m.to for m in pulse_mail()] == [["mentor@example.com"]]


def _more_pairs(world, n):
    for _ in range(n):
        PairingFactory(match_run=world.run, status=Pairing.Status.ACTIVE, started_on=world.pair.started_on)


@pytest.mark.parametrize("extra", [0, 6])
def test_pulse_scan_query_count_does_not_grow_with_the_pairings(
    only_pair_one, morning, extra, django_assert_num_queries
):
    _more_pairs(only_pair_one, extra)
    # Savepoint, the due pairings, the people told already; notify_many's savepoint, known keys,
    # preferences, notifications,
    # the outbox insert, its keys back, its claimable ids, the notification ids back; the update
    # cancelling emails of pairings no longer reminded; two releases.
    # (Each notify_many call also reads the programme's wording overrides and bumps the unread counters.)
    with django_assert_num_queries(16):
        pulse_reminders_record()
    assert pulses().count() == 2 + 2 * extra


def test_a_repeated_scan_renders_nothing_and_stays_a_few_queries(
    only_pair_one, morning, django_assert_num_queries
):
    _more_pairs(only_pair_one, 6)
    pulse_reminders_record()
    # Savepoint, the due pairings, the people told already (all), the cancelling update, release.
    with django_assert_num_queries(5):
        assert pulse_reminders_record() == 14
    assert pulses().count() == 14
