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


def managers_teams(manager_ids) -> dict[int, tuple[int, ...]]:
    """{manager id: the teams of their direct reports, sorted}, for many managers in one query."""
    teams: dict[int, set[int]] = {}
    rows = (
        Person.objects.filter(manager_id__in=manager_ids, team__isnull=False)
        .values_list("manager_id", "team_id")
        .distinct()
    )
    for manager_id, team_id in rows:
        teams.setdefault(manager_id, set()).add(team_id)
    return {manager_id: tuple(sorted(found)) for manager_id, found in teams.items()}


def teams_scope(team_ids: tuple[int, ...]) -> Scope:
    """The scope a manager's own dashboard shows without filters (dashboards.filters.scope_for), for
    the teams of their direct reports: the same cache key, so the digest shares its figures."""
    return Scope(teams=Team.objects.filter(pk__in=team_ids), team_key="teams:" + ",".join(map(str, team_ids)))


def manager_digest_context(team_ids: tuple[int, ...]) -> dict:
    data = outcomes_cached(teams_scope(team_ids), seconds=CACHE_SECONDS)
    return {"panels": list(panels(data).values())}


def manager_digests_send(*, now: datetime.datetime) -> list[int]:
    """This month's digest for each manager who has not had it. Returns the reminders recorded.

    The managers' teams are read in one query and the figures once per distinct set of teams (the
    dashboard's cache), so the queries grow with the sets of teams, never with people or pairs."""
    from django.urls import reverse

    today = now.date()
    period = month_key(today)
    told = set(
        Reminder.objects.filter(kind=Reminder.Kind.MANAGER_DIGEST, period_key=period).values_list(
            "person_id", flat=True
        )
    )
    due = [person for person in managers() if person.pk not in told and not person.has_left(today)]
    teams = managers_teams([person.pk for person in due])
    owed = [
        owed_reminder(
            kind=Reminder.Kind.MANAGER_DIGEST,
            notice_kind="manager_digest",
            person=person,
            target=f"person:{person.pk}",
            period_key=period,
            now=now,
            context={
                **manager_digest_context(teams.get(person.pk, ())),
                "month": today.replace(day=1),
            },
            url=reverse("dashboards:overview"),
        )
        for person in due
    ]
    return record_and_tell(owed, now=now)
