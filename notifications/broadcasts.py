"""Messages to a whole cohort, told outside the request that owes them.

Rendering a lifecycle message for everyone in a cohort took seconds per thousand people inside the
request. Instead the request records a `Broadcast` (one row, in its own transaction) and, once that
commits, a worker tells the cohort a chunk at a time: each chunk is one `notify_many` call, committed
on its own, and every person's notice keeps its own key, so running a broadcast again (a duplicated
task, a worker killed half-way, the sweep) tells only those not told yet.

The apps that own the moments say who is told: each registers a source for its kind from its
AppConfig.ready() (`@source("closeout_begun")`), since they sit above this app. A source is a
generator of lists of OwedNotice, each list at most CHUNK people, read by keyset (never a cursor
held across chunks), so memory stays flat and no chunk waits on another's transaction.
"""

import datetime
import logging
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentorship import chunks
from people.models import Person

from .kinds import kind_named
from .models import Broadcast
from .services import OwedNotice, notify_many

logger = logging.getLogger(__name__)

# People per chunk: one notify_many call and one commit each.
CHUNK = 500
# Attempts before a broadcast is shown as failed (each resumes where the last one stopped).
MAX_ATTEMPTS = 5

Source = Callable[[Broadcast], Iterator[list[OwedNotice]]]
_sources: dict[str, Source] = {}


def source(kind: str):
    """Register who a broadcast of `kind` tells (a decorator, for a generator of notice chunks)."""
    kind_named(kind)

    def register(fn: Source) -> Source:
        _sources[kind] = fn
        return fn

    return register


def lease() -> datetime.timedelta:
    """How long a started broadcast belongs to its worker before the sweep may take it over; each
    chunk renews it, so only a worker that stopped loses it."""
    return datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)


def broadcast_owe(
    *,
    kind: str,
    key: str,
    cohort_id: int,
    people: int,
    actor: Person | None = None,
    subject_id: int | None = None,
) -> Broadcast:
    """Record, in the caller's transaction, that the cohort is owed this broadcast; it is told after
    commit. Once per key: owing it again returns the first. A fixed two or three queries, however
    many people it will tell."""
    assert kind in _sources, f"no source registered for {kind}"
    broadcast, created = Broadcast.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "cohort_id": cohort_id,
            "subject_id": subject_id,
            "actor": actor,
            "people": people,
        },
    )
    if created:
        # robust: a broker that is down must not fail the change; the sweep tells it later.
        transaction.on_commit(lambda: _queue(broadcast.pk), robust=True)
    return broadcast


def _queue(broadcast_id: int) -> None:
    from .tasks import tell_broadcast

    tell_broadcast.delay(broadcast_id)


def broadcast_tell(*, broadcast_id: int, now: datetime.datetime | None = None) -> bool:
    """Tell a pending broadcast's people, a chunk at a time; True once it is done. False when it is
    done already or another worker holds it. Not atomic on purpose: each chunk commits, so a worker
    killed half-way keeps what it told, and whoever runs it next tells the rest."""
    now = now or timezone.now()
    claimed = (
        Broadcast.objects.filter(pk=broadcast_id, status=Broadcast.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease()))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    broadcast = Broadcast.objects.select_related("actor").get(pk=broadcast_id)
    try:
        for chunk in _sources[broadcast.kind](broadcast):
            if chunk:
                notify_many(chunk)
            # Still alive: the sweep leaves this broadcast alone for another lease.
            Broadcast.objects.filter(pk=broadcast_id).update(claimed_at=timezone.now())
    except Exception as error:  # noqa: BLE001 - shown to the admin, retried by the sweep
        reason = f"{type(error).__name__}: {error}"[:500]
        logger.warning("broadcast %s attempt %s failed: %s", broadcast_id, broadcast.attempts, reason)
        if broadcast.attempts >= MAX_ATTEMPTS:
            Broadcast.objects.filter(pk=broadcast_id).update(
                status=Broadcast.Status.FAILED, last_error=reason, finished_at=timezone.now()
            )
        else:
            Broadcast.objects.filter(pk=broadcast_id).update(claimed_at=None, last_error=reason)
        return False
    Broadcast.objects.filter(pk=broadcast_id).update(
        status=Broadcast.Status.DONE, finished_at=timezone.now(), claimed_at=None
    )
    return True


def broadcasts_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue every pending broadcast no worker holds (never started, or its worker stopped). Run
    by beat with the outbox sweep; the safety net for a broker that was down when it was owed."""
    now = now or timezone.now()
    ids = list(
        Broadcast.objects.filter(status=Broadcast.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease()))
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
    for broadcast_id in ids:
        try:
            _queue(broadcast_id)
        except Exception:  # noqa: BLE001 - the broker is down: the next sweep tries again
            logger.warning("broadcasts: broker unavailable; %s wait for the next sweep", len(ids))
            break
    return ids


def keyset_chunks(queryset, *, size: int | None = None) -> Iterator[list]:
    """mentorship.chunks.keyset_chunks, CHUNK rows at a time unless told."""
    return chunks.keyset_chunks(queryset, size=size or CHUNK)
