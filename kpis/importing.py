"""Reading and checking a helpdesk export of per-agent monthly figures. Pure: no database reads or
writes (the caller passes who exists and what is stored).

`parse` turns text into one `KpiRow` per data row, each with its own errors; `validate` adds what
needs the people and the whole file (unknown agents, two rows for one agent and month) and says what
each row would do. `services.kpi_import_apply` writes the result.

Helpdesk exports differ in their column names, units and number formats, so each column is found by
its name (`COLUMNS`, after people.importing.normalise_header, with "avg"/"median" prefixes and a unit
suffix taken off), and each cell is read the forgiving way a person would read it:
months as 2026-03, 03/2026, March 2026 or 2026-03-01; durations in minutes, as "1.5 h", "1h 30m" or
hh:mm[:ss] (a bare number is in the unit the column's name gives, else minutes); percentages as 87,
87 % or 0.87. Anything else is a row error naming the row and the file's own column name.
"""

import calendar
import csv
import datetime
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mentorship.forms import DATE_MIN, INT_MAX
from people.importing import ImportFileError, RowError, csv_reader, normalise_header

from .models import FIGURE_FIELDS

# 240,000 rows of a typical export are about 17 MB.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FIGURES = FIGURE_FIELDS
PERCENTAGES = ("csat", "qa_score")
DURATIONS = ("first_response_minutes", "resolution_minutes")

# Canonical column → the names helpdesk exports give it (after normalise_header and _base_name),
# best first: when a file has two of them (Zendesk's full and first resolution time) the first wins.
COLUMNS = {
    "email": (
        "agent_email",
        "assignee_email",
        "teammate_email",
        "owner_email",
        "case_owner_email",
        "user_email",
        "agent_email_address",
        "assignee_email_address",
        "email",
        "email_address",
        "work_email",
    ),
    "employee_id": (
        "employee_id",
        "employeeid",
        "emp_id",
        "employee_number",
        "employee_no",
        "staff_id",
        "agent_employee_id",
        "agent_external_id",
        "assignee_external_id",
        "external_id",
    ),
    "month": (
        "month",
        "year_month",
        "month_year",
        "reporting_month",
        "report_month",
        "calendar_month",
        "period",
        "ticket_solved_year_month",
        "ticket_solved_month",
        "ticket_created_year_month",
        "ticket_created_month",
        "solved_month",
        "date_month",
        "closed_date_month",
        "closed_date_by_calendar_month",
        "date",
        "start_date",
        "period_start",
    ),
    "csat": (
        "csat",
        "csat_score",
        "csat_rate",
        "csat_percent",
        "csat_percentage",
        "csat_pct",
        "satisfaction",
        "satisfaction_score",
        "satisfaction_rate",
        "satisfaction_rating",
        "satisfaction_percent",
        "customer_satisfaction",
        "customer_satisfaction_score",
        "customer_satisfaction_csat",
        "good_satisfaction_rate",
        "positive_ratings",
    ),
    "first_response_minutes": (
        "first_reply_time",
        "first_response_time",
        "first_reply",
        "first_response",
        "time_to_first_response",
        "time_to_first_reply",
        "first_reply_time_calendar",
        "first_reply_time_business",
        "frt",
        "response_time",
    ),
    "resolution_minutes": (
        "full_resolution_time",
        "resolution_time",
        "time_to_resolution",
        "time_to_resolve",
        "time_to_close",
        "close_time",
        "first_resolution_time",
        "full_resolution_time_calendar",
        "full_resolution_time_business",
        "resolution",
    ),
    "tickets_solved": (
        "tickets_solved",
        "solved_tickets",
        "tickets_resolved",
        "resolved_tickets",
        "tickets_closed",
        "closed_tickets",
        "conversations_closed",
        "closed_conversations",
        "conversations_resolved",
        "resolved_conversations",
        "cases_closed",
        "closed_cases",
        "solved",
        "resolved",
        "closed",
    ),
    "qa_score": (
        "qa_score",
        "qa",
        "qa_rate",
        "quality_score",
        "quality_assurance_score",
        "internal_quality_score",
        "iqs",
        "internal_quality_score_iqs",
        "review_score",
        "qa_rating",
    ),
}
# How the pages name each column (gettext_lazy: the table is built at import time).
COLUMN_LABELS = {
    "email": _lazy("agent email"),
    "employee_id": _lazy("employee id"),
    "month": _lazy("month"),
    "csat": _lazy("CSAT (%)"),
    "first_response_minutes": _lazy("first response time"),
    "resolution_minutes": _lazy("resolution time"),
    "tickets_solved": _lazy("tickets solved"),
    "qa_score": _lazy("QA score (%)"),
}
_ALIASES = {spelling: column for column, spellings in COLUMNS.items() for spelling in spellings}
_RANK = {spelling: rank for spellings in COLUMNS.values() for rank, spelling in enumerate(spellings)}

