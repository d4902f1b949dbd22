"""A pair the admin ended (or whose cohort is no longer running) is reminded of nothing more."""

import pytest

from closeout.services import pairing_end_early
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
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        Reminder.Kind.CHECK_IN,
        Reminder.Kind.PULSE,
    }


def test_reminders_recorded_before_the_pair_ended_get_no_email_after(
    world, morning, django_capture_on_commit_callbacks
):
    # Pulse reminders are recorded first; their emails are written by the scan that follows.
    pulse_reminders_record(now=morning)
    assert Reminder.objects.filter(pairing=world.pair, message__isnull=True).exists()

    pairing_end_early(pairing=world.pair, reason="Left the team", by=world.admin)
    written = scan(django_capture_on_commit_callbacks, morning)

    assert reminded_pairings(written) == {world.pair2.pk}
    assert not Reminder.objects.filter(pairing=world.pair, message__isnull=False).exists()


@pytest.mark.parametrize("state", [Cohort.State.CONCLUDING, Cohort.State.CLOSED])
def test_reminders_recorded_before_the_cohort_stopped_running_get_no_email(
    world, morning, django_capture_on_commit_callbacks, state
):
    assert pulse_reminders_record(now=morning)
    Cohort.objects.filter(pk=world.cohort.pk).update(state=state)

    assert scan(django_capture_on_commit_callbacks, morning) == []
    assert not Reminder.objects.filter(message__isnull=False).exists()
