"""The demo logins' homes (home/): each has something to do this week. The builder plans each
pair's next session anywhere within its cadence; the two demo pairs get theirs within the home
page's week, and the demo mentor an action item of their own due in two days."""

from __future__ import annotations

import datetime

from django.utils import timezone

from matching.models import Pairing
from sessions.models import ActionItem, ScheduledSession
from sessions.todo import UPCOMING_DAYS

DEMO_MENTEES = ("mentee", "mentee2")


def make_homes_meaningful(*, today: datetime.date) -> dict:
    pairings = list(
        Pairing.objects.filter(status=Pairing.Status.ACTIVE, mentee__person__user__username__in=DEMO_MENTEES)
        .select_related("mentor__person", "mentee__person__user")
        .order_by("pk")
    )
    soon = datetime.datetime.combine(
        today + datetime.timedelta(days=3), datetime.time(10, 0), tzinfo=timezone.get_current_timezone()
    )
    week_end = timezone.now() + datetime.timedelta(days=UPCOMING_DAYS)
    moved = 0
    for pairing in pairings:
        planned = pairing.scheduled_sessions.filter(cancelled_at__isnull=True, starts_at__gte=timezone.now())
        if planned.filter(starts_at__lt=week_end).exists():
            continue
        first = planned.order_by("starts_at").first()
        if first is None:
            ScheduledSession.objects.create(
                pairing=pairing, starts_at=soon, created_by=pairing.mentor.person, agenda="Review two tickets"
            )
        else:
            ScheduledSession.objects.filter(pk=first.pk).update(starts_at=soon)
        moved += 1
    own = next((p for p in pairings if p.mentee.person.user.username == "mentee"), None)
    if own is not None:
        ActionItem.objects.create(
            pairing=own,
            description="Send the de-escalation checklist before our next session",
            owner=own.mentor.person,
            due_on=today + datetime.timedelta(days=2),
        )
    return {"demo_sessions_this_week": moved}
