"""Pairing-months (models.PairingMonth): each pairing's sessions and check-ins summed by calendar
month, so the dashboard's session and pulse figures read ~20,000 rows instead of ~300,000 at the
benchmark's size.

Kept on write: every save, delete and bulk write of a session or check-in sends
matching.stamps.content_written, and `refresh` works out that pairing's months again from its rows
in the same transaction (the pairing locked first, so two writers cannot interleave). The nightly
`rebuild` does it for every pairing and drops the rows of pairings that are gone: it catches any
write that bypassed the ORM (the demo's COPY) and a change of TIME_ZONE (a check-in's month is its
local month, as the dashboard's date filter reads it).

Read by day: `rows_sql(start, end)` gives the pairing-months of whole calendar months in the range
from this table, and the days of a month cut by the range (a date filter from the 15th, or up to
today) summed from the sessions and check-ins themselves, with the same aggregates; the callers
sum over both alike, so a figure is the same whichever way its days were read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, Max, Min, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from matching.models import Pairing
from sessions.models import CheckIn, MentoringSession

from .models import PairingMonth

SIDES = ("mentor", "mentee")
PARTS = ("n", "sum", "ids", "lo", "hi")
SESSION_COLUMNS = ("sessions", "minutes", *(f"{side}_rating_{part}" for side in SIDES for part in PARTS))
PULSE_COLUMNS = tuple(f"{side}_pulse_{part}" for side in SIDES for part in PARTS)
COLUMNS = SESSION_COLUMNS + PULSE_COLUMNS
# Summed rows: no answers is 0 answers; the fingerprint of no rows is NULL, as SUM of nothing.
_EMPTY = {name: None if name.endswith(("_ids", "_lo", "_hi")) else 0 for name in COLUMNS}
# How a column's months make the figure of a longer span.
_ACROSS_MONTHS = {
    name: "MIN" if name.endswith("_lo") else "MAX" if name.endswith("_hi") else "SUM" for name in COLUMNS
}
REBUILD_CHUNK = 1000


def _side_aggregates(prefix: str, value, present: Q) -> dict:
    """n, total, and the answer-set fingerprint of the rows where `present` holds."""
    return {
        f"{prefix}_n": Count("pk", filter=present),
        f"{prefix}_sum": Sum(value, filter=present),
        f"{prefix}_ids": Sum("pk", filter=present),
        f"{prefix}_lo": Min("pk", filter=present),
        f"{prefix}_hi": Max("pk", filter=present),
    }


def _session_figures(sessions, keys: tuple[str, ...]):
    """Sessions summed by `keys`. A session holds both sides' ratings: the one who logged it gave
    `rating`, the other side `partner_rating`."""
    mentor_logged = Q(logged_by_id=F("pairing__mentor__person_id"))
    sides = {
        "mentor": (mentor_logged, ~mentor_logged),  # (when `rating` is theirs, when `partner_rating` is)
        "mentee": (~mentor_logged, mentor_logged),
    }
    aggregates = {"sessions": Count("pk"), "minutes": Sum("duration_minutes")}
    for side, (own, partner) in sides.items():
        value = Case(When(own, then=F("rating")), default=F("partner_rating"))
        present = (own & Q(rating__isnull=False)) | (partner & Q(partner_rating__isnull=False))
        aggregates.update(_side_aggregates(f"{side}_rating", value, present))
    return sessions.order_by().values(*keys).annotate(**aggregates)


def _pulse_figures(checkins, keys: tuple[str, ...]):
    """Check-ins summed by `keys`, the mentor's answers apart from the mentee's."""
    by_mentor = Q(person_id=F("pairing__mentor__person_id"))
    aggregates = {
        **_side_aggregates("mentor_pulse", "satisfaction", by_mentor),
        **_side_aggregates("mentee_pulse", "satisfaction", ~by_mentor),
    }
    return checkins.order_by().values(*keys).annotate(**aggregates)


def as_date(value) -> datetime.date:
    """A month from raw SQL: a date or timestamp on PostgreSQL, text on SQLite."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _months_of(pairing_filter: Q) -> list[PairingMonth]:
    """The pairing-months of the sessions and check-ins matching `pairing_filter`, worked out."""
    found: dict[tuple[int, datetime.date], dict] = {}
    month = ("pairing_id", "month")
    sessions = MentoringSession.objects.filter(pairing_filter).annotate(
        month=TruncMonth("held_on", output_field=DateField())
    )
    checkins = CheckIn.objects.filter(pairing_filter).annotate(
        month=TruncMonth("created_at", output_field=DateField())
    )
    for figures, columns in (
        (_session_figures(sessions, month), SESSION_COLUMNS),
        (_pulse_figures(checkins, month), PULSE_COLUMNS),
    ):
        for row in figures:
            row_key = (row["pairing_id"], as_date(row["month"]))
            cells = found.setdefault(row_key, dict(_EMPTY))
            cells.update({name: row[name] if row[name] is not None else _EMPTY[name] for name in columns})
    return [
        PairingMonth(pairing_id=pairing_id, month=month_, **cells)
        for (pairing_id, month_), cells in sorted(found.items())
    ]


