"""The dashboard's figures laid out once as panels (a chart and the tables beside it), so the page,
the printable report and each panel's CSV show exactly the same cells."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from programmes.models import Enrolment

from .charts import Series, bar_chart, line_chart, nice_top
from .privacy import MIN_GROUP, Answered, Rate, too_few
from .selectors import CURVE_DAYS, GOAL_COLUMNS, HORIZONS, ROLES, SINCE_BUCKETS, Outcomes

PANELS = ("retention", "satisfaction", "engagement", "goals", "recognition")


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Panel:
    slug: str
    title: str
    chart: SafeString | None
    chart_table: Table | None
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_tables(self) -> list[Table]:
        return ([self.chart_table] if self.chart_table else []) + self.tables


def _rate(rate: Rate, *, with_interval: bool = True) -> str:
    if not rate.shown:
        return too_few()
    text = f"{rate.percent} %"
    if with_interval:
        low, high = rate.interval
        text += f" ({low}–{high} %)"
    return text


def _count(people: int) -> str:
    return number_format(people, force_grouping=True)


def _answered(figure: Answered) -> str:
    return str(figure) if figure.shown else too_few()


def _role_label(role: str) -> str:
    return _("Mentees") if role == Enrolment.Role.MENTEE else _("Mentors")


def _month(month) -> str:
    return date_format(month, "M Y")


ASSOCIATION = _(
    "These groups differ in who chose to take part: a difference shows an association, not that the "
    "programme caused it."
)


def retention_panel(data: Outcomes) -> Panel:
    groups = data.retention.groups
    labels = [str(d) for d in CURVE_DAYS]
    series = [Series(g.short_label, [r.percent for _d, r in g.curve]) for g in groups]
    title = _("Retention curve: share still employed, by days after joining")
    chart_table = Table(
        caption=title,
        headers=[_("Days after joining"), *[g.label for g in groups]],
        rows=[
            [str(d), *[_rate(g.curve[i][1], with_interval=False) for g in groups]]
            for i, d in enumerate(CURVE_DAYS)
        ],
    )
    summary = Table(
        caption=_("Retention at 90, 180 and 365 days, with 95 % intervals (Wilson) and group sizes"),
        headers=[_("Group"), _("People followed"), *[_("%(days)s days") % {"days": d} for d in HORIZONS]],
        rows=[
            [g.label, str(g.people)]
            + [
                f"{_rate(g.at[d])}, n = {_count(g.at[d].denominator)}" if g.at[d].shown else too_few()
                for d in HORIZONS
            ]
            for g in groups
        ],
    )
    notes = [
        _(
            "Each person is followed from the start of the first cohort they joined; the comparison "
            "group is people who never enrolled, in the same teams, hired within six months of a "
            "participant and employed when that participant's cohort started. Someone whose 90, 180 "
            "or 365 days have not yet passed is not counted at that point."
        ),
        ASSOCIATION,
    ]
    if data.retention.target is not None:
        notes.append(
            _("The programme's target: %(target)s %% still with the company a year after joining.")
            % {"target": f"{data.retention.target:g}"}
        )
    return Panel(
        "retention",
        _("Retention"),
        line_chart(title, labels, series, top=100, unit="%"),
        chart_table,
        [summary],
        notes,
    )


def satisfaction_panel(data: Outcomes) -> Panel:
    sat = data.satisfaction
    title = _("Pulse satisfaction by month (1–5)")
    labels = [_month(m) for m, _c in sat.pulse_months]
    series = [
        Series(_role_label(role), [cells[role].value for _m, cells in sat.pulse_months]) for role in ROLES
    ]
    chart_table = Table(
        caption=title,
        headers=[_("Month"), *[_role_label(r) for r in ROLES]],
        rows=[[_month(m), *[_answered(cells[r]) for r in ROLES]] for m, cells in sat.pulse_months],
    )
    target = f"{sat.target:.1f}" if sat.target is not None else "–"
    summary = Table(
        caption=_("Satisfaction against the programme's target"),
        headers=[_("Measure"), *[_role_label(r) for r in ROLES], _("Target")],
        rows=[
            [_("Pulse check-ins (1–5)"), *[_answered(sat.pulse[r]) for r in ROLES], target],
            [_("Session ratings (1–5)"), *[_answered(sat.ratings[r]) for r in ROLES], target],
            [_("End-of-cohort survey (1–5)"), *[_answered(sat.survey[r]) for r in ROLES], target],
            [_("Net promoter score (−100 to 100)"), *[_answered(sat.nps[r]) for r in ROLES], "–"],
            [_("People behind the pulse figures"), *[str(sat.pulse[r].people) for r in ROLES], "–"],
            [_("People behind the session ratings"), *[str(sat.ratings[r].people) for r in ROLES], "–"],
            [_("People who answered the survey"), *[str(sat.survey_people[r]) for r in ROLES], "–"],
        ],
    )
    return Panel(
        "satisfaction",
        _("Satisfaction"),
        line_chart(title, labels, series, top=5),
        chart_table,
        [summary],
        [_("Mentors' and mentees' answers are counted apart; a person's own answers are never shown.")],
    )


def engagement_panel(data: Outcomes) -> Panel:
    eng = data.engagement
    title = _("Sessions per pairing, by month")
    shown = list(eng.months)
    values = [m.per_pairing for m in shown]
    chart_table = Table(
        caption=title,
        headers=[_("Month"), _("Pairings running"), _("Sessions"), _("Sessions per pairing")],
        rows=[
            [_month(m.month), str(m.pairings)]
            + (
                [str(m.sessions), f"{m.per_pairing:.1f}"]
                if m.per_pairing is not None
                else [too_few(), too_few()]
            )
            for m in shown
        ],
    )
    enough = eng.active_pairings >= MIN_GROUP
    bucket_labels = {
        "within": _("Met within the cadence"),
        "late": _("Late (up to twice the cadence)"),
        "quiet": _("Quiet (longer)"),
        "never": _("Never met"),
    }
    load = f"{eng.mentees_taken} / {eng.capacity} ({eng.load} %)" if eng.load is not None else too_few()
    summary = Table(
        caption=_("Active pairings: cadence, time since the last session, mentor load"),
        headers=[_("Measure"), _("Value")],
        rows=[
            [_("Active pairings"), str(eng.active_pairings)],
            [_("Keeping their cadence"), _rate(eng.cadence_kept)],
            *[[bucket_labels[b], str(eng.since_last[b]) if enough else too_few()] for b in SINCE_BUCKETS],
            [_("Mentors"), str(eng.mentors)],
            [_("Mentees taken / places offered by mentors"), load],
            [_("Mentors at full capacity"), _rate(eng.mentors_full)],
        ],
    )
    return Panel(
        "engagement",
        _("Engagement"),
        bar_chart(title, [_month(m.month) for m in shown], [Series(title, values)], top=nice_top(values, 2)),
        chart_table,
        [summary],
        [
            _(
                "A pairing keeps its cadence when its last session (or its start) is within its "
                "cohort's cadence."
            )
        ],
    )


def goals_panel(data: Outcomes) -> Panel:
    headers = {
        "set": _("Set"),
        "on_track": _("On track"),
        "at_risk": _("At risk"),
        "achieved": _("Achieved"),
        "overdue": _("Overdue"),
        "dropped": _("Dropped"),
    }
    title = _("Goals by goal area")
    areas = data.goals
    charted = ("achieved", "on_track", "overdue", "dropped")
    series = [Series(headers[c], [a.counts[c] if a.shown else None for a in areas]) for c in charted]
    chart_table = Table(
        caption=title,
        headers=[_("Goal area"), *[headers[c] for c in GOAL_COLUMNS]],
        rows=[[a.name, *[str(a.counts[c]) if a.shown else too_few() for c in GOAL_COLUMNS]] for a in areas],
    )
    peak = nice_top([a.counts["set"] for a in areas if a.shown], 5)
    return Panel(
        "goals",
        _("Goals"),
        bar_chart(title, [a.name for a in areas], series, top=peak) if areas else None,
        chart_table,
        [],
        [_("A goal counts under each goal area its mentee chose; overdue: still open after its due date.")],
    )


def recognition_panel(data: Outcomes) -> Panel:
    rec = data.recognition

    def shown(value) -> str:
        return str(value) if rec.shown else too_few()

    summary = Table(
        caption=_("Thanks mentees wrote their mentors, and the mentors' sessions"),
        headers=[_("Measure"), _("Value")],
        rows=[
            [_("Mentors"), str(rec.mentors)],
            [_("Thanks received by mentors"), shown(rec.thanks)],
            [_("Mentors thanked"), shown(rec.mentors_thanked)],
            [_("Sessions logged by their pairs"), shown(rec.sessions)],
            [_("Hours of sessions"), shown(f"{rec.hours:.1f}")],
        ],
    )
    return Panel(
        "recognition",
        _("Recognition"),
        None,
        None,
        [summary],
        [
            _(
                "At the end of a mentorship the mentee can thank their mentor in words; only the "
                "mentor reads them. This counts them, for mentors in scope."
            )
        ],
    )


def panels(data: Outcomes) -> dict[str, Panel]:
    return {
        "retention": retention_panel(data),
        "satisfaction": satisfaction_panel(data),
        "engagement": engagement_panel(data),
        "goals": goals_panel(data),
        "recognition": recognition_panel(data),
    }
