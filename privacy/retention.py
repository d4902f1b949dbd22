"""Removing the words of cohorts closed longer than the retention period (RETENTION_DAYS), keeping
every row and figure the dashboards count: what the registry (privacy/registry.py) marks as free
text in rows that belong to a cohort. A chunk of rows per transaction, so a large cohort never
holds one long transaction; running it again changes nothing more."""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mentorship.chunks import keyset_chunks
from programmes.models import Cohort

from .models import CohortClosure
from .registry import HOLDINGS, resolve_blank

CHUNK = 500


def cohorts_past_retention(*, now: datetime.datetime | None = None, days: int | None = None) -> QuerySet:
    """Closed cohorts whose words are still kept, closed more than `days` ago (RETENTION_DAYS;
    0 keeps everything). A cohort closed before closures were recorded counts from its end date."""
    days = settings.RETENTION_DAYS if days is None else days
    if not days:
        return Cohort.objects.none()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    closures = CohortClosure.objects.values("cohort")
    return Cohort.objects.filter(state=Cohort.State.CLOSED).filter(
        ~Q(pk__in=closures.filter(content_removed_at__isnull=False)),
        Q(pk__in=closures.filter(closed_at__lt=cutoff))
        | (~Q(pk__in=closures) & Q(ends_on__lt=timezone.localdate(cutoff))),
    )


def cohort_content_remove(*, cohort: Cohort, chunk: int = CHUNK) -> dict[str, int]:
    """Blank (or delete, for private notes) every registered free-text field of `cohort`'s rows."""
    changed: dict[str, int] = {}
    for holding in HOLDINGS:
        if holding.cohort is None or not holding.free_text:
            continue
        model = holding.model_class
        rows = model._base_manager.filter(**{holding.cohort: cohort.pk}).only("pk")
        values = {name: resolve_blank(value) for name, value in holding.blanked().items()}
        count = 0
        for found in keyset_chunks(rows, size=chunk):
            with transaction.atomic():
                # The default manager's bulk writes replace the kept pages' stamps.
                mine = model._default_manager.filter(pk__in=[row.pk for row in found])
                count += mine.delete()[0] if holding.delete else mine.update(**values)
        changed[holding.model] = count
    CohortClosure.objects.update_or_create(
        cohort=cohort,
        defaults={"content_removed_at": timezone.now()},
        # Closed before closures were recorded: it counted from its end date.
        create_defaults={
            "closed_at": datetime.datetime.combine(cohort.ends_on, datetime.time(), tzinfo=datetime.UTC),
            "content_removed_at": timezone.now(),
        },
    )
    return changed


def login_records_remove(*, now: datetime.datetime | None = None) -> int:
    """django-axes' records of logins and failed logins older than LOGIN_RECORDS_DAYS (0 keeps them):
    they name a username, an address and a browser, and are needed only to look into recent
    attempts. Lockouts in force (AccessAttempt) expire by themselves. How many rows went."""
    days = settings.LOGIN_RECORDS_DAYS
    if not days:
        return 0
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    removed = 0
    for name in ("AccessLog", "AccessFailureLog"):
        removed += apps.get_model("axes", name).objects.filter(attempt_time__lt=before).delete()[0]
    return removed


def retention_apply(*, now: datetime.datetime | None = None) -> int:
    """Every cohort past the period, one after the other, and old login records: how many cohorts
    were done."""
    done = 0
    for cohort in list(cohorts_past_retention(now=now)):
        cohort_content_remove(cohort=cohort)
        done += 1
    login_records_remove(now=now)
    return done
