"""Celery entry points. Each takes ids, loads nothing itself and calls a service, so a retried or
duplicated message is as safe as the service it calls (see reminders.services)."""

from celery import shared_task

from . import services


@shared_task(name="reminders.tasks.scan_due_reminders")
def scan_due_reminders() -> int:
    """Run by beat every REMINDER_SCAN_SECONDS (mentorship/settings.py): record the pulse
    check-ins owed, then every other reminder owed (check-in due and its escalation, upcoming
    sessions, action items and goals due, the admins' weekly digest), each told once."""
    services.pulse_reminders_record()
    return len(services.reminders_scan_due())
