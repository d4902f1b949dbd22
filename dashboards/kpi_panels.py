"""The support-KPI and ramp-up panels laid out once (charts and the tables beside them), so the page,
the report and each panel's CSV show exactly the same cells."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kpis.selectors import Kpi

from .charts import Series, line_chart, nice_top
from .filters import Scope
from .kpi_selectors import (
    MIN_GROUP,
    PERIODS,
    WINDOW_MONTHS,
    Cell,
    Difference,
    KpiOutcome,
    RampUp,
    RampUpGroup,
    kept_kpi_outcome,
    kept_ramp_up,
)
from .privacy import too_few

ASSOCIATION = _(
    "Mentees chose to take part and the comparison group did not: a difference shows an association "
    "with mentoring, not that mentoring caused it."
)


def period_label(period: str) -> str:
    return {"before": _("Before"), "during": _("During"), "after": _("After")}[period]


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Block:
    """One KPI's chart, the table beside it and the sentence that reads it."""

    title: str
    chart: SafeString | None
    # The first is the chart's data table; more may follow.
    tables: list[Table]
    notes: list[str] = field(default_factory=list)


@dataclass
class Panel:
    slug: str
    title: str
    intro: list[str]
    blocks: list[Block]
    empty: str | None = None

    @property
    def tables(self) -> list[Table]:
        return [table for block in self.blocks for table in block.tables]


def number(value: float | None, places: int) -> str:
    if value is None:
        return too_few()
    return f"{value:,.{places}f}"


def _kpi_title(kpi: Kpi) -> str:
    return f"{kpi.label} ({kpi.unit})" if kpi.unit else str(kpi.label)


def _cell(cell: Cell) -> list[str]:
    return [number(cell.value, cell.kpi.places), str(cell.people), str(cell.months)]


def _difference(diff: Difference) -> str:
    if not diff.shown:
        return too_few()
    places = diff.kpi.places + 1 if diff.kpi.places == 0 else diff.kpi.places
    return _("%(value)s (%(low)s to %(high)s)") % {
        "value": f"{diff.value:+.{places}f}",
        "low": f"{diff.low:+.{places}f}",
        "high": f"{diff.high:+.{places}f}",
    }


def _period_in_sentence(period: str) -> str:
    return {"before": _("before"), "during": _("during"), "after": _("after")}[period]


def _reading(diff: Difference, period: str) -> str:
    kpi = diff.kpi
    # The KPI leads, so its name keeps its own capitals ("CSAT", "First response time").
    if not diff.shown:
        return _("%(kpi)s %(period)s mentoring: too few people to compare.") % {
            "kpi": kpi.label,
            "period": _period_in_sentence(period),
        }
    better = _("lower is better") if kpi.lower_is_better else _("higher is better")
    verdict = {
        "better": _("mentees' figures moved in the better direction by more than the comparison group's"),
        "worse": _("mentees' figures moved in the worse direction by more than the comparison group's"),
        "unclear": _("no clear difference from the comparison group (the interval includes zero)"),
    }[diff.verdict]
    return _("%(kpi)s %(period)s mentoring (%(better)s): %(verdict)s.") % {
        "kpi": kpi.label,
        "period": _period_in_sentence(period),
        "better": better,
        "verdict": verdict,
    }


