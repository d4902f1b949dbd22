"""Programme health for admins: every published pairing with how it is doing, in one query.

Each figure of a row is a correlated subquery on an index (a pair's latest session, check-in and
goal rows), not a join grouped by pairing, so the page costs one query whatever the history, and
sorting by any column happens in the database before the page is cut.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing
from people.models import Team
from programmes.models import Cohort, Enrolment, Programme
from sessions.checkins import open_flag_count
from sessions.models import CheckIn, Goal, MentoringSession

PER_PAGE = 50


class DaysBefore(Func):
    """`date` minus a number of days taken from a column, as a date (the cohort's cadence differs
    per row, so Python cannot subtract it beforehand). PostgreSQL subtracts an integer from a date;
    SQLite has date()."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra):
        date, days = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(CAST({date[0]} AS date) - {days[0]})", [*date[1], *days[1]]

    def as_sqlite(self, compiler, connection, **extra):
        date, days = (compiler.compile(e) for e in self.get_source_expressions())
        return f"date({date[0]}, '-' || {days[0]} || ' days')", [*date[1], *days[1]]


class Status:
    """A row's status: the pairing's, with an ended one told apart by its outcome."""

    ACTIVE = Pairing.Status.ACTIVE.value
    COMPLETED = Pairing.Outcome.COMPLETED.value
    ENDED_EARLY = Pairing.Outcome.ENDED_EARLY.value
    choices = [
        (ACTIVE, _("Active")),
        (COMPLETED, _("Completed")),
        (ENDED_EARLY, _("Ended early")),
    ]
    labels = dict(choices)


def _count(queryset) -> Coalesce:
    """A correlated COUNT(*) per pairing: several on one query do not multiply each other's rows."""
    counted = queryset.order_by().values("pairing").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# The sortable columns: the `sort` parameter names one of these keys (with "-" for descending),
# and nothing else reaches order_by.
SORTS = {
    # Names sort through a join (one hash join for the whole table), not their row subqueries,
    # which would then run for every row rather than the page's.
    "mentor": "mentor__person__full_name",
    "mentee": "mentee__person__full_name",
    "cohort": "cohort__name",
    "last_session": "last_session_on",
    "sessions": "session_count",
    "cadence": "cadence_kept",
    "pulse": "latest_pulse",
    "flags": "open_flags",
    "goals": "goals_achieved",
    "status": "health_status",
}
DEFAULT_SORT = "mentee"


@dataclass(frozen=True)
class HealthFilters:
    programme: Programme | None = None
    cohort: Cohort | None = None
    team: Team | None = None
    status: str = ""
    flagged_only: bool = False
    cadence_missed: bool = False
    sort: str = DEFAULT_SORT


