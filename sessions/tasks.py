"""Celery entry points for sessions. Each takes an id and calls a service, so a retried or
duplicated message is as safe as the claim the service makes."""

from celery import shared_task

from . import services


@shared_task(name="sessions.tasks.send_session_invite")
def send_session_invite(scheduled_id: int) -> int:
    """Email both members the calendar invite for the session's current revision, once."""
    return services.session_invite_send(scheduled_id=scheduled_id)
