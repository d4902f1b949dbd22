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


def message_log(
    *, status: str = "", cohort_id: int | None = None, q: str = "", channel: str = ""
) -> QuerySet[Message]:
    """The log programme admins read (emails and chat posts): newest first, without the bodies."""
    messages = Message.objects.defer("text", "html", "attachments", "payload").order_by("-created_at", "-pk")
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    if cohort_id:
        messages = messages.filter(cohort_id=cohort_id)
    if q:
        messages = messages.filter(Q(to__icontains=q) | Q(subject__icontains=q))
    return messages