def health_rows(
    *, filters: HealthFilters = HealthFilters(), today: datetime.date | None = None
) -> QuerySet[Pairing]:
    """Every published pairing (a programme admin's scope: the whole organisation) matching
    `filters`, sorted, each row annotated with:

    - `mentor_name`, `mentee_name`, `cohort_name`, `programme_name`;
    - `last_session_on` (None: never met) and `session_count`;
    - `cadence_kept`: True while an active pair has met (or, never having met, started) within its
      cohort's cadence (`Cohort.session_due_since`, the rule of `Pairing.is_overdue_for_session`),
      False when it is overdue, None for a pair that has ended;
    - `latest_pulse` and `latest_pulse_on`: the newest check-in's satisfaction (1-5) by either member;
    - `open_flags`: its members' latest check-ins that are open flags (`sessions.checkins.open_flags_of`),
      None for a pair that has ended;
    - `goals_achieved` of `goals_total` (goals set, not counting dropped ones);
    - `health_status`: a key of `Status`.

    Names are values, not related objects: a row loads one model instance.
    """
    today = today or timezone.localdate()

    def person_of(side: str, column: str) -> Subquery:
        # A correlated subquery rather than a join: the database reads it for the page's rows only
        # (unless the table is sorted by it), and the page's COUNT(*) reads no other table.
        enrolment = Enrolment.objects.filter(pk=OuterRef(f"{side}_id")).order_by()
        return Subquery(enrolment.values(f"person__{column}")[:1])

    of_pair = {"pairing": OuterRef("pk")}
    latest_session = MentoringSession.objects.filter(**of_pair).order_by("-held_on", "-pk")
    latest_checkin = CheckIn.objects.filter(**of_pair).order_by("-created_at", "-pk")
    goals = Goal.objects.filter(**of_pair).exclude(status=Goal.Status.DROPPED)
    rows = (
        Pairing.objects.exclude(status=Pairing.Status.PROPOSED)
        .only("pk", "cohort_id", "status", "outcome", "started_on", "ended_on")
        .annotate(
            mentor_name=person_of("mentor", "full_name"),
            mentee_name=person_of("mentee", "full_name"),
            mentor_email=person_of("mentor", "email"),
            mentee_email=person_of("mentee", "email"),
            cohort_name=F("cohort__name"),
            programme_name=F("cohort__programme__name"),
            last_session_on=Subquery(latest_session.values("held_on")[:1]),
            session_count=_count(MentoringSession.objects.filter(**of_pair)),
            latest_pulse=Subquery(latest_checkin.values("satisfaction")[:1]),
            latest_pulse_on=Subquery(latest_checkin.values("created_at")[:1]),
            # An ended pair has nothing left to act on: flags count while the pair is active, as on
            # the cohort's flag page.
            open_flags=Case(When(status=Pairing.Status.ACTIVE, then=open_flag_count()), default=Value(None)),
            goals_achieved=_count(goals.filter(status=Goal.Status.ACHIEVED)),
            goals_total=_count(goals),
            health_status=Case(
                When(status=Pairing.Status.ENDED, then=F("outcome")),
                default=F("status"),
            ),
        )
        .annotate(
            cadence_kept=Case(
                When(~Q(status=Pairing.Status.ACTIVE), then=Value(None)),
                When(
                    Q(last_session_on__gte=DaysBefore(Value(today), F("cohort__cadence_days")))
                    | Q(
                        last_session_on__isnull=True,
                        started_on__gte=DaysBefore(Value(today), F("cohort__cadence_days")),
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(null=True),
            ),
        )
    )
    if filters.programme is not None:
        rows = rows.filter(cohort__programme=filters.programme)
    if filters.cohort is not None:
        rows = rows.filter(cohort=filters.cohort)
    if filters.team is not None:
        in_team = Enrolment.objects.filter(person__team=filters.team).order_by().values("pk")
        rows = rows.filter(Q(mentor_id__in=in_team) | Q(mentee_id__in=in_team))
    if filters.status:
        rows = rows.filter(health_status=filters.status)
    if filters.flagged_only:
        rows = rows.filter(open_flags__gt=0)
    if filters.cadence_missed:
        rows = rows.filter(cadence_kept=False)
    return rows.order_by(*ordering(filters.sort))


def health_page(keys, *, sort: str, today: datetime.date | None = None) -> list[Pairing]:
    """The rows of one page, in one query, from `keys`: a slice of `health_rows(...).values("pk")`
    (what a paginator hands out). The page's ids are chosen inside the query by the sort key alone;
    every other figure is read for those rows only. Reading them for each row before the OFFSET
    would cost a deep page (say rows 2,000 to 2,050) forty times what the first page costs."""
    return list(health_rows(filters=HealthFilters(sort=sort), today=today).filter(pk__in=keys))


def ordering(sort: str) -> list:
    """ORDER BY for a `sort` parameter: a key of SORTS, "-" first for descending; anything else
    sorts by the default. Empty values (never met, no pulse, ended) go last either way."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = DEFAULT_SORT, DEFAULT_SORT
    column = F(SORTS[key])
    first = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    then = [F("goals_total").desc()] if key == "goals" else []
    return [first, *then, "pk"]
