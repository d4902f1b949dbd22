"""Reads for the outbox."""

import datetime

from django.db.models import Q, QuerySet

from .models import Message


def messages_due(*, now: datetime.datetime, lease: datetime.timedelta) -> QuerySet[Message]:
    """Pending messages whose next attempt is due and that no live worker holds."""
    return (
        Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease))
        .order_by("next_attempt_at", "pk")
    )


def messages_for_cohort(*, cohort_id: int) -> QuerySet[Message]:
    return Message.objects.filter(cohort_id=cohort_id).order_by("-created_at")