def kpi_panel(outcome: KpiOutcome) -> Panel:
    title = _("Support KPIs before, during and after mentoring")
    intro = [
        _(
            "Each cohort's mentees against its comparison group (people who never enrolled, from the same "
            "teams, hired within 180 days of a mentee and employed when the cohort started), over the same "
            "months: the %(n)s months before the cohort, its own months and the %(n)s months after it."
        )
        % {"n": WINDOW_MONTHS},
        _(
            "A mean is the mean of each person's own monthly mean. The difference in differences is "
            "(mentees' change from before) minus (the comparison group's change from before); its 95 %% "
            "interval treats the periods as independent, so it errs on the wide side. Figures from fewer "
            "than %(n)s people are not shown."
        )
        % {"n": MIN_GROUP},
        ASSOCIATION,
    ]
    if not outcome.cohorts:
        empty = _("No cohort in this selection has started yet.")
        return Panel("support-kpis", title, intro, [], empty=empty)
    labels = [period_label(p) for p in PERIODS]
    blocks = []
    for row in outcome.rows:
        kpi = row.kpi
        table = Table(
            caption=_("%(kpi)s: mean before, during and after mentoring") % {"kpi": _kpi_title(kpi)},
            headers=[
                _("Period"),
                _("Mentees"),
                _("People"),
                _("Agent-months"),
                _("Comparison group"),
                _("People"),
                _("Agent-months"),
                _("Difference in differences (95 % interval)"),
            ],
            rows=[
                [
                    period_label(p),
                    *_cell(row.mentees[p]),
                    *_cell(row.comparison[p]),
                    {"before": "–", "during": _difference(row.during), "after": _difference(row.after)}[p],
                ]
                for p in PERIODS
            ],
        )
        series = [
            Series(_("Mentees"), [row.mentees[p].value for p in PERIODS]),
            Series(_("Comparison group"), [row.comparison[p].value for p in PERIODS]),
        ]
        values = [v for s in series for v in s.values if v is not None]
        chart = None
        if values:
            top = 100.0 if kpi.unit == "%" else nice_top(values)
            chart = line_chart(_kpi_title(kpi), labels, series, top=top, unit="%" if kpi.unit == "%" else "")
        blocks.append(
            Block(
                title=_kpi_title(kpi),
                chart=chart,
                tables=[table],
                notes=[_reading(row.during, "during"), _reading(row.after, "after")],
            )
        )
    intro.insert(
        0,
        _("Cohorts: %(names)s.") % {"names": ", ".join(c.name for c in outcome.cohorts)},
    )
    return Panel("support-kpis", title, intro, blocks)


def _median(group: RampUpGroup) -> str:
    if not group.shown:
        return too_few()
    months = group.median_months
    if months is None:
        return _("not reached by half yet")
    return f"{months:g}"


def rampup_panel(ramps: list[RampUp]) -> Panel:
    title = _("Ramp-up: months until new hires reach their team's median")
    intro = [
        _(
            "People hired in the months that have KPI figures: whole months from their hire month until "
            "the first month they were at or above their team's median that month. Mentees of the cohorts "
            "in this selection against people who never enrolled. Someone who has not reached it yet is "
            "counted as not yet, never dropped; when half a group has not, its median is not known yet."
        ),
        ASSOCIATION,
    ]
    if not ramps:
        return Panel("ramp-up", title, intro, [], empty=_("No KPI figures have been imported yet."))
    first, last = ramps[0].first_month, ramps[0].last_month
    intro.insert(
        0,
        _("KPI figures from %(first)s to %(last)s.") % {"first": _month(first), "last": _month(last)},
    )
    blocks = []
    for ramp in ramps:
        name = ramp.kpi.label
        groups = ((_("Mentored"), ramp.mentored), (_("Not mentored"), ramp.others))
        summary = Table(
            caption=_("%(kpi)s: months to the team median") % {"kpi": name},
            headers=[_("Group"), _("People"), _("Reached"), _("Not yet"), _("Median months")],
            rows=[
                [
                    label,
                    str(group.people),
                    str(group.reached) if group.shown else too_few(),
                    str(group.not_yet) if group.shown else too_few(),
                    _median(group),
                ]
                for label, group in groups
            ],
        )
        curve = ramp.curve()
        chart_title = _("%(kpi)s: share at the team median, by months since hire") % {"kpi": name}
        chart = None
        if ramp.mentored.shown or ramp.others.shown:
            chart = line_chart(
                chart_title,
                [str(m) for m, _a, _b in curve],
                [
                    Series(_("Mentored"), [a for _m, a, _b in curve]),
                    Series(_("Not mentored"), [b for _m, _a, b in curve]),
                ],
                top=100,
                unit="%",
            )
        table = Table(
            caption=chart_title,
            headers=[_("Months since hire"), _("Mentored"), _("Not mentored")],
            rows=[[str(m), _share(a), _share(b)] for m, a, b in curve],
        )
        blocks.append(Block(title=str(name), chart=chart, tables=[table, summary]))
    return Panel("ramp-up", title, intro, blocks)


def _share(value: float | None) -> str:
    return too_few() if value is None else f"{value:.1f} %"


def _month(month: datetime.date) -> str:
    return date_format(month, "M Y")


def panels_for(scope: Scope, *, today: datetime.date | None = None) -> dict[str, Panel]:
    """Both panels for one scope, keyed by slug."""
    return {
        "support-kpis": kpi_panel(kept_kpi_outcome(scope, today=today)),
        "ramp-up": rampup_panel(kept_ramp_up(scope)),
    }
