"""Celery entry points: take ids, call a service. Safe to run twice (see services.invitation_deliver)."""

from celery import shared_task

from . import services


@shared_task(name="enrolment.tasks.send_invitation")
def send_invitation(invitation_id: int) -> bool:
    return services.invitation_deliver(invitation_id=invitation_id)