# A unit at the end of a column's name, as in "First reply time (min)" or "Full resolution time (hrs)".
_UNITS = {
    "s": 1 / 60,
    "sec": 1 / 60,
    "secs": 1 / 60,
    "second": 1 / 60,
    "seconds": 1 / 60,
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "d": 1440,
    "day": 1440,
    "days": 1440,
    "w": 10080,
    "wk": 10080,
    "week": 10080,
    "weeks": 10080,
}
_PREFIXES = ("avg_", "average_", "median_", "mean_", "total_", "number_of_", "count_of_", "pct_", "percent_")
_SUFFIXES = ("_pct", "_percent", "_percentage", "_count", "_avg", "_average", "_median")

# What exports write in a cell that has no figure (an agent with no rated tickets has no CSAT).
_BLANKS = frozenset({"", "-", "–", "—", "n/a", "na", "none", "null", "no data", "nan"})
MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
_ISO_MONTH = re.compile(
    r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?$"
)
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_NAMED_MONTH = re.compile(r"^(?:\d{1,2}\s+)?([a-z]+)\.?,?\s*(\d{4})$|^(\d{4})[-\s]([a-z]+)\.?$")
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_SIMPLE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")

MAX_DURATION_MINUTES = Decimal(10 * 366 * 24 * 60)  # ten years: anything longer is a unit mistake
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Column:
    """One recognised column: where it is, what the file calls it, the unit its name gives."""

    index: int
    header: str
    minutes_per_unit: float = 1


@dataclass(slots=True)
class KpiRow:
    row: int  # the spreadsheet row number: the header is row 1
    email: str = ""
    employee_id: str = ""
    month: datetime.date | None = None
    csat: Decimal | None = None
    first_response_minutes: Decimal | None = None
    resolution_minutes: Decimal | None = None
    tickets_solved: int | None = None
    qa_score: Decimal | None = None
    errors: list[RowError] = field(default_factory=list)
    person_id: int | None = None  # set by validate()
    action: str = ""  # "create", "replace" or "empty" (no figures: treated as absent), set by validate()

    @property
    def agent(self) -> str:
        return self.employee_id or self.email

    def has_figures(self) -> bool:
        return any(getattr(self, name) is not None for name in FIGURES)


@dataclass
class KpiImportResult:
    rows: list[KpiRow]
    columns: dict[str, Column]
    # Set by validate(): stored agent-months of the file's months that the file does not name, which
    # lose the file's figures (and are removed when no figure is left).
    cleared: int = 0

    @property
    def figures(self) -> tuple[str, ...]:
        return tuple(name for name in FIGURES if name in self.columns)

    @property
    def months(self) -> list[datetime.date]:
        return sorted({row.month for row in self.rows if row.month})

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def _base_name(header: str) -> tuple[str, float | None]:
    """The name without "avg_"-style prefixes and a trailing unit, and that unit in minutes."""
    name = normalise_header(header)
    unit = None
    for prefix in _PREFIXES:
        if name.startswith(prefix) and name[len(prefix) :] in _ALIASES:
            return name[len(prefix) :], None
    if name not in _ALIASES:
        head, _sep, tail = name.rpartition("_")
        if tail in _UNITS and head:
            name, unit = head, _UNITS[tail]
            if name.endswith("_in"):
                name = name[:-3]
    if name not in _ALIASES:
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and name[: -len(suffix)] in _ALIASES:
                name = name[: -len(suffix)]
                break
    if name not in _ALIASES:
        for prefix in _PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
    return name, unit


def unit_label(minutes_per_unit: float) -> str:
    """What a bare number in a duration column is read as."""
    return {
        1 / 60: _("a bare number is seconds"),
        60: _("a bare number is hours"),
        1440: _("a bare number is days"),
    }.get(minutes_per_unit, _("a bare number is minutes"))