def refresh(pairing_ids: Iterable[int]) -> None:
    """Work out these pairings' months again from their sessions and check-ins."""
    ids = sorted({pk for pk in pairing_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        # Two transactions writing to the same pair wait here for each other, so the second reads
        # what the first wrote rather than replacing its rows with an older sum.
        list(Pairing.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        PairingMonth.objects.filter(pairing_id__in=ids).delete()
        PairingMonth.objects.bulk_create(_months_of(Q(pairing_id__in=ids)), batch_size=2000)


def content_written(sender, pairing_ids, **kwargs) -> None:
    """matching.stamps.content_written's receiver for sessions and check-ins."""
    refresh(pairing_ids)


def rebuild() -> int:
    """Every pairing's months worked out again, a chunk of pairings per transaction, and the rows
    of pairings that are gone dropped. Returns the rows kept."""
    ids = list(Pairing.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_CHUNK):
        refresh(ids[start : start + REBUILD_CHUNK])
    PairingMonth.objects.exclude(pairing_id__in=Pairing.objects.values("pk")).delete()
    return PairingMonth.objects.count()


# --- reading by day -------------------------------------------------------------------------------


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def split(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[
    tuple[datetime.date | None, datetime.date | None] | None,
    list[tuple[datetime.date, datetime.date, datetime.date]],
]:
    """The days start..end (either open) as whole months, `(first month, last month)` (either
    open; None: no whole month), and the cut months, `[(month, first day, last day)]`."""
    if start and end and start > end:
        return None, []
    cut = []
    first = start
    if start and start.day != 1:
        first = _next_month(start)
        last_day = _next_month(start) - datetime.timedelta(days=1)
        cut.append((_month_start(start), start, min(last_day, end) if end else last_day))
    last = end
    if end and _next_month(end) - datetime.timedelta(days=1) != end:
        last = _month_start(end) - datetime.timedelta(days=1)
        if not (start and _month_start(start) == _month_start(end) and start.day != 1):
            cut.append(
                (_month_start(end), max(_month_start(end), start) if start else _month_start(end), end)
            )
    if first and last and first > last:
        return None, cut
    return (first, _month_start(last) if last else None), cut


def _cell(name: str, summed: bool) -> str:
    """A column of a cut month's rows: the figure, or (`summed` False: the other table's figure)
    what a month without such rows holds."""
    if summed:
        return (
            f"COALESCE(e.{connection.ops.quote_name(name)}, 0)"
            if _EMPTY[name] == 0
            else f"e.{connection.ops.quote_name(name)}"
        )
    return "0" if _EMPTY[name] == 0 else "NULL"


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def rows_sql(
    start: datetime.date | None,
    end: datetime.date | None,
    kinds: tuple[str, ...] = ("sessions", "pulse"),
    within=None,
) -> tuple[str, list]:
    """SQL (and its parameters) for rows with PairingMonth's pairing_id, month and COLUMNS, for the
    days start..end: several rows may stand for one pairing-month, so read them with SUM, MIN,
    MAX and COUNT(DISTINCT), never by row. A cut month's rows are read only for the `kinds` the
    caller reads ("sessions", "pulse"); the other columns hold nothing there. `within` (a Pairing
    queryset) reads only those pairings' rows."""
    q = connection.ops.quote_name
    narrow, narrow_params = "", []
    if within is not None:
        try:
            inner, narrow_params = within.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            inner, narrow_params = "SELECT NULL", ()
        narrow = f" AND {q('pairing_id')} IN ({inner})"
        narrow_params = list(narrow_params)
    names = ", ".join(q(name) for name in COLUMNS)
    whole, cut = split(start, end)
    parts, params = [], []
    if whole is not None:
        where, where_params = ["1 = 1"], []
        if whole[0]:
            where.append(f"{q('month')} >= %s")
            where_params.append(whole[0])
        if whole[1]:
            where.append(f"{q('month')} <= %s")
            where_params.append(whole[1])
        parts.append(
            f"SELECT {q('pairing_id')}, {q('month')}, {names} FROM {q(PairingMonth._meta.db_table)} "  # noqa: S608 - names are the model's own, values bound
            f"WHERE {' AND '.join(where)}{narrow}"
        )
        params += [*where_params, *narrow_params]
    for month, first_day, last_day in cut:
        sessions = MentoringSession.objects.filter(held_on__gte=first_day, held_on__lte=last_day)
        # The local days as a span of time (the same rows as created_at__date), so the index serves.
        checkins = CheckIn.objects.filter(
            created_at__gte=_local_midnight(first_day),
            created_at__lt=_local_midnight(last_day + datetime.timedelta(days=1)),
        )
        if within is not None:
            sessions, checkins = sessions.filter(pairing__in=within), checkins.filter(pairing__in=within)
        read = {
            "sessions": (_session_figures(sessions, ("pairing_id",)), SESSION_COLUMNS),
            "pulse": (_pulse_figures(checkins, ("pairing_id",)), PULSE_COLUMNS),
        }
        for figures, columns in (read[kind] for kind in kinds):
            inner, inner_params = figures.query.sql_with_params()
            cells = ", ".join(f"{_cell(name, name in columns)} AS {q(name)}" for name in COLUMNS)
            parts.append(f"SELECT e.{q('pairing_id')}, %s AS {q('month')}, {cells} FROM ({inner}) e")  # noqa: S608 - as above
            params += [month, *inner_params]
    if not parts:  # an empty range
        cells = ", ".join(f"{_cell(name, False)} AS {q(name)}" for name in COLUMNS)
        return f"SELECT NULL AS {q('pairing_id')}, NULL AS {q('month')}, {cells} WHERE 1 = 0", []
    return " UNION ALL ".join(parts), params


def pairs_sql(pairings) -> tuple[str, list] | None:
    """`pairings` (a Pairing queryset, annotated by the caller with mentor_in and mentee_in: 1 when
    that side's person counts) as SQL with id, the two sides' person ids and those two tests; None
    when nothing can match."""
    try:
        return (
            pairings.order_by()
            .values("pk", "mentor_in", "mentee_in")
            .annotate(mentor_person_id=F("mentor__person_id"), mentee_person_id=F("mentee__person_id"))
            .query.sql_with_params()
        )
    except EmptyResultSet:
        return None


def summed(
    columns: list[str],
    *,
    pairings,
    start,
    end,
    kinds: tuple[str, ...] = ("sessions", "pulse"),
    by_month: bool = False,
    within=None,
) -> list[tuple]:
    """SELECT `columns` (SQL over `r`, the rows of rows_sql(start, end, kinds, within), and `pp`,
    the pairings of pairs_sql(pairings)) for the pairings' months in the days start..end; by month
    first when `by_month` (one row per month that has rows, the month first in each). `within`
    (the pairings that can count at all, when few) spares reading every pairing's months."""
    pairs = pairs_sql(pairings if within is None else pairings.filter(pk__in=within.values("pk")))
    if pairs is None:
        return []
    q = connection.ops.quote_name
    rows, rows_params = rows_sql(start, end, kinds, within)
    if not by_month:
        # One row per pairing before the join: a quarter of the rows to join at 20,000 people.
        cells = ", ".join(f"{_ACROSS_MONTHS[name]}(u.{q(name)}) AS {q(name)}" for name in COLUMNS)
        rows = f"SELECT u.{q('pairing_id')}, {cells} FROM ({rows}) u GROUP BY u.{q('pairing_id')}"  # noqa: S608 - names are ours
    pairs_inner, pairs_params = pairs
    month = f"r.{q('month')}"
    select = [month, *columns] if by_month else columns
    sql = (
        f"SELECT {', '.join(select)} FROM ({rows}) r "  # noqa: S608 - names are ours, values bound
        f"JOIN ({pairs_inner}) pp ON pp.{q('pk')} = r.{q('pairing_id')}"
    )
    if by_month:
        sql += f" GROUP BY {month}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *pairs_params])
        return cursor.fetchall()


def answer_columns(kind: str, side: str) -> list[str]:
    """For `summed`: one side's answers of `kind` ("rating" or "pulse") where that side counts:
    the mean, the total, the people who answered, and the answer set's n, sum, lo and hi
    (privacy.py)."""
    counts = f"pp.{side}_in = 1"

    def cell(part: str) -> str:
        return f"CASE WHEN {counts} THEN r.{side}_{kind}_{part} END"

    number = "NUMERIC" if connection.vendor == "postgresql" else "REAL"
    return [
        # The division AVG makes (numeric on PostgreSQL), so the mean is AVG's to the last digit.
        f"CAST(SUM({cell('sum')}) AS {number}) / NULLIF(SUM({cell('n')}), 0)",
        f"COALESCE(SUM({cell('sum')}), 0)",
        f"COUNT(DISTINCT CASE WHEN {counts} AND r.{side}_{kind}_n > 0 THEN pp.{side}_person_id END)",
        f"COALESCE(SUM({cell('n')}), 0)",
        f"SUM({cell('ids')})",
        f"MIN({cell('lo')})",
        f"MAX({cell('hi')})",
    ]


def answers_of(values) -> dict | None:
    """answer_columns' values as {value, total, people, n, sum, lo, hi}; None when nobody answered."""
    mean, total, people, n, ids, lo, hi = values
    if not n:
        return None
    return {
        "value": float(mean),
        "total": int(total),
        "people": people,
        **{name: int(value) for name, value in (("n", n), ("sum", ids), ("lo", lo), ("hi", hi))},
    }
