"""A history top-up for `make bench`: more sessions and check-ins on the pairings already seeded,
so the dashboards are timed on a history of the size issue 9 names (200,000 sessions, 100,000
check-ins for 20,000 people) without making the everyday demo (`seed_demo`) slow.

Set-based: two reads, then the rows are drawn with numpy in one go and written with one COPY per
table on PostgreSQL (bulk_create in batches elsewhere); no query per pairing or per row.
"""

import csv
import datetime
import io
import json

import numpy as np
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from dashboards import rollups
from matching.models import Pairing
from matching.stamps import pairings_changed
from sessions.models import CheckIn, MentoringSession

from .services import BLOCKERS, FORMATS, NEXT_STEPS, TOPIC_KEYS, TOPIC_NOTES

BATCH_SIZE = 5_000
# Ratings and satisfaction lean high, as real ones do, with a tail that the flags pick up.
RATING_WEIGHTS = np.array([1, 3, 10, 40, 46]) / 100
SATISFACTION_WEIGHTS = np.array([2, 4, 12, 40, 42]) / 100


SESSION_FIELDS = (
    "pairing_id",
    "held_on",
    "duration_minutes",
    "format",
    "topics",
    "notes",
    "ticket_refs",
    "rating",
    "rating_comment",
    "partner_rating",
    "partner_comment",
    "confirmed_at",
    "logged_by_id",
    "logged_at",
)
CHECK_IN_FIELDS = (
    "pairing_id",
    "person_id",
    "satisfaction",
    "meeting_regularly",
    "blockers",
    "comment",
    "period_key",
    "created_at",
)


def _copy_value(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, datetime.date):  # and datetimes: ISO 8601, with their offset
        return value.isoformat()
    return value


