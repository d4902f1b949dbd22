"""Support KPIs and ramp-up against the comparison group, for the dashboard's panels.

Every figure comes from SQL aggregates (kpis.selectors). Who took part and who they are compared
with is dashboards.comparison's one definition (the same as retention's); what a viewer may see is
the `Scope` of dashboards.filters (a manager: their teams), and no figure from fewer than MIN_GROUP
people is shown.

The difference in differences, per KPI and period P (during or after mentoring):

    (mentees' mean in P - mentees' mean before) - (comparison's mean in P - comparison's mean before)

over the same calendar months for both groups, each mean the mean of the people's own monthly means.
It is shown only when all four means come from at least MIN_GROUP people. Its 95 % interval treats the
four means as independent samples (a t interval on the smallest group): the periods share people, so
the interval is wider than a paired one would be, never narrower.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from scipy import stats

from kpis.selectors import (
    KPI_BY_FIELD,
    KPIS,
    RAMP_UP_KPIS,
    Kpi,
    Summary,
    add_months,
    data_months,
    figures_version,
    month_start,
    months_to_team_medians,
    period_summaries,
    pooled,
)
from people.models import Person
from programmes.models import Cohort, Enrolment

from .comparison import comparison_ids, participant_ids
from .filters import Scope
from .selectors import MIN_GROUP

# Months before the cohort starts and after it ends that are compared with its own months.
WINDOW_MONTHS = 3
PERIODS = ("before", "during", "after")
# Cohorts whose pairings were published.
STARTED = (Cohort.State.ACTIVE, Cohort.State.CONCLUDING, Cohort.State.CLOSED)
MENTEE = Enrolment.Role.MENTEE


def people_of(scope: Scope) -> QuerySet:
    """The people whose figures count: the scope's teams (everyone for an admin without a team)."""
    teams = scope.people_teams
    return Person.objects.all() if teams is None else Person.objects.filter(team__in=teams)


def cohorts_for(scope: Scope, *, today: datetime.date) -> list[Cohort]:
    """The cohorts in scope (programme, cohort, started within the date range) that have started."""
    cohorts = scope.joined_cohorts()
    cohorts = Cohort.objects.all() if cohorts is None else cohorts
    return list(cohorts.filter(state__in=STARTED, starts_on__lte=today).order_by("starts_on", "pk"))


def periods_of(cohort: Cohort) -> dict[str, tuple[datetime.date, datetime.date]]:
    """[first month, first month after) of each period: the WINDOW_MONTHS before the cohort's first
    month, its months (a part month counts), and the WINDOW_MONTHS after its last month."""
    first = month_start(cohort.starts_on)
    after = add_months(month_start(cohort.ends_on), 1)
    return {
        "before": (add_months(first, -WINDOW_MONTHS), first),
        "during": (first, after),
        "after": (after, add_months(after, WINDOW_MONTHS)),
    }


@dataclass(frozen=True)
class Cell:
    """A group's mean of one KPI in one period, as a viewer may see it."""

    kpi: Kpi
    summary: Summary

    @property
    def shown(self) -> bool:
        return self.summary.people >= MIN_GROUP and self.summary.mean is not None

    @property
    def value(self) -> float | None:
        return round(self.summary.mean, self.kpi.places) if self.shown else None

    @property
    def people(self) -> int:
        return self.summary.people

    @property
    def months(self) -> int:
        return self.summary.months


@dataclass(frozen=True)
class Difference:
    """The difference in differences for one KPI and period, with its 95 % interval."""

    kpi: Kpi
    value: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def verdict(self) -> str:
        """ "better" or "worse" for mentees when the whole interval is on one side of zero (better
        is lower for times), else "unclear"."""
        if not self.shown or self.low is None or self.low <= 0 <= self.high:
            return "unclear"
        rose = self.low > 0
        return "worse" if rose == self.kpi.lower_is_better else "better"