def find_columns(header: list[str]) -> dict[str, Column]:
    """Which cell of the header is which figure (the best-ranked spelling when several match)."""
    found: dict[str, tuple[int, Column]] = {}
    for index, cell in enumerate(header):
        name, unit = _base_name(cell)
        column = _ALIASES.get(name)
        if column is None:
            continue
        rank = _RANK[name]
        if column in found and found[column][0] <= rank:
            continue
        found[column] = (rank, Column(index=index, header=cell.strip(), minutes_per_unit=unit or 1))
    return {column: entry[1] for column, entry in found.items()}


def accepted_columns() -> dict[str, tuple[str, ...]]:
    """The column names the upload page lists, as a person would write them."""
    return {
        column: tuple(spelling.replace("_", " ") for spelling in spellings)
        for column, spellings in COLUMNS.items()
    }


def parse(text: str, *, today: datetime.date) -> KpiImportResult:
    """One KpiRow per non-blank data row, with the errors a row shows on its own."""
    reader, delimiter = csv_reader(text)
    decimal_comma = delimiter == ";"
    latest = today.replace(day=1)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        columns = find_columns(header)
        _check_header(columns)
        reading = _RowReader(columns, decimal_comma=decimal_comma, latest=latest)
        rows = [
            reading.row(number, cells)
            for number, cells in enumerate(reader, start=2)
            if any(cells) and "".join(cells).strip()
        ]
    except csv.Error as exc:
        raise ImportFileError(_("This file cannot be read as CSV: %(error)s") % {"error": exc}) from exc
    if not rows:
        raise ImportFileError(_("The file has a header row but no agents in it."))
    return KpiImportResult(rows=rows, columns=columns)


def _check_header(columns: Mapping[str, Column]) -> None:
    missing = []
    if "email" not in columns and "employee_id" not in columns:
        missing.append(_("the agent's email or employee id"))
    if "month" not in columns:
        missing.append(_("the month"))
    if not any(name in columns for name in FIGURES):
        missing.append(
            _("at least one figure (CSAT, first response time, resolution time, tickets solved, QA score)")
        )
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns, and none of them was recognised as %(missing)s. "
                "The accepted column names are listed on this page."
            )
            % {"missing": _(" or ").join(missing) if len(missing) == 1 else "; ".join(missing)}
        )


class _RowReader:
    """Reads cells into a KpiRow. Exports repeat their values (every row has one of a few months, and
    a figure like "87.5" or "120" comes up again and again), so each column remembers what it has
    read: at 240,000 rows most cells are a dictionary lookup."""

    CACHE_LIMIT = 100_000  # per column: bounds memory for a file of all-different values

    def __init__(self, columns: Mapping[str, Column], *, decimal_comma: bool, latest: datetime.date):
        self.headers = {name: column.header for name, column in columns.items()}
        self.readers = [
            (name, column.index, column.header, self._reader(name, column, decimal_comma, latest), {})
            for name, column in columns.items()
        ]
        self.agent_header = self._header("employee_id", "email")
        self.month_header = self._header("month")

    def row(self, number: int, cells: list[str]) -> KpiRow:
        row = KpiRow(row=number)
        width = len(cells)
        for name, index, header, read, cache in self.readers:
            raw = cells[index] if index < width else ""
            hit = cache.get(raw)
            if hit is None:
                try:
                    hit = (read(raw.strip()), "")
                except ValueError as exc:
                    hit = (None, str(exc))
                if len(cache) < self.CACHE_LIMIT:
                    cache[raw] = hit
            value, message = hit
            if message:
                row.errors.append(RowError(number, header, message))
            elif value is not None:
                setattr(row, name, value)
        if not row.errors and not (row.employee_id or row.email):
            row.errors.append(RowError(number, self.agent_header, _("names no agent")))
        if row.month is None and not any(error.column == self.month_header for error in row.errors):
            row.errors.append(RowError(number, self.month_header, _("is required")))
        return row

    def _header(self, *names: str) -> str:
        return " / ".join(self.headers[name] for name in names if name in self.headers)

    @staticmethod
    def _reader(name: str, column: Column, decimal_comma: bool, latest: datetime.date):
        if name in ("email", "employee_id"):
            return functools.partial(_identifier, lower=name == "email")
        if name == "month":
            return functools.partial(_month, latest=latest)
        if name in PERCENTAGES:
            parse = functools.partial(parse_percentage, decimal_comma=decimal_comma)
        elif name in DURATIONS:
            parse = functools.partial(
                parse_duration, minutes_per_unit=column.minutes_per_unit, decimal_comma=decimal_comma
            )
        else:
            parse = functools.partial(parse_count, decimal_comma=decimal_comma)
        return functools.partial(_figure, parse=parse)


