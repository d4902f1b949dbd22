"""Celery entry points for notifications: ids in, a service call, nothing else. A duplicated or
redelivered task is harmless: a broadcast is claimed before it is told, and each notice is keyed."""

from celery import shared_task

from . import broadcasts


@shared_task(name="notifications.tasks.tell_broadcast")
def tell_broadcast(broadcast_id: int) -> bool:
    return broadcasts.broadcast_tell(broadcast_id=broadcast_id)


@shared_task(name="notifications.tasks.sweep_broadcasts")
def sweep_broadcasts() -> int:
    """Run by beat every OUTBOX_SWEEP_SECONDS: take up the broadcasts nobody is telling."""
    return len(broadcasts.broadcasts_sweep())
