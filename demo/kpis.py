"""Demo support KPIs: every agent's helpdesk figures for the last 18 full months, as an import would
have stored them, so the KPI and ramp-up panels have something to show on first start.

The story the figures tell (with noise a real queue has): a new hire starts well below their team
(CSAT about 14 points lower, a third of the tickets, slower replies) and closes the gap over their
first months; mentoring speeds that up (tenure counts 2.5 times while mentored) and adds a little on
top (up to +2.5 CSAT points, +6 % tickets, 10 % faster first replies, phased in over three months and
mostly kept after the pairing ends). So mentored new hires reach their team's median sooner, and
mentees improve a little more than comparable agents who were not mentored. Every team has its own
level, every agent their own skill.

Generated with numpy over (agent × month) arrays from one seeded generator, so a seed and a date
always give the same figures; written with COPY on PostgreSQL (about 240,000 rows at 20,000 people).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import connection
from django.utils import timezone

from kpis.models import AgentMonth
from kpis.services import median_reach_refresh
from people.models import Person

MONTHS = 18
DAYS_PER_MONTH = 30.44
RAMP_MONTHS = 5.0  # time constant of a new hire's ramp-up
MENTORED_PACE = 2.5  # a month mentored counts as this much tenure for the ramp
BOOST_MONTHS = 3  # the mentoring effect builds up over this long
KEPT_AFTER = 0.8  # share of the effect that stays after the pairing ends
BATCH_SIZE = 50_000


def history_months(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `months` full months before `today`'s, oldest first."""
    first = today.replace(day=1)
    result = []
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        result.append(first)
    return result[::-1]


def kpi_rows(
    *,
    agents: Sequence[Person],
    team_of: Sequence[int],
    mentored: dict[int, tuple[datetime.date, datetime.date | None]],
    today: datetime.date,
    seed: int,
) -> list[tuple]:
    """(person id, month, csat, first response, resolution, tickets, qa) for every agent and month
    they were employed in. `team_of[i]` is agents[i]'s team index; `mentored` maps a person id to
    their pairing's start and end (None while it runs)."""
    rng = np.random.default_rng([seed, 9])
    months = history_months(today)
    n_teams = max(team_of) + 1 if team_of else 1
    team_csat = rng.uniform(84, 90, n_teams)
    team_tickets = rng.uniform(140, 230, n_teams)
    team_frt = rng.uniform(25, 90, n_teams)
    team_resolution = rng.uniform(600, 2400, n_teams)
    team_qa = rng.uniform(82, 90, n_teams)

    count = len(agents)
    teams = np.asarray(team_of, dtype=int)
    skill = rng.normal(0, 1, count)[:, None]
    hire = np.array([p.hire_date.toordinal() for p in agents], dtype=float)[:, None]
    leave = np.array([p.leave_date.toordinal() if p.leave_date else np.inf for p in agents])[:, None]
    starts = np.array([mentored[p.pk][0].toordinal() if p.pk in mentored else np.nan for p in agents])[
        :, None
    ]
    ends = np.array(
        [
            (mentored[p.pk][1].toordinal() if mentored[p.pk][1] else np.inf) if p.pk in mentored else np.nan
            for p in agents
        ]
    )[:, None]
    first = np.array([m.toordinal() for m in months], dtype=float)[None, :]
    last = np.array([_next_month(m).toordinal() - 1 for m in months], dtype=float)[None, :]
    middle = first + 14

    employed = (hire <= last) & (leave >= first)
    tenure = np.maximum(middle - hire, 0) / DAYS_PER_MONTH
    with np.errstate(invalid="ignore"):
        since = np.where(
            np.isnan(starts), 0.0, np.maximum((middle - np.nan_to_num(starts)) / DAYS_PER_MONTH, 0)
        )
        after = (~np.isnan(ends)) & (middle > np.nan_to_num(ends, nan=np.inf))
    ramp = 1 - np.exp(-(tenure + (MENTORED_PACE - 1) * since) / RAMP_MONTHS)
    boost = np.clip(since / BOOST_MONTHS, 0, 1) * np.where(after, KEPT_AFTER, 1.0)
    shape = employed.shape

    csat = team_csat[teams][:, None] + 1.8 * skill - 14 * (1 - ramp) + 2.5 * boost + rng.normal(0, 1.6, shape)
    tickets = (
        team_tickets[teams][:, None]
        * (0.3 + 0.7 * ramp)
        * (1 + 0.07 * skill)
        * (1 + 0.06 * boost)
        * (1 + rng.normal(0, 0.08, shape))
    )
    frt = team_frt[teams][:, None] * (1.6 - 0.6 * ramp) * (1 - 0.1 * boost) * rng.lognormal(0, 0.15, shape)
    resolution = (
        team_resolution[teams][:, None]
        * (1.5 - 0.5 * ramp)
        * (1 - 0.08 * boost)
        * rng.lognormal(0, 0.2, shape)
    )
    qa = team_qa[teams][:, None] + 1.2 * skill - 8 * (1 - ramp) + 2 * boost + rng.normal(0, 2.5, shape)
    # Not every agent has rated tickets or a QA review every month.
    no_csat = rng.random(shape) < 0.03
    no_qa = rng.random(shape) < 0.06

    csat = np.clip(csat, 35, 100).round(1)
    qa = np.clip(qa, 40, 100).round(1)
    tickets = np.maximum(tickets, 0).round().astype(int)
    frt, resolution = frt.round(1), resolution.round(1)
    rows = []
    for i, j in zip(*np.nonzero(employed), strict=True):
        rows.append(
            (
                agents[i].pk,
                months[j],
                None if no_csat[i, j] else float(csat[i, j]),
                float(frt[i, j]),
                float(resolution[i, j]),
                int(tickets[i, j]),
                None if no_qa[i, j] else float(qa[i, j]),
            )
        )
    return rows


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


COLUMNS = (
    "person_id",
    "month",
    "csat",
    "first_response_minutes",
    "resolution_minutes",
    "tickets_solved",
    "qa_score",
)


def write(rows: Iterable[tuple]) -> int:
    """Insert the rows: COPY on PostgreSQL (bulk_create's Python per row would dominate the seed),
    bulk_create elsewhere; then the ramp-up's MedianReach, as after an import. Returns how many
    were written."""
    rows = list(rows)
    _insert(rows)
    median_reach_refresh()
    return len(rows)


def _insert(rows: list[tuple]) -> None:
    now = timezone.now()
    if connection.vendor != "postgresql":
        AgentMonth.objects.bulk_create(
            (AgentMonth(imported_at=now, **dict(zip(COLUMNS, row, strict=True))) for row in rows),
            batch_size=2_000,
        )
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column in (*COLUMNS, "imported_at"))
    stamp = now.isoformat()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows[start : start + BATCH_SIZE]:
                writer.writerow(["" if value is None else value for value in row] + [stamp])
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {qn(AgentMonth._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv)", buffer
            )
