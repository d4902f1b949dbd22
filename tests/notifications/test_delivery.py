import datetime
import zoneinfo

import pytest

from notifications.delivery import Availability, deliver_at

UTC = datetime.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(tz, *args):
    return datetime.datetime(*args, tzinfo=tz)


def test_a_weekday_afternoon_is_now():
    now = at(UTC, 2026, 12, 2, 14, 0)  # Wednesday
    assert deliver_at(now, Availability()) == now


def test_quiet_evening_waits_for_next_morning():
    now = at(UTC, 2026, 12, 2, 21, 30)
    assert deliver_at(now, Availability()) == at(UTC, 2026, 12, 3, 8, 0)


def test_early_morning_waits_for_the_same_morning():
    now = at(UTC, 2026, 12, 2, 6, 15)
    assert deliver_at(now, Availability()) == at(UTC, 2026, 12, 2, 8, 0)


def test_friday_evening_waits_for_monday():
    now = at(UTC, 2026, 12, 4, 22, 0)  # Friday
    assert deliver_at(now, Availability()) == at(UTC, 2026, 12, 7, 8, 0)


def test_east_of_utc_monday_morning_is_sunday_evening_in_utc():
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo: a working morning there.
    now = at(UTC, 2026, 12, 6, 23, 30)
    assert deliver_at(now, Availability(tz=TOKYO)) == now


def test_east_of_utc_sunday_waits_for_local_monday_morning():
    now = at(UTC, 2026, 12, 6, 12, 0)  # Sunday 21:00 in Tokyo
    assert deliver_at(now, Availability(tz=TOKYO)) == at(TOKYO, 2026, 12, 7, 8, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Spring forward in Berlin (29 March 2026): Monday 30 March 08:00 is CEST, 06:00 UTC.
        (at(UTC, 2026, 3, 29, 12, 0), at(UTC, 2026, 3, 30, 6, 0)),
        # Fall back (25 October 2026): Monday 26 October 08:00 is CET, 07:00 UTC.
        (at(UTC, 2026, 10, 25, 12, 0), at(UTC, 2026, 10, 26, 7, 0)),
    ],
)
def test_mornings_across_daylight_saving_changes(now, expected):
    assert deliver_at(now, Availability(tz=BERLIN)) == expected


def test_a_morning_inside_a_dst_gap_moves_to_a_real_instant():
    # Quiet until 02:30 on the night the clocks jump from 02:00 to 03:00: no such local time.
    availability = Availability(
        tz=BERLIN,
        quiet_start=datetime.time(22, 0),
        quiet_end=datetime.time(2, 30),
        working_days=frozenset(range(7)),
    )
    result = deliver_at(at(UTC, 2026, 3, 28, 23, 0), availability)
    assert result.astimezone(UTC) == at(UTC, 2026, 3, 29, 1, 30)


def test_away_waits_for_the_first_working_morning_after():
    now = at(UTC, 2026, 12, 2, 14, 0)
    availability = Availability(away_until=datetime.date(2026, 12, 4))  # back Saturday: works Monday
    assert deliver_at(now, availability) == at(UTC, 2026, 12, 7, 8, 0)


def test_no_working_days_means_every_day():
    now = at(UTC, 2026, 12, 5, 14, 0)  # Saturday
    assert deliver_at(now, Availability(working_days=frozenset())) == now


def test_equal_quiet_times_are_never_quiet():
    now = at(UTC, 2026, 12, 2, 3, 0)
    t = datetime.time(0, 0)
    assert deliver_at(now, Availability(quiet_start=t, quiet_end=t)) == now
