"""Celery entry points for the outbox: ids in, a service call, nothing else. A duplicated or
redelivered task is harmless: `message_send` claims before it sends."""

from celery import shared_task

from . import services


@shared_task(name="outbox.tasks.send_message")
def send_message(message_id: int) -> bool:
    return services.message_send(message_id=message_id)


@shared_task(name="outbox.tasks.sweep")
def sweep() -> int:
    """Run by beat every OUTBOX_SWEEP_SECONDS: queue what is owed and unclaimed."""
    return len(services.outbox_sweep())