def _identifier(raw: str, *, lower: bool) -> str:
    if len(raw) > 254:
        raise ValueError(_("is longer than %(n)s characters") % {"n": 254})
    return raw.lower() if lower else raw


def _figure(raw: str, *, parse):
    return None if raw.lower() in _BLANKS else parse(raw)


def _month(raw: str, *, latest: datetime.date) -> datetime.date:
    message = _month_or_message(raw, latest=latest)
    if isinstance(message, str):
        raise ValueError(message)
    return message


def _month_or_message(raw: str, *, latest: datetime.date) -> datetime.date | str:
    if not raw:
        return _("is required")
    try:
        month = parse_month(raw)
    except ValueError as exc:
        return str(exc)
    if month > latest:
        return _("“%(value)s” is a month that has not started yet") % {"value": raw}
    if month < DATE_MIN:
        return _("“%(value)s” is before %(year)s") % {"value": raw, "year": DATE_MIN.year}
    return month


def parse_month(value: str) -> datetime.date:
    """The first day of the month `value` names; ValueError with a message for the admin."""
    text = value.strip().lower()
    year = month = None
    if match := _ISO_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if match[3] is not None:
            _valid_day(year, month, int(match[3]), value)
    elif match := _MONTH_YEAR.match(text):
        month, year = int(match[1]), int(match[2])
    elif match := _DAY_MONTH_YEAR.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        # 03/01/2026 is 3 January or 1 March depending on the country it was saved in; only a
        # date that cannot be read two ways is taken.
        if first > 12 >= second:
            month, day = second, first
        elif second > 12 >= first:
            month, day = first, second
        elif first == second:
            month = day = first
        else:
            raise ValueError(
                _("“%(value)s” could be read as day/month or month/day: write the month as 2026-03")
                % {"value": value}
            )
        _valid_day(year, month, day, value)
    elif match := _NAMED_MONTH.match(text):
        name, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        month = MONTH_NAMES.get(name)
        year = int(year)
    if year is None or month is None or not 1 <= month <= 12 or year < 1:
        raise ValueError(
            _("“%(value)s” is not a month like 2026-03, 03/2026, March 2026 or 2026-03-01") % {"value": value}
        )
    return datetime.date(year, month, 1)


