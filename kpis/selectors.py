"""Reads over the helpdesk figures, as SQL aggregates: a group's KPIs over a period of months, how
long new hires take to reach their team's median, and one agent's own trend.

This app sits below matching and the cohorts' pairings, so these functions take groups of people
as querysets; which people are mentees, and who they are compared with, is decided in dashboards.
"""

from __future__ import annotations

import datetime
import itertools
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Avg, Case, CharField, Count, Max, Min, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from people.models import Person

from .models import RAMP_UP_KPIS, AgentMonth, MedianReach


@dataclass(frozen=True)
class Kpi:
    field: str
    label: str
    unit: str
    # Times are better when shorter: the wording and the chart say "improved" the other way round.
    lower_is_better: bool
    places: int


KPIS = (
    Kpi("csat", _("CSAT"), "%", lower_is_better=False, places=1),
    Kpi("first_response_minutes", _("First response time"), _("min"), lower_is_better=True, places=0),
    Kpi("resolution_minutes", _("Resolution time"), _("min"), lower_is_better=True, places=0),
    Kpi("tickets_solved", _("Tickets solved per month"), "", lower_is_better=False, places=0),
    Kpi("qa_score", _("QA score"), "%", lower_is_better=False, places=1),
)
KPI_BY_FIELD = {kpi.field: kpi for kpi in KPIS}


# Figures drawn from the KPIs may be kept until the next import (see figures_version).
FIGURES_VERSION_KEY = "kpis:figures-version"


def figures_version() -> str:
    """A token that changes whenever KPI figures change, for keys of figures computed from them."""
    return cache.get_or_set(FIGURES_VERSION_KEY, lambda: uuid.uuid4().hex, None)


def figures_changed() -> None:
    """Say that KPI figures changed (an import finished): every figure kept from them is stale.
    Call it after the transaction that wrote them commits."""
    # Not the time: two imports within a clock tick (or under a frozen clock) must differ too.
    cache.set(FIGURES_VERSION_KEY, uuid.uuid4().hex, None)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Summary:
    """One KPI for a group over a period: the mean of each person's own monthly mean (someone with
    six months of figures counts once, like someone with one), the sample standard deviation of
    those person means, and the people and agent-months behind it."""

    mean: float | None
    sd: float | None
    people: int
    months: int

    @classmethod
    def empty(cls) -> Summary:
        return cls(None, None, 0, 0)


def period_summaries(
    *, people: QuerySet, periods: dict[str, tuple[datetime.date, datetime.date]]
) -> dict[str, dict[str, Summary]]:
    """`{period: {kpi field: Summary}}` for `people` (a Person queryset) over each period, given as
    [first month, first month after it); the periods do not overlap. One query: each person's
    means per period in a subquery (grouped by person and period, so each row feeds one mean per
    KPI rather than one per KPI and period), then their mean per period."""
    ordered = sorted(periods.items(), key=lambda item: item[1][0])
    for (_name, (_first, after)), (_next, (first, _after)) in itertools.pairwise(ordered):
        if first < after:
            raise ValueError("periods overlap")
    start = min(first for first, _after in periods.values())
    end = max(after for _first, after in periods.values())
    period = Case(
        *[When(month__gte=first, month__lt=after, then=Value(name)) for name, (first, after) in ordered],
        output_field=CharField(),
    )
    inner = (
        AgentMonth.objects.filter(person__in=people.values("pk"), month__gte=start, month__lt=end)
        .annotate(period=period)
        .values("person", "period")
        .annotate(**{f"m_{kpi.field}": Avg(kpi.field) for kpi in KPIS})
        .annotate(**{f"n_{kpi.field}": Count(kpi.field) for kpi in KPIS})
        .order_by()
    )
    try:
        inner_sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # nobody to count (a manager without teams)
        inner_sql = None
    columns = []
    for kpi in KPIS:
        mean, count = f"g.m_{kpi.field}", f"g.n_{kpi.field}"
        # Sums of squares, not STDDEV_SAMP: SQLite's fails on a group of one. COUNT skips the
        # NULL mean of someone without figures of this KPI in the period.
        columns += [f"AVG({mean})", f"SUM({mean} * {mean})", f"COUNT({mean})", f"SUM({count})"]
    sql = f"SELECT g.period, {', '.join(columns)} FROM ({inner_sql}) g GROUP BY g.period"  # noqa: S608 (the names are the models' own; every value is a parameter)
    found = {}
    if inner_sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {row[0]: row[1:] for row in cursor.fetchall()}
    result = {}
    for name in periods:
        values = found.get(name, (None, None, 0, 0) * len(KPIS))
        result[name] = {}
        for i, kpi in enumerate(KPIS):
            mean, squares, people_count, months = values[4 * i : 4 * i + 4]
            key = f"{kpi.field}__{name}"
            row = {
                f"mean_{key}": mean,
                f"squares_{key}": squares,
                f"people_{key}": people_count,
                f"months_{key}": int(months or 0),
            }
            result[name][kpi.field] = _summary(row, key)
    return result


