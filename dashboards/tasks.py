"""Celery entry points of the dashboards: a service call, nothing else."""

from celery import shared_task
from django.utils import timezone

from . import digests


@shared_task(name="dashboards.tasks.send_manager_digests")
def send_manager_digests() -> int:
    """Run by beat every few hours: the first run of a month tells each manager once (the reminder's
    unique key), later runs find nothing owed."""
    return len(digests.manager_digests_send(now=timezone.now()))