def _valid_day(year: int, month: int, day: int, value: str) -> None:
    try:
        datetime.date(max(year, 1), month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date") % {"value": value}) from None


def _number(raw: str, *, decimal_comma: bool) -> Decimal:
    """A number as a spreadsheet writes it: "1,234.5", or "1.234,5" in a semicolon-separated file."""
    if _SIMPLE_NUMBER.match(raw) and not (decimal_comma and "." in raw):
        return Decimal(raw)
    text = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    if not _PLAIN_NUMBER.match(text):
        raise ValueError(_("“%(value)s” is not a number") % {"value": raw})
    number = Decimal(text)
    if number < 0:
        raise ValueError(_("“%(value)s” is negative") % {"value": raw})
    return number


def parse_percentage(raw: str, *, decimal_comma: bool = False) -> Decimal:
    """87, 87 %, 87.5% or 0.87 → 87(.5). Without a % sign, a value up to 1 is a fraction."""
    text = raw.strip()
    has_sign = text.endswith("%")
    number = _number(text.rstrip("%").strip() if has_sign else text, decimal_comma=decimal_comma)
    if not has_sign and number <= 1:
        number *= 100
    if number > 100:
        raise ValueError(_("“%(value)s” is not a percentage between 0 and 100") % {"value": raw})
    return number.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_duration(raw: str, *, minutes_per_unit: float = 1, decimal_comma: bool = False) -> Decimal:
    """Minutes from "45", "45 min", "1.5 h", "1h 30m", "2 days", "01:30" or "01:30:15". A bare number
    is in the unit the column's name gives (`minutes_per_unit`), else minutes."""
    text = raw.strip().lower()
    try:
        if _PLAIN_NUMBER.match(text.replace(",", "").replace(" ", "")):
            minutes = _number(text, decimal_comma=decimal_comma) * Decimal(str(minutes_per_unit))
        elif match := _CLOCK.match(text):
            hours, mins, secs = int(match[1]), int(match[2]), Decimal(match[3] or 0)
            minutes = Decimal(hours * 60 + mins) + secs / 60
        else:
            minutes = _duration_parts(text, decimal_comma=decimal_comma)
    except (ValueError, InvalidOperation):
        raise ValueError(
            _("“%(value)s” is not a duration like 45 (minutes), 1.5 h, 1h 30m or 01:30") % {"value": raw}
        ) from None
    if minutes > MAX_DURATION_MINUTES:
        raise ValueError(_("“%(value)s” is longer than ten years") % {"value": raw})
    return minutes.quantize(_TENTH, rounding=ROUND_HALF_UP)


def _duration_parts(text: str, *, decimal_comma: bool) -> Decimal:
    if decimal_comma:
        text = text.replace(",", ".")
    parts = _DURATION_PART.findall(text)
    rest = _DURATION_PART.sub("", text).replace(",", "").replace("and", "").strip()
    if not parts or rest:
        raise ValueError(text)
    total = Decimal(0)
    for amount, unit in parts:
        if unit not in _UNITS:
            raise ValueError(text)
        total += Decimal(amount) * Decimal(str(_UNITS[unit]))
    return total


def parse_count(raw: str, *, decimal_comma: bool = False) -> int:
    """A whole number: "120", "1,234" (or "1.234" in a semicolon-separated file), "120.0"."""
    try:
        number = _number(raw, decimal_comma=decimal_comma)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a whole number") % {"value": raw}) from None
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number") % {"value": raw})
    if number > INT_MAX:
        raise ValueError(_("“%(value)s” is too large") % {"value": raw})
    return int(number)


@dataclass(frozen=True)
class Agents:
    """Who an import can name: employee id → person, lower-cased email → people (two people may
    share an address)."""

    by_employee_id: Mapping[str, int]
    by_email: Mapping[str, tuple[int, ...]]


def validate(
    result: KpiImportResult, *, agents: Agents, stored: Iterable[tuple[int, datetime.date]]
) -> KpiImportResult:
    """Add the errors that need the people and the whole file, set each row's action and count what
    the file clears. `stored` is every (person id, month) already stored for the file's months."""
    columns = result.columns
    agent_header = " / ".join(columns[name].header for name in ("employee_id", "email") if name in columns)
    first_row: dict[tuple[int, datetime.date], int] = {}
    for row in result.rows:
        if row.errors:
            continue
        person_id = _person(row, agents, agent_header)
        if person_id is None:
            continue
        key = (person_id, row.month)
        if key in first_row:
            row.errors.append(
                RowError(
                    row.row,
                    agent_header,
                    _("%(agent)s already has a row for %(month)s (row %(row)s)")
                    % {"agent": row.agent, "month": f"{row.month:%Y-%m}", "row": first_row[key]},
                )
            )
            continue
        first_row[key] = row.row
        row.person_id = person_id
    stored = set(stored)
    named = set()
    for row in result.rows:
        if row.errors:
            row.action = ""
            continue
        key = (row.person_id, row.month)
        if not row.has_figures():
            row.action = "empty"
            continue
        named.add(key)
        row.action = "replace" if key in stored else "create"
    result.cleared = len(stored - named)
    return result


def _person(row: KpiRow, agents: Agents, header: str) -> int | None:
    by_id = agents.by_employee_id.get(row.employee_id) if row.employee_id else None
    if row.employee_id and by_id is None:
        row.errors.append(
            RowError(row.row, header, _("no one has the employee id “%(id)s”") % {"id": row.employee_id})
        )
        return None
    if row.email:
        matches = agents.by_email.get(row.email, ())
        if by_id is not None:
            if matches and by_id not in matches:
                row.errors.append(
                    RowError(
                        row.row,
                        header,
                        _("employee id “%(id)s” and email “%(email)s” are two different people")
                        % {"id": row.employee_id, "email": row.email},
                    )
                )
                return None
            return by_id
        if not matches:
            row.errors.append(
                RowError(row.row, header, _("no one has the email “%(email)s”") % {"email": row.email})
            )
            return None
        if len(matches) > 1:
            row.errors.append(
                RowError(
                    row.row,
                    header,
                    _("several people share the email “%(email)s”: add an employee id column")
                    % {"email": row.email},
                )
            )
            return None
        return matches[0]
    return by_id
