"""Celery entry points of the dashboards: a service call, nothing else."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone, translation

from . import digests, panels_kept, rollups
from .filters import scope_for


@shared_task(name="dashboards.tasks.send_manager_digests")
def send_manager_digests() -> int:
    """Run by beat every few hours: the first run of a month tells each manager once (the reminder's
    unique key), later runs find nothing owed."""
    return len(digests.manager_digests_send(now=timezone.now()))


@shared_task(name="dashboards.tasks.refresh_panels", ignore_result=True)
def refresh_panels(*, user_id: int, query: str, printable: bool, language: str | None) -> None:
    """Work out again the panels a view found stale (dashboards/panels_kept.py), as that viewer
    sees them: their scope follows from who they are now."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(language):
        scope, _form = scope_for(user, QueryDict(query))
        panels_kept.refresh(scope, printable=printable)


@shared_task(name="dashboards.tasks.rebuild_pairing_months")
def rebuild_pairing_months() -> int:
    """Run by beat nightly: the pairing-months worked out again from the rows (rollups.rebuild)."""
    return rollups.rebuild()


@shared_task(name="dashboards.tasks.warm_panels", ignore_result=True)
def warm_panels() -> int:
    """Run by beat every hour (the first run of a day finds every view cold): panels_kept.warm."""
    with translation.override(settings.LANGUAGE_CODE):
        return panels_kept.warm()
