"""When a message may reach a person: their time zone, working days, quiet hours and time away.
Plain functions on plain values, so every edge (DST, east of UTC, weekends) is a unit test."""

import datetime
import zoneinfo
from dataclasses import dataclass

# Monday is 0, as in datetime.weekday().
MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True)
class Availability:
    tz: datetime.tzinfo = datetime.UTC
    working_days: frozenset[int] = MONDAY_TO_FRIDAY
    # Quiet from quiet_start until quiet_end the next morning (local times); equal times: never quiet.
    quiet_start: datetime.time = datetime.time(20, 0)
    quiet_end: datetime.time = datetime.time(8, 0)
    away_until: datetime.date | None = None  # back on the day after


def _is_quiet(local: datetime.time, *, start: datetime.time, end: datetime.time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def deliver_at(now: datetime.datetime, availability: Availability) -> datetime.datetime:
    """`now` if the person can be reached now, else the start of their next reachable morning (an
    aware datetime). A person with no working days set is treated as working every day rather than
    never hearing from the product."""
    days = availability.working_days or frozenset(range(7))
    local = now.astimezone(availability.tz)
    if (
        local.weekday() in days
        and not _is_quiet(local.time(), start=availability.quiet_start, end=availability.quiet_end)
        and (availability.away_until is None or local.date() > availability.away_until)
    ):
        return now
    day = local.date()
    # Today's morning counts only while it is still ahead (before quiet_end).
    if local.time() >= availability.quiet_end:
        day += datetime.timedelta(days=1)
    if availability.away_until is not None and day <= availability.away_until:
        day = availability.away_until + datetime.timedelta(days=1)
    while day.weekday() not in days:
        day += datetime.timedelta(days=1)
    naive = datetime.datetime.combine(day, availability.quiet_end)
    # fold=0 and a normalising round trip: a morning inside a DST gap moves to the first real instant.
    morning = naive.replace(tzinfo=availability.tz)
    return morning.astimezone(datetime.UTC).astimezone(availability.tz)


def zone(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC
