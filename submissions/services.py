"""Writes for submissions: forget the tokens of forms sent long ago."""

import datetime

from django.utils import timezone

from .models import Submission

# A form left open longer than this and posted again is treated as a new submission: no one keeps a
# page open for a month, and the table would otherwise grow by every form ever sent.
KEPT_FOR = datetime.timedelta(days=30)


def submissions_forget(*, now: datetime.datetime | None = None) -> int:
    """Delete the claims older than KEPT_FOR; returns how many. Run daily by beat."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _ = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
