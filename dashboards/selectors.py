"""The outcomes dashboard's figures, each one SQL aggregate over what the viewer may see.

Every panel takes a `Scope` (dashboards/filters.py: whose people, which programme, cohort, team and
dates) and applies it the same way:

- people count when they sit in a team of the scope (a manager: their teams; an admin: everyone);
- retention follows the people who *joined* a cohort in scope (a cohort starting in the date range);
- satisfaction, engagement and goals count the *activity* of pairings in the cohorts in scope whose
  mentee (check-ins and survey: whose answerer) is in scope, dated in the date range.

What a figure may show is decided in dashboards/privacy.py.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from closeout.models import SurveyResponse, Thanks
from matching.models import Pairing
from programmes.models import Enrolment, Programme
from sessions.models import Goal, MentoringSession

from . import rollups
from .comparison import ROLES, comparison_group, participants
from .filters import Scope
from .privacy import MIN_GROUP, Answered, Publisher, Rate, answer_set, answer_set_aggregates, percent

HORIZONS = (90, 180, 365)
# The retention curve's points: every 30 days, then the year.
CURVE_DAYS = (30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 365)
# The engagement trend covers at most this many months (the last twelve without a date range).
MAX_MONTHS = 24


def _in_teams(scope: Scope, path: str) -> Q:
    teams = scope.people_teams
    return Q() if teams is None else Q(**{f"{path}__in": teams})


def _in_cohorts(scope: Scope, path: str) -> Q:
    cohorts = scope.cohorts()
    return Q() if cohorts is None else Q(**{f"{path}__in": cohorts})


def _in_dates(scope: Scope, path: str) -> Q:
    q = Q()
    if scope.start:
        q &= Q(**{f"{path}__gte": scope.start})
    if scope.end:
        q &= Q(**{f"{path}__lte": scope.end})
    return q


def months_of(scope: Scope, today: datetime.date) -> list[datetime.date]:
    """First days of the months the trends show: the date range's (at most MAX_MONTHS, the
    latest), or the last twelve up to this month."""
    end = min(scope.end or today, today)
    start = scope.start or datetime.date(end.year - 1, end.month, 1) + datetime.timedelta(days=31)
    first = datetime.date(start.year, start.month, 1)
    months, month = [], datetime.date(end.year, end.month, 1)
    while month >= first and len(months) < MAX_MONTHS:
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


# --- retention ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionGroup:
    role: str
    compared: bool  # the comparison group of non-participants, not the participants
    people: int
    at: dict[int, Rate]  # days after joining -> still employed, among those whose day has come
    curve: list[tuple[int, Rate]]

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.role == Enrolment.Role.MENTEE:
            return _("Comparable non-participants (mentees)") if self.compared else _("Mentees")
        return _("Comparable non-participants (mentors)") if self.compared else _("Mentors")

    @property
    def short_label(self) -> str:
        """For a chart's legend."""
        from django.utils.translation import gettext as _

        if self.role == Enrolment.Role.MENTEE:
            return _("Comparison (mentees)") if self.compared else _("Mentees")
        return _("Comparison (mentors)") if self.compared else _("Mentors")


@dataclass(frozen=True)
class Retention:
    groups: list[RetentionGroup]
    target: float | None


