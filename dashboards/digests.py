"""The monthly digest for managers: their teams' mentoring in aggregate, with exactly the figures
and privacy rules of their dashboard (dashboards/privacy.py: groups under five are not shown,
rates rounded, answer-based figures published per size band), never a name or a private note."""

import datetime

from django.db.models import Exists, OuterRef

from people.models import Person, Team
from reminders.models import Reminder
from reminders.services import owed_reminder, record_and_tell

from .filters import Scope
from .panels import panels
from .selectors import outcomes_cached

# The dashboard's own cache, shared with it: managers of the same teams share one computation.
CACHE_SECONDS = 3600


def month_key(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def managers():
    """People with at least one direct report, who have not left."""
    return Person.objects.filter(Exists(Person.objects.filter(manager=OuterRef("pk")))).order_by("pk")


def manager_scope(person: Person) -> Scope:
    """The scope the manager's own dashboard shows without filters (dashboards.filters.scope_for)."""
    team_ids = sorted(Team.objects.filter(people__manager=person).distinct().values_list("pk", flat=True))
    return Scope(teams=Team.objects.filter(pk__in=team_ids), team_key="teams:" + ",".join(map(str, team_ids)))


def manager_digest_context(person: Person) -> dict:
    data = outcomes_cached(manager_scope(person), seconds=CACHE_SECONDS)
    return {"panels": list(panels(data).values())}


def manager_digests_send(*, now: datetime.datetime) -> list[int]:
    """This month's digest for each manager who has not had it. Returns the reminders recorded."""
    from django.urls import reverse

    today = now.date()
    period = month_key(today)
    told = set(
        Reminder.objects.filter(kind=Reminder.Kind.MANAGER_DIGEST, period_key=period).values_list(
            "person_id", flat=True
        )
    )
    owed = [
        owed_reminder(
            kind=Reminder.Kind.MANAGER_DIGEST,
            notice_kind="manager_digest",
            person=person,
            target=f"person:{person.pk}",
            period_key=period,
            now=now,
            context={**manager_digest_context(person), "month": today.replace(day=1)},
            url=reverse("dashboards:overview"),
        )
        for person in managers()
        if person.pk not in told and not person.has_left(today)
    ]
    return record_and_tell(owed, now=now)
