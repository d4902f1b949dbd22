"""Pulse check-in reminders: one per member per pulse period, with a signed link to the answer."""

import datetime
import re

import pytest
from django.core import mail

from matching.models import Pairing
from reminders.models import Reminder
from reminders.services import pulse_reminders_record, reminders_scan_due
from reminders.tasks import scan_due_reminders

DAY = datetime.timedelta(days=1)


@pytest.fixture
def only_pair_one(world):
    Pairing.objects.filter(pk=world.pair2.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )
    return world


def pulses():
    return Reminder.objects.filter(kind=Reminder.Kind.PULSE).order_by("person__full_name")


def test_pulse_is_owed_to_both_members_with_the_period_since_the_pairing_started(only_pair_one, morning):
    world = only_pair_one
    pulse_reminders_record()
    # Started 2026-09-08, interval 28: 2026-11-02 is day 55, so period 1.
    assert [(r.person, r.period_key, r.pairing) for r in pulses()] == [
        (world.mentee, "1", world.pair),
        (world.mentor, "1", world.pair),
    ]


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
    pulse_mail = [m for m in mail.outbox if "how is mentoring" in m.subject.lower()]
    assert sorted(m.to[0] for m in pulse_mail) == ["mentee@example.com", "mentor@example.com"]
    assert pulses().count() == 2 and all(r.message.sent_at for r in pulses())

    # The next period (day 56 onwards) owes a new one each.
    time_machine.move_to(datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders()
    assert sorted(r.period_key for r in pulses()) == ["1", "1", "2", "2"]


def test_check_in_scan_alone_records_no_pulse(only_pair_one, morning, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan_due()
    assert not pulses().exists()


def test_pulse_email_links_to_the_signed_answer_page(
    only_pair_one, morning, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders()
    message = next(m for m in mail.outbox if m.to == ["mentee@example.com"] and "pulse" in m.body.lower())
    url = re.search(r"http://testserver(/pairings/check-ins/\S+/)", message.body).group(1)
    assert url in message.alternatives[0][0]
    client.force_login(only_pair_one.mentee.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Are you meeting as planned?" in response.text


def test_no_pulse_for_someone_who_left(only_pair_one, morning):
    world = only_pair_one
    world.mentor.leave_date = world.today - DAY
    world.mentor.save()
    pulse_reminders_record()
    assert [r.person for r in pulses()] == [world.mentee]