def difference(kpi: Kpi, mentees: dict[str, Summary], others: dict[str, Summary], period: str) -> Difference:
    four = (mentees["before"], mentees[period], others["before"], others[period])
    if any(s.people < MIN_GROUP or s.mean is None for s in four):
        return Difference(kpi)
    value = (mentees[period].mean - mentees["before"].mean) - (others[period].mean - others["before"].mean)
    se = math.sqrt(sum((s.sd or 0.0) ** 2 / s.people for s in four))
    half = float(stats.t.ppf(0.975, min(s.people for s in four) - 1)) * se
    places = kpi.places + 1 if kpi.places == 0 else kpi.places
    return Difference(kpi, round(value, places), round(value - half, places), round(value + half, places))


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    mentees: dict[str, Cell]
    comparison: dict[str, Cell]
    during: Difference
    after: Difference


@dataclass(frozen=True)
class KpiOutcome:
    cohorts: list[Cohort]
    rows: list[KpiRow] = field(default_factory=list)
    window_months: int = WINDOW_MONTHS

    def row(self, kpi_field: str) -> KpiRow:
        return next(r for r in self.rows if r.kpi.field == kpi_field)


def kpi_outcome(scope: Scope, *, today: datetime.date | None = None) -> KpiOutcome:
    """Each KPI before, during and after mentoring, a cohort's mentees against its comparison group,
    over the cohorts in scope: each cohort against its own months and its own comparison group, then
    the cohorts pooled (someone in two cohorts, or compared for two, counts once for each).
    Two queries per cohort, plus one for the cohorts."""
    today = today or timezone.localdate()
    cohorts = cohorts_for(scope, today=today)
    if not cohorts:
        return KpiOutcome(cohorts=[])
    within = people_of(scope)
    per_group = {"mentees": [], "comparison": []}
    for cohort in cohorts:
        this = Cohort.objects.filter(pk=cohort.pk)
        periods = periods_of(cohort)
        mentees = within.filter(pk__in=participant_ids(role=MENTEE, cohorts=this))
        others = within.filter(pk__in=comparison_ids(role=MENTEE, cohorts=this))
        per_group["mentees"].append(period_summaries(people=mentees, periods=periods))
        per_group["comparison"].append(period_summaries(people=others, periods=periods))
    summaries = {
        group: {p: {k.field: pooled(part[p][k.field] for part in parts) for k in KPIS} for p in PERIODS}
        for group, parts in per_group.items()
    }
    rows = []
    for kpi in KPIS:
        mine = {p: summaries["mentees"][p][kpi.field] for p in PERIODS}
        theirs = {p: summaries["comparison"][p][kpi.field] for p in PERIODS}
        rows.append(
            KpiRow(
                kpi=kpi,
                mentees={p: Cell(kpi, s) for p, s in mine.items()},
                comparison={p: Cell(kpi, s) for p, s in theirs.items()},
                during=difference(kpi, mine, theirs, "during"),
                after=difference(kpi, mine, theirs, "after"),
            )
        )
    return KpiOutcome(cohorts=cohorts, rows=rows)


# Ramp-up