def _write(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """One COPY on PostgreSQL (much faster than bulk_create at this size); bulk_create elsewhere.
    Either way the database checks every constraint. The COPY is logged as a query, as Django
    logs the others, so query counts stay comparable."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BATCH_SIZE
        )
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_copy_value(value) for value in row])
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor:
        debug = getattr(cursor, "debug_sql", None)  # set when queries are logged (DEBUG, tests)
        if debug is None:
            cursor.cursor.copy_expert(sql, buffer)
        else:
            with debug(sql):
                cursor.cursor.copy_expert(sql, buffer)


def _at(days: np.ndarray, hours: np.ndarray, minutes: np.ndarray) -> list[datetime.datetime]:
    tz = timezone.get_current_timezone()
    return [
        datetime.datetime.combine(day, datetime.time(int(h), int(m)), tzinfo=tz)
        for day, h, m in zip(days, hours, minutes, strict=True)
    ]


@transaction.atomic
def history_top_up(
    *, sessions: int, check_ins: int, today: datetime.date | None = None, seed: int = 9
) -> dict:
    """Add `sessions` sessions and `check_ins` check-ins to the active and ended pairings, each
    pairing getting a share in proportion to the days it has run, dated inside those days.

    A check-in that is a member's first in its pulse period (and the period has none from them
    yet) answers that period (`period_key`); any further one in the same period is recorded
    outside the pulse (period_key ""), so the once-per-period rule holds. Returns the counts."""
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    rows = list(
        Pairing.objects.filter(
            status__in=(Pairing.Status.ACTIVE, Pairing.Status.ENDED), started_on__lte=today
        )
        .annotate(end=Coalesce("ended_on", today), interval=F("cohort__check_in_interval_days"))
        .order_by("pk")
        .values_list("pk", "started_on", "end", "interval", "mentee__person_id", "mentor__person_id")
    )
    if not rows or (sessions <= 0 and check_ins <= 0):
        return {"sessions": 0, "check_ins": 0}
    pairing_ids = np.array([r[0] for r in rows])
    started = np.array([r[1] for r in rows], dtype="datetime64[D]")
    ended = np.minimum(np.array([r[2] for r in rows], dtype="datetime64[D]"), np.datetime64(today, "D"))
    interval = np.array([r[3] for r in rows])
    members = np.array([(r[4], r[5]) for r in rows])  # mentee, mentor
    days = (ended - started).astype(int) + 1
    share = days / days.sum()

    def dates(n: int) -> tuple[np.ndarray, np.ndarray]:
        """`n` (pairing index, day) draws: pairings by the days they ran, then a day in them."""
        which = rng.choice(len(rows), size=n, p=share)
        offset = (rng.random(n) * days[which]).astype(int)
        return which, started[which] + offset.astype("timedelta64[D]")

    which, held = dates(max(sessions, 0))
    held_on = held.astype(object)
    formats = [f for f, _w, _d in FORMATS]
    weights = np.array([w for _f, w, _d in FORMATS], dtype=float)
    fmt = rng.choice(len(formats), size=len(which), p=weights / weights.sum())
    length_choice = rng.integers(0, 12, size=len(which))
    rated = rng.random(len(which)) >= 0.08
    rating = rng.choice(np.arange(1, 6), size=len(which), p=RATING_WEIGHTS)
    partner_rated = rng.random(len(which)) < 0.55
    partner_rating = rng.choice(np.arange(1, 6), size=len(which), p=RATING_WEIGHTS)
    confirmed = rng.random(len(which)) < 0.75
    by_mentee = rng.random(len(which)) < 0.6
    topic_pick = rng.integers(0, len(TOPIC_KEYS), size=len(which))
    note_pick = rng.integers(0, 2, size=len(which))
    next_pick = rng.integers(0, len(NEXT_STEPS), size=len(which))
    logged_at = _at(
        held_on, rng.integers(9, 19, size=len(which)), rng.choice((0, 15, 30, 45), size=len(which))
    )
    now = timezone.now()
    session_rows = []
    for k in range(len(which)):
        topic = TOPIC_KEYS[topic_pick[k]]
        notes = TOPIC_NOTES[topic]
        fmt_k, _w, choices = FORMATS[fmt[k]]
        session_rows.append(
            (
                int(pairing_ids[which[k]]),
                held_on[k],
                choices[length_choice[k] % len(choices)],
                str(fmt_k),
                [topic],
                notes[note_pick[k] % len(notes)] + NEXT_STEPS[next_pick[k]],
                "",
                int(rating[k]) if rated[k] else None,
                "",
                int(partner_rating[k]) if confirmed[k] and partner_rated[k] else None,
                "",
                min(logged_at[k] + datetime.timedelta(days=1), now) if confirmed[k] else None,
                int(members[which[k], 0 if by_mentee[k] else 1]),
                logged_at[k],
            )
        )
    _write(MentoringSession, SESSION_FIELDS, session_rows)

    which, answered = dates(max(check_ins, 0))
    side = (rng.random(len(which)) < 0.5).astype(int)
    period = (answered - started[which]).astype(int) // interval[which]
    person = members[which, side]
    taken = set(
        CheckIn.objects.filter(pairing_id__in=pairing_ids.tolist())
        .exclude(period_key="")
        .values_list("pairing_id", "person_id", "period_key")
    )
    satisfaction = rng.choice(np.arange(1, 6), size=len(which), p=SATISFACTION_WEIGHTS)
    lapsed = rng.random(len(which)) < 0.05
    blocker = rng.random(len(which)) < 0.04
    blocker_pick = rng.integers(0, len(BLOCKERS), size=len(which))
    created_at = _at(
        answered.astype(object), rng.integers(8, 20, size=len(which)), rng.integers(0, 60, size=len(which))
    )
    check_in_rows = []
    for k in range(len(which)):
        slot = (int(pairing_ids[which[k]]), int(person[k]), str(period[k]))
        key = "" if slot in taken else slot[2]
        taken.add(slot)
        blockers = BLOCKERS[blocker_pick[k]] if blocker[k] else ""
        check_in_rows.append(
            (slot[0], slot[1], int(satisfaction[k]), not lapsed[k], blockers, "", key, created_at[k])
        )
    _write(CheckIn, CHECK_IN_FIELDS, check_in_rows)
    pairings_changed(pairing_ids.tolist())
    # COPY writes past the ORM, so nothing kept the dashboard's pairing-months on the way.
    rollups.refresh(pairing_ids.tolist())
    return {"sessions": len(session_rows), "check_ins": len(check_in_rows)}