def _summary(row: dict, key: str) -> Summary:
    people, mean = row[f"people_{key}"] or 0, _float(row[f"mean_{key}"])
    sd = None
    if people > 1:
        # The sample variance from the sum of squares; rounding can leave a hair below zero.
        variance = (float(row[f"squares_{key}"]) - people * mean * mean) / (people - 1)
        sd = math.sqrt(max(variance, 0.0))
    return Summary(mean=mean, sd=sd, people=people, months=row[f"months_{key}"] or 0)


def pooled(parts: Iterable[Summary]) -> Summary:
    """The summary of the union of disjoint groups, from each group's summary alone (the exact
    mean and sample variance, as if the person means had been pooled in one query)."""
    parts = [p for p in parts if p.people]
    people = sum(p.people for p in parts)
    if not people:
        return Summary(None, None, 0, sum(p.months for p in parts))
    mean = sum(p.people * p.mean for p in parts) / people
    squares = sum((p.people - 1) * (p.sd or 0.0) ** 2 + p.people * (p.mean - mean) ** 2 for p in parts)
    sd = math.sqrt(squares / (people - 1)) if people > 1 else None
    return Summary(mean, sd, people, sum(p.months for p in parts))


def _float(value) -> float | None:
    return None if value is None else float(value)


def data_months(people: QuerySet | None = None) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last month with figures (for `people`, or anyone)."""
    rows = AgentMonth.objects.all()
    if people is not None:
        rows = rows.filter(person__in=people.values("pk"))
    found = rows.aggregate(first=Min("month"), last=Max("month"))
    return found["first"], found["last"]


def months_to_team_median(
    *, people: QuerySet, marked: QuerySet, kpi: str
) -> dict[tuple[bool, int | None], int]:
    """How many of `people` first reached their team's median `kpi` in a month, counted by
    (in `marked`?, whole months from the hire month to that month); `None` months: not yet. Only
    people with at least one figure of `kpi` count (someone whose figures are not imported has not
    failed to reach anything).

    What reaching the median means, and when it was worked out, is MedianReach's (the window over
    every team's months runs when figures are written, kpis.services.median_reach_refresh): one
    cheap query over at most one row per person.
    """
    return months_to_team_medians(people=people, marked=marked, kpis=[kpi])[kpi]


def months_to_team_medians(
    *, people: QuerySet, marked: QuerySet, kpis: Iterable[str]
) -> dict[str, dict[tuple[bool, int | None], int]]:
    """months_to_team_median for several KPIs in one query (the people and who is marked are
    worked out once for all of them): `{kpi: counts}`."""
    kpis = list(kpis)
    for kpi in kpis:
        if kpi not in RAMP_UP_KPIS:
            raise ValueError(f"no ramp-up for {kpi}")
    # The people's own rows (with their hire date) are the table joined, not a filter on a second
    # scan of every person: at 20,000 people that halves the query. So `people` must give each
    # person once (filters on Person, no join to many rows).
    people_sql, people_params = people.order_by().values("pk", "hire_date").query.sql_with_params()
    marked_sql, marked_params = marked.order_by().values("pk").query.sql_with_params()
    first_index, first_params = month_index_sql("reach.first_month")
    hire_index, hire_params = month_index_sql("hired.hire_date")
    reaches = connection.ops.quote_name(MedianReach._meta.db_table)
    kpi_marks = ", ".join(["%s"] * len(kpis))
    sql = f"""
        SELECT reach.kpi,
               CASE WHEN hired.pk IN ({marked_sql}) THEN 1 ELSE 0 END AS is_marked,
               {first_index} - {hire_index} AS months,
               COUNT(*)
        FROM ({people_sql}) hired
        JOIN {reaches} reach ON reach.person_id = hired.pk AND reach.kpi IN ({kpi_marks})
        GROUP BY 1, 2, 3
    """  # noqa: S608 (the names are the models' own; every value is a parameter)
    # In the order the placeholders appear.
    params = (*marked_params, *first_params, *hire_params, *people_params, *kpis)
    counts: dict[str, dict[tuple[bool, int | None], int]] = {kpi: {} for kpi in kpis}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kpi, is_marked, months, count in cursor.fetchall():
            counts[kpi][(bool(is_marked), months)] = count
    return counts


def month_index_sql(column: str) -> tuple[str, tuple]:
    """year * 12 + month of a date column, in this database's dialect, and its parameters."""
    year, year_params = connection.ops.date_extract_sql("year", column, ())
    month, month_params = connection.ops.date_extract_sql("month", column, ())
    return f"(CAST({year} AS INTEGER) * 12 + CAST({month} AS INTEGER))", (*year_params, *month_params)


def trend_of(person: Person, *, months: int = 12) -> list[AgentMonth]:
    """The agent's own last `months` months of figures, oldest first (a short list, for their
    workspace)."""
    latest = list(AgentMonth.objects.filter(person=person).order_by("-month")[:months])
    latest.reverse()
    return latest