@dataclass(frozen=True)
class RampUpGroup:
    """New hires of one kind (mentored or not) and when they first reached their team's median."""

    people: int
    # {whole months after the hire month: people who first reached the median then}
    reached_after: dict[int, int]

    @property
    def shown(self) -> bool:
        return self.people >= MIN_GROUP

    @property
    def reached(self) -> int:
        return sum(self.reached_after.values())

    @property
    def not_yet(self) -> int:
        return self.people - self.reached

    @property
    def median_months(self) -> float | None:
        """The median over everyone, those not there yet counted as later than anyone who is; None
        when half or more are not there yet (then the median is unknown, not large)."""
        if not self.people:
            return None
        low, high = self._nth((self.people - 1) // 2), self._nth(self.people // 2)
        return None if high is None else (low + high) / 2

    def _nth(self, index: int) -> int | None:
        """The months of the index-th person (from 0) in order of reaching; None: not yet."""
        seen = 0
        for months in sorted(self.reached_after):
            seen += self.reached_after[months]
            if index < seen:
                return months
        return None

    def share_by(self, months: int) -> float:
        """Percent of the group at the median within `months` months of their hire month."""
        reached = sum(n for m, n in self.reached_after.items() if m <= months)
        return 100 * reached / self.people if self.people else 0.0


@dataclass(frozen=True)
class RampUp:
    kpi: Kpi
    mentored: RampUpGroup
    others: RampUpGroup
    first_month: datetime.date | None
    last_month: datetime.date | None

    @property
    def horizon(self) -> int:
        """How many months the curve covers: the longest anyone took, at least 6, at most 24."""
        longest = max([*self.mentored.reached_after, *self.others.reached_after], default=0)
        return min(max(longest, 6), 24)

    def curve(self) -> list[tuple[int, float | None, float | None]]:
        """(months, percent of mentored, percent of the others at the median by then); None for a
        group not shown."""
        return [
            (
                m,
                round(self.mentored.share_by(m), 1) if self.mentored.shown else None,
                round(self.others.share_by(m), 1) if self.others.shown else None,
            )
            for m in range(self.horizon + 1)
        ]


def ramp_up(scope: Scope) -> list[RampUp]:
    """For people hired within the months that have KPI figures (and within the date range): months
    from their hire month until they first reach their team's median, mentees of the cohorts in scope
    against people who never enrolled; people who have not reached it yet are counted as not yet.
    Two queries: the months with figures, then every KPI's counts."""
    first, last = data_months()
    if first is None:
        return []
    hired_from, hired_before = first, add_months(last, 1)
    if scope.start is not None:
        hired_from = max(hired_from, scope.start)
    if scope.end is not None:
        hired_before = min(hired_before, scope.end + datetime.timedelta(days=1))
    within = people_of(scope).filter(hire_date__gte=hired_from, hire_date__lt=hired_before)
    mentored_ids = participant_ids(role=MENTEE, cohorts=scope.cohorts())
    mentored = Person.objects.filter(pk__in=mentored_ids)
    never_enrolled = ~Exists(Enrolment.objects.filter(person=OuterRef("pk")))
    people = within.filter(pk__in=mentored_ids) | within.filter(never_enrolled)
    result = []
    by_kpi = months_to_team_medians(people=people, marked=mentored, kpis=RAMP_UP_KPIS)
    for kpi_field in RAMP_UP_KPIS:
        counts = by_kpi[kpi_field]
        groups = {}
        for marked in (True, False):
            mine = {months: n for (is_marked, months), n in counts.items() if is_marked == marked}
            groups[marked] = RampUpGroup(
                people=sum(mine.values()),
                reached_after={m: n for m, n in mine.items() if m is not None},
            )
        result.append(RampUp(KPI_BY_FIELD[kpi_field], groups[True], groups[False], first, last))
    return result


def keep_seconds() -> int:
    """How long figures are kept: as long as the rest of the dashboard's (DASHBOARD_CACHE_SECONDS,
    which the page states; 0: worked out every time)."""
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)


def _kept(kind: str, scope: Scope, compute, *extra):
    """At 20,000 people these figures take seconds (a window over every team's months), so they are
    kept per scope and filters until KPI figures change (kpis.selectors.figures_changed, which an
    import calls) and at most keep_seconds(), so a new enrolment or cohort shows within that time."""
    seconds = keep_seconds()
    if seconds <= 0:
        return compute()
    key = ":".join(["kpi-figures", kind, figures_version(), scope.key(), *map(str, extra)])
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


def kept_kpi_outcome(scope: Scope, *, today: datetime.date | None = None) -> KpiOutcome:
    """kpi_outcome, kept (see _kept)."""
    today = today or timezone.localdate()
    return _kept("did", scope, lambda: kpi_outcome(scope, today=today), today)


def kept_ramp_up(scope: Scope) -> list[RampUp]:
    """ramp_up, kept (see _kept)."""
    return _kept("ramp-up", scope, lambda: ramp_up(scope))
