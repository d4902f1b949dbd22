"""A pair the admin ended (or whose cohort is no longer running) is reminded of nothing more."""

import pytest
from django.core import mail
from django.db.models import Q

from closeout.services import pairing_end_early
from notifications.models import Notification
from outbox.models import Message
from outbox.services import outbox_sweep
from programmes.models import Cohort
from reminders.models import Reminder
from reminders.services import pulse_reminders_record, reminders_scan_due


def scan(capture, now):
    with capture(execute=False):
        pulse_reminders_record(now=now)
        return reminders_scan_due(now=now)


def reminded_pairings(ids):
    return set(Reminder.objects.filter(pk__in=ids).values_list("pairing_id", flat=True))


def test_pair_ended_by_the_admin_gets_no_new_check_in_or_pulse_reminder(
    world, morning, django_capture_on_commit_callbacks
):
    pairing_end_early(pairing=world.pair, reason="Left the team", by=world.admin)

    queued = scan(django_capture_on_commit_callbacks, morning)

    assert not Reminder.objects.filter(pairing=world.pair).exists()
    assert reminded_pairings(queued) == {world.pair2.pk}
    assert set(Reminder.objects.values_list("kind", flat=True)) == {Reminder.Kind.CHECK_IN}
    # The pulse goes through notifications (reminders.services.pulse_reminders_record).
    assert set(Notification.objects.filter(kind="pulse").values_list("person", flat=True)) == {
        world.mentor2.pk,
        world.mentee2.pk,
    }


def _emails(pairing):
    reminded = Reminder.objects.filter(pairing=pairing).values("message_id")
    return Message.objects.filter(Q(pk__in=reminded) | Q(key__startswith=f"pulse:{pairing.pk}:"))


def test_emails_of_reminders_recorded_before_the_pair_ended_are_cancelled(
    world, morning, django_capture_on_commit_callbacks
):
    # The scan records both pairs' reminders and their emails; none is sent (say the broker was down).
    first = scan(django_capture_on_commit_callbacks, morning)
    assert reminded_pairings(first) == {world.pair.pk, world.pair2.pk}

    pairing_end_early(pairing=world.pair, reason="Left the team", by=world.admin)
    assert scan(django_capture_on_commit_callbacks, morning) == []

    assert {m.status for m in _emails(world.pair)} == {Message.Status.CANCELLED}
    assert {m.status for m in _emails(world.pair2)} == {Message.Status.PENDING}
    outbox_sweep()  # the broker is back: only the running pair hears from us (the ended pair: that it ended)
    reminders = [m for m in mail.outbox if "has ended" not in m.subject]
    assert sorted(address for m in reminders for address in m.to) == sorted(
        [world.mentor2.email, world.mentee2.email] * 2  # a check-in and a pulse each
    )


@pytest.mark.parametrize("state", [Cohort.State.CONCLUDING, Cohort.State.CLOSED])
def test_emails_of_reminders_recorded_before_the_cohort_stopped_running_are_cancelled(
    world, morning, django_capture_on_commit_callbacks, state
):
    assert scan(django_capture_on_commit_callbacks, morning)
    Cohort.objects.filter(pk=world.cohort.pk).update(state=state)

    assert scan(django_capture_on_commit_callbacks, morning) == []
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.CANCELLED}
