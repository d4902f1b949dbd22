"""Celery entry points. Each takes ids, loads nothing itself and calls a service, so a retried or
duplicated message is as safe as the service it calls (see reminders.services)."""

from celery import shared_task

from . import services


@shared_task(name="reminders.tasks.scan_due_reminders")
def scan_due_reminders() -> int:
    """Run by beat every REMINDER_SCAN_SECONDS (mentorship/settings.py): record the pulse
    check-ins owed, then record the check-in-due reminders and write every new email to the outbox."""
    services.pulse_reminders_record()
    return len(services.reminders_scan_due())