def _days_after(later: str, earlier: str) -> str:
    """SQL for the whole days from `earlier` to `later` (two date columns)."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def _retention_of(people, *, role: str, compared: bool, today: datetime.date) -> RetentionGroup:
    """Among `people` (annotated with joined_on), who was still employed N days after joining, for
    each N whose day has come (someone who joined 100 days ago counts at 90, not at 180).

    One aggregate over the group's rows. Written as SQL around the queryset's own SQL: as 24
    filtered Counts, Django spent five times longer building the query than PostgreSQL running it."""
    inner, params = people.values("pk", "joined_on", "leave_date").query.sql_with_params()
    stayed = _days_after("g.leave_date", "g.joined_on")
    columns, values = ["COUNT(*)"], []
    for days in CURVE_DAYS:
        due = today - datetime.timedelta(days=days)
        columns.append("SUM(CASE WHEN g.joined_on <= %s THEN 1 ELSE 0 END)")
        columns.append(
            f"SUM(CASE WHEN g.joined_on <= %s AND (g.leave_date IS NULL OR {stayed} > %s) THEN 1 ELSE 0 END)"
        )
        values += [due, due, days]
    sql = f"SELECT {', '.join(columns)} FROM ({inner}) g"  # noqa: S608 - no user text: columns above, values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        row = cursor.fetchone()
    people_count, counts = row[0], [int(v or 0) for v in row[1:]]
    rates = {days: Rate(counts[2 * i + 1], counts[2 * i]) for i, days in enumerate(CURVE_DAYS)}
    return RetentionGroup(
        role=role,
        compared=compared,
        people=people_count,
        at={days: rates[days] for days in HORIZONS},
        curve=[(days, rates[days]) for days in CURVE_DAYS],
    )


def retention(
    scope: Scope, *, today: datetime.date | None = None, programme: Programme | None = ...
) -> Retention:
    today = today or timezone.localdate()
    cohorts = scope.joined_cohorts()
    groups = []
    for role in ROLES:
        for compared, select in ((False, participants), (True, comparison_group)):
            people = select(role=role, cohorts=cohorts).filter(_in_teams(scope, "team"))
            groups.append(_retention_of(people, role=role, compared=compared, today=today))
    programme = _target_programme(scope) if programme is ... else programme
    target = (
        float(programme.retention_target) if programme and programme.retention_target is not None else None
    )
    return Retention(groups=groups, target=target)


# --- satisfaction ------------------------------------------------------------------------------


@dataclass
class Satisfaction:
    pulse: dict[str, Answered]
    pulse_months: list[tuple[datetime.date, dict[str, Answered]]]
    ratings: dict[str, Answered]
    survey: dict[str, Answered]
    nps: dict[str, Answered]
    survey_people: dict[str, int]
    target: float | None


def _pairs(scope: Scope):
    """The pairings of the cohorts in scope, each side tested for whether its person counts (in the
    scope's teams), for rollups.summed (whose `within`, from _touching, narrows them further)."""
    pairings = Pairing.objects.filter(_in_cohorts(scope, "cohort"))
    teams = scope.people_teams
    return pairings.annotate(
        **{
            f"{side}_in": Value(1)
            if teams is None
            else Case(When(**{f"{side}__person__team__in": teams}, then=Value(1)), default=Value(0))
            for side in rollups.SIDES
        }
    )


def _touching(scope: Scope, *, within: str | None = None):
    """For rollups.summed's `within`: when the scope has teams, the pairings in scope with someone
    in them, so only their months are read; None for everyone."""
    if scope.people_teams is None:
        return None
    # Each side by its own subquery (enrolments of the teams' people), which PostgreSQL reads by
    # index; one OR over the joined people read every pairing.
    enrolled = Enrolment.objects.filter(person__team__in=scope.people_teams).values("pk")
    touching = Q()
    for side in [within] if within else rollups.SIDES:
        touching |= Q(**{f"{side}__in": enrolled})
    return Pairing.objects.filter(_in_cohorts(scope, "cohort"), touching)


def _answers_by_role(values) -> dict:
    """`{role: row}` from one kind of answer columns for both roles (rollups.answers_of); a role
    without answers has no row."""
    width = len(values) // len(ROLES)
    found = {}
    for i, role in enumerate(ROLES):
        row = rollups.answers_of(values[i * width : (i + 1) * width])
        if row is not None:
            found[role] = row
    return found


def _answer_columns(kind: str) -> list[str]:
    return [column for role in ROLES for column in rollups.answer_columns(kind, role)]


@dataclass(frozen=True)
class Activity:
    """The sessions and check-ins of the pairs in scope in the date range, summed in one query:
    each role's pulse answers and session ratings (where that role's person is in scope), and the
    sessions and minutes of the pairs whose mentor is (recognition's)."""

    pulse: dict
    ratings: dict
    sessions: int
    minutes: int


def activity(scope: Scope) -> Activity:
    pulse_columns, rating_columns = _answer_columns("pulse"), _answer_columns("rating")
    found = rollups.summed(
        [
            *pulse_columns,
            *rating_columns,
            "COALESCE(SUM(CASE WHEN pp.mentor_in = 1 THEN r.sessions END), 0)",
            "COALESCE(SUM(CASE WHEN pp.mentor_in = 1 THEN r.minutes END), 0)",
        ],
        pairings=_pairs(scope),
        within=_touching(scope),
        start=scope.start,
        end=scope.end,
    )
    if not found:
        return Activity({}, {}, 0, 0)
    values = found[0]
    width = len(pulse_columns)
    return Activity(
        pulse=_answers_by_role(values[:width]),
        ratings=_answers_by_role(values[width : 2 * width]),
        sessions=int(values[-2]),
        minutes=int(values[-1]),
    )


def satisfaction(
    scope: Scope,
    publisher: Publisher,
    *,
    today: datetime.date | None = None,
    programme: Programme | None = ...,
    done: Activity | None = None,
) -> Satisfaction:
    today = today or timezone.localdate()
    done = done or activity(scope)
    pulse_rows = done.pulse
    pulse = {
        role: publisher.answered(
            f"pulse:{role}", row.get("value"), row.get("people", 0), answers=answer_set(row)
        )
        for role in ROLES
        for row in [pulse_rows.get(role, {})]
    }

    months = months_of(scope, today)
    # A date range wholly in the future has no months to show (and nothing to ask for).
    first = months[0] if months else today
    by_month = {}
    for month, *values in rollups.summed(
        _answer_columns("pulse"),
        pairings=_pairs(scope),
        within=_touching(scope),
        start=max(first, scope.start) if scope.start else first,
        end=scope.end,
        kinds=("pulse",),
        by_month=True,
    ):
        for role, row in _answers_by_role(values).items():
            by_month[(rollups.as_date(month), role)] = row
    pulse_months = []
    for month in months:
        cells = {}
        for role in ROLES:
            row = by_month.get((month, role), {})
            cells[role] = publisher.answered(
                f"pulse:{month:%Y-%m}:{role}", row.get("value"), row.get("people", 0), answers=answer_set(row)
            )
        pulse_months.append((month, cells))

    # Each session holds two ratings: the mentor's and the mentee's (rollups.py).
    rating_rows = done.ratings
    ratings = {}
    for role in ROLES:
        row = rating_rows.get(role, {})
        ratings[role] = publisher.answered(
            f"rating:{role}",
            row["total"] / row["n"] if row else None,
            row.get("people", 0),
            answers=answer_set(row),
        )

    survey_rows = {
        row["role"]: row
        for row in SurveyResponse.objects.filter(
            _in_cohorts(scope, "cohort"),
            _in_teams(scope, "person__team"),
            _in_dates(scope, "created_at__date"),
        )
        .values("role")
        .annotate(
            value=Avg("satisfaction"),
            people=Count("person", distinct=True),
            answers=Count("pk"),
            promoters=Count("pk", filter=Q(recommend__gte=9)),
            detractors=Count("pk", filter=Q(recommend__lte=6)),
            **answer_set_aggregates(),
        )
    }
    survey, nps, survey_people = {}, {}, {}
    for role in ROLES:
        row = survey_rows.get(role, {})
        answers = row.get("answers", 0)
        people = row.get("people", 0)
        survey[role] = publisher.answered(f"survey:{role}", row.get("value"), people, answers=answer_set(row))
        net = 100 * (row["promoters"] - row["detractors"]) / answers if answers else None
        nps[role] = publisher.answered(f"nps:{role}", net, people, places=0, answers=answer_set(row))
        survey_people[role] = people

    programme = _target_programme(scope) if programme is ... else programme
    target = (
        float(programme.satisfaction_target)
        if programme and programme.satisfaction_target is not None
        else None
    )
    return Satisfaction(pulse, pulse_months, ratings, survey, nps, survey_people, target)


# --- engagement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthActivity:
    month: datetime.date
    sessions: int
    pairings: int

    @property
    def per_pairing(self) -> float | None:
        if self.pairings < MIN_GROUP:
            return None
        return round(self.sessions / self.pairings, 1)


@dataclass(frozen=True)
class Engagement:
    months: list[MonthActivity]
    active_pairings: int
    cadence_kept: Rate
    since_last: dict[str, int]  # bucket -> active pairings
    average_days_since: int | None
    mentors: int
    capacity: int
    mentees_taken: int
    mentors_full: Rate

    @property
    def load(self) -> int | None:
        return percent(self.mentees_taken, self.capacity) if self.mentors >= MIN_GROUP else None


SINCE_BUCKETS = ("within", "late", "quiet", "never")


def _pairings(scope: Scope):
    return Pairing.objects.filter(_in_cohorts(scope, "cohort"), _in_teams(scope, "mentee__person__team"))


def engagement(scope: Scope, *, today: datetime.date | None = None) -> Engagement:
    today = today or timezone.localdate()
    pairings = _pairings(scope)
    months = months_of(scope, today)

    held = {
        rollups.as_date(month): int(count)
        for month, count in rollups.summed(
            ["SUM(r.sessions)"],
            pairings=_pairs(scope),
            within=_touching(scope, within="mentee"),
            start=months[0] if months else today,
            end=today,
            kinds=("sessions",),
            by_month=True,
        )
    }
    # A pairing counts in a month it was running for at least a day of.
    running = pairings.exclude(started_on__isnull=True).aggregate(
        **{
            month.isoformat(): Count(
                "pk",
                filter=Q(started_on__lte=_month_end(month))
                & (Q(ended_on__isnull=True) | Q(ended_on__gte=month)),
            )
            for month in months
        }
    )
    activity = [MonthActivity(m, held.get(m, 0), running[m.isoformat()]) for m in months]

    # The active pairs, each with its last session (None: never met), start and cadence. Kept: the
    # next session was not yet due (Cohort.session_due_since's rule). The last session is read per
    # pair from session_pairing_latest_idx (one index probe each), not by joining and grouping every
    # session of the organisation.
    latest = (
        MentoringSession.objects.filter(pairing=OuterRef("pk"))
        .order_by("-held_on", "-id")
        .values("held_on")[:1]
    )
    active = (
        pairings.filter(status=Pairing.Status.ACTIVE)
        .annotate(last_held=Subquery(latest, output_field=DateField()), cadence=F("cohort__cadence_days"))
        .values("last_held", "started_on", "cadence")
    )
    row = _cadence_counts(active, today)
    average_gap = None

    mentor_rows = (
        Enrolment.objects.filter(
            _in_cohorts(scope, "cohort"),
            _in_teams(scope, "person__team"),
            role=Enrolment.Role.MENTOR,
            status=Enrolment.Status.ACTIVE,
        )
        .values("pk", "capacity")
        .annotate(
            taken=Count("pairings_as_mentor", filter=Q(pairings_as_mentor__status=Pairing.Status.ACTIVE))
        )
    )
    load = mentor_rows.aggregate(
        mentors=Count("pk"),
        total_capacity=Coalesce(Sum("capacity"), 0),
        total_taken=Coalesce(Sum("taken"), 0),
        full=Count("pk", filter=Q(taken__gte=F("capacity"))),
    )
    return Engagement(
        months=activity,
        active_pairings=row["n"],
        cadence_kept=Rate(row["kept"], row["n"]),
        since_last={bucket: row[bucket] for bucket in SINCE_BUCKETS},
        average_days_since=average_gap,
        mentors=load["mentors"],
        capacity=load["total_capacity"],
        mentees_taken=load["total_taken"],
        mentors_full=Rate(load["full"], load["mentors"]),
    )


def _cadence_counts(active, today: datetime.date) -> dict[str, int]:
    """The active pairs (rows of last_held, started_on, cadence) counted by how their cadence stands
    today: the days since the last session (or the start, never having met) against one and two
    cadences (a session is due one cadence after the last, and late after two).

    Aggregated over the pairs as a subquery, fenced on PostgreSQL (OFFSET 0) so the planner does
    not pull it up into the counts: pulled up, each count that reads the last session ran the
    pair's latest-session probe again."""
    try:
        inner, params = active.order_by().query.sql_with_params()
    except EmptyResultSet:  # no pairs in scope (a manager without teams)
        return dict.fromkeys(("n", "kept", *SINCE_BUCKETS), 0)
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    since = _days_after("%s", "COALESCE(a.last_held, a.started_on)")
    met = "a.last_held IS NOT NULL"
    counts = {
        "within": (f"{met} AND {since} <= a.cadence", [today]),
        "late": (f"{met} AND {since} > a.cadence AND {since} <= 2 * a.cadence", [today, today]),
        "quiet": (f"{met} AND {since} > 2 * a.cadence", [today]),
        "never": ("a.last_held IS NULL", []),
        "kept": (f"{since} <= a.cadence", [today]),
    }
    columns = ", ".join(f"SUM(CASE WHEN {test} THEN 1 ELSE 0 END)" for test, _values in counts.values())
    values = [value for _test, test_values in counts.values() for value in test_values]
    sql = f"SELECT COUNT(*), {columns} FROM ({inner}{fence}) a"  # noqa: S608 - no user text: columns above, values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        found = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(["n", *counts], found, strict=True)}


# --- goals -------------------------------------------------------------------------------------


GOAL_COLUMNS = ("set", "on_track", "at_risk", "achieved", "overdue", "dropped")


@dataclass
class GoalArea:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    pairings: int = 0

    @property
    def shown(self) -> bool:
        return self.pairings >= MIN_GROUP


def goals(scope: Scope, *, today: datetime.date | None = None) -> list[GoalArea]:
    """Goals of the pairs in scope: first all of them, then by the goal areas their mentee chose
    when enrolling (a goal counts under each of its mentee's areas, and under "No area given" when
    there is none). A row is suppressed by the number of pairings behind it."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    in_progress = Q(status__in=(Goal.Status.ON_TRACK, Goal.Status.AT_RISK))
    counts = {
        "set": Count("pk"),
        "on_track": Count("pk", filter=Q(status=Goal.Status.ON_TRACK, due_on__gte=today)),
        "at_risk": Count("pk", filter=Q(status=Goal.Status.AT_RISK, due_on__gte=today)),
        "achieved": Count("pk", filter=Q(status=Goal.Status.ACHIEVED)),
        "overdue": Count("pk", filter=in_progress & Q(due_on__lt=today)),  # Goal.is_overdue in SQL
        "dropped": Count("pk", filter=Q(status=Goal.Status.DROPPED)),
        "pairings": Count("pairing", distinct=True),
    }
    in_scope = Goal.objects.filter(
        _in_cohorts(scope, "pairing__cohort"),
        _in_teams(scope, "pairing__mentee__person__team"),
        _in_dates(scope, "created_at__date"),
    )
    total = in_scope.aggregate(**counts)
    area = "pairing__mentee__goal_areas__name"
    areas = [
        GoalArea(
            name=row[area] or _("No area given"),
            counts={c: row[c] for c in GOAL_COLUMNS},
            pairings=row["pairings"],
        )
        for row in in_scope.values(area).annotate(**counts).order_by()
    ]
    areas.sort(key=lambda a: (-a.counts["set"], a.name))
    everything = GoalArea(_("All goal areas"), {c: total[c] for c in GOAL_COLUMNS}, total["pairings"])
    return [everything, *areas] if total["set"] else []


def _target_programme(scope: Scope) -> Programme | None:
    """The programme whose targets the figures are held against: the one filtered to, or the only
    one there is."""
    if scope.target_programme is not None:
        return scope.target_programme
    only = list(Programme.objects.all()[:2])
    return only[0] if len(only) == 1 else None


# --- recognition -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognition:
    """Thanks mentees wrote their mentors, and the mentors' sessions, for the mentors in scope.
    Counts only: the words are the mentor's alone. Every figure is withheld while fewer than
    MIN_GROUP mentors are behind it (`shown`)."""

    mentors: int
    thanks: int
    mentors_thanked: int
    sessions: int
    minutes: int

    @property
    def shown(self) -> bool:
        return self.mentors >= MIN_GROUP

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def recognition(scope: Scope, *, done: Activity | None = None) -> Recognition:
    """The mentors in scope (their team, for a manager; the pairings' cohorts, by the filters) and
    the thanks and sessions of their published pairings, dated in the date range (sessions are
    logged only in published pairings: `activity` counts them)."""
    pairings = Pairing.objects.filter(
        _in_cohorts(scope, "cohort"), _in_teams(scope, "mentor__person__team")
    ).exclude(status=Pairing.Status.PROPOSED)
    mentors = pairings.aggregate(n=Count("mentor__person", distinct=True))["n"]
    thanks = Thanks.objects.filter(_in_dates(scope, "created_at__date"), pairing__in=pairings).aggregate(
        n=Count("pk"), mentors=Count("pairing__mentor__person", distinct=True)
    )
    done = done or activity(scope)
    return Recognition(
        mentors=mentors,
        thanks=thanks["n"],
        mentors_thanked=thanks["mentors"],
        sessions=done.sessions,
        minutes=done.minutes,
    )


# --- the page ----------------------------------------------------------------------------------


@dataclass
class Outcomes:
    scope: Scope | None
    active_pairings: int
    retention: Retention
    satisfaction: Satisfaction
    engagement: Engagement
    goals: list[GoalArea]
    recognition: Recognition


def outcomes(scope: Scope, *, today: datetime.date | None = None) -> Outcomes:
    """Every panel of the dashboard for `scope`, with its answer figures published (privacy.py)."""
    today = today or timezone.localdate()
    publisher = Publisher(scope.key())
    engaged = engagement(scope, today=today)
    programme = _target_programme(scope)
    done = activity(scope)
    result = Outcomes(
        scope=scope,
        active_pairings=engaged.active_pairings,
        retention=retention(scope, today=today, programme=programme),
        satisfaction=satisfaction(scope, publisher, today=today, programme=programme, done=done),
        engagement=engaged,
        goals=goals(scope, today=today),
        recognition=recognition(scope, done=done),
    )
    publisher.publish()
    return result


def outcomes_cached(scope: Scope, *, seconds: int, fresh: bool = False) -> Outcomes:
    """`outcomes`, kept for `seconds` under the full scope and filters (and the day): the page says
    its figures can be that old. The figures are cached as published, so the privacy rule holds.
    `fresh` works them out again whatever is kept (a refresh of stale panels)."""
    if seconds <= 0:
        return outcomes(scope)
    key = f"dashboards:outcomes:{scope.key()}:{timezone.localdate().isoformat()}"
    cached = None if fresh else cache.get(key)
    if cached is None:
        cached = dataclasses.replace(outcomes(scope), scope=None)
        cache.set(key, cached, seconds)
    return dataclasses.replace(cached, scope=scope)
