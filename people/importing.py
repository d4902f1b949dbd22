"""Reading and checking an HR-system export of people. Pure: no database reads or writes.

`decode_upload` turns an upload into text or refuses the file as a whole (size, encoding, not a CSV);
`parse` turns text into one `ParsedRow` per data row, each with its own errors; `validate` adds the
checks that need to know who already exists (managers, cycles, leave before an existing hire date) and
says what each row would do. `services.people_import_apply` writes the result.
"""

import csv
import datetime
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from mentorship.forms import DATE_MAX, DATE_MIN
from mentorship.spreadsheets import formula_char, looks_like_formula, neutralised

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# Canonical column → accepted header spellings, after `normalise_header`.
COLUMNS = {
    "employee_id": (
        "employee_id",
        "employeeid",
        "emp_id",
        "employee_number",
        "employee_no",
        "staff_id",
        "id",
    ),
    "full_name": ("name", "full_name", "fullname", "employee_name", "employee"),
    "email": ("email", "e_mail", "email_address", "work_email"),
    "team": ("team", "team_name", "department"),
    "manager_employee_id": (
        "manager_employee_id",
        "managers_employee_id",
        "manager_id",
        "manager_emp_id",
        "manager",
        "reports_to",
    ),
    "hire_date": ("hire_date", "hired", "hired_on", "date_hired", "start_date"),
    "leave_date": ("leave_date", "left", "left_on", "end_date", "termination_date"),
}
# Without these the file cannot say who a row is; manager and leave date may be absent (then the
# import leaves those fields of existing people as they are).
REQUIRED_COLUMNS = ("employee_id", "full_name", "email", "team", "hire_date")
COLUMN_LABELS = {
    "employee_id": "employee_id",
    "full_name": "name",
    "email": "email",
    "team": "team",
    "manager_employee_id": "manager_employee_id",
    "hire_date": "hire_date",
    "leave_date": "leave_date",
}
MAX_LENGTHS = {"employee_id": 40, "full_name": 150, "email": 254, "team": 100, "manager_employee_id": 40}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the admin who uploaded it."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Existing:
    """What the database holds for one employee id, as far as an import can change it."""

    full_name: str
    email: str
    team: str
    manager_employee_id: str
    hire_date: datetime.date
    leave_date: datetime.date | None
    pk: int | None = None


@dataclass
class ParsedRow:
    row: int  # the spreadsheet row number: the header is row 1
    employee_id: str = ""
    full_name: str = ""
    email: str = ""
    team: str = ""
    manager_employee_id: str = ""
    hire_date: datetime.date | None = None
    leave_date: datetime.date | None = None
    errors: list[RowError] = field(default_factory=list)
    action: str = ""  # "create", "update" or "unchanged", set by validate()

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_LABELS.get(column, column), message))


@dataclass
class ImportResult:
    rows: list[ParsedRow]
    columns: frozenset[str]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def decode_upload(upload, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The upload's text, or ImportFileError. Checks the size the browser declared before reading."""
    limit_mb = max_bytes // 1024 // 1024
    if upload.size > max_bytes:
        raise ImportFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit_mb}
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:  # a size that lied
        raise ImportFileError(_("The file is larger than the limit of %(limit)s MB.") % {"limit": limit_mb})
    return decode_bytes(data)


def decode_bytes(data: bytes) -> str:
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _(
                "This is a spreadsheet workbook, not a CSV file. In your spreadsheet program choose "
                "“Save as” → “CSV UTF-8” and upload that."
            )
        )
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This is not a CSV file (it contains binary data)."))
    # UTF-8 only (with or without the BOM Excel writes). A cp1252 fallback would decode almost any
    # bytes and silently turn names like “Zoë” into “ZoÃ«”; refusing with a clear fix is safer.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (first bad byte at position %(pos)s). In your spreadsheet "
                "program choose “Save as” → “CSV UTF-8” and upload it again."
            )
            % {"pos": exc.start}
        ) from exc


def normalise_header(cell: str) -> str:
    """A header cell as the alias tables spell it: "First reply time (min)" → "first_reply_time_min"."""
    cell = cell.strip().lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "_", cell).strip("_")


_ALIASES = {spelling: column for column, spellings in COLUMNS.items() for spelling in spellings}


def csv_reader(text: str):
    """A csv.reader over `text` and its delimiter: Excel in many European locales saves "CSV" with
    semicolons (and then writes decimals with a comma)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), delimiter


def parse(text: str) -> ImportResult:
    """One ParsedRow per non-blank data row, with the errors a row shows on its own."""
    reader, _delimiter = csv_reader(text)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            column = _ALIASES.get(normalise_header(cell))
            if column and column not in positions:
                positions[column] = index
        missing = [COLUMN_LABELS[c] for c in REQUIRED_COLUMNS if c not in positions]
        if missing:
            raise ImportFileError(
                _(
                    "The first row must name the columns. Missing: %(missing)s. "
                    "Expected columns: %(expected)s."
                )
                % {"missing": ", ".join(missing), "expected": ", ".join(COLUMN_LABELS.values())}
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(_parse_row(number, cells, positions))
    except csv.Error as exc:
        raise ImportFileError(_("This file cannot be read as CSV: %(error)s") % {"error": exc}) from exc
    if not rows:
        raise ImportFileError(_("The file has a header row but no people in it."))
    return ImportResult(rows=rows, columns=frozenset(positions))


def _parse_row(number: int, cells: list[str], positions: Mapping[str, int]) -> ParsedRow:
    row = ParsedRow(row=number)
    for column, index in positions.items():
        raw = cells[index] if index < len(cells) else ""
        # A formula cell is never stored, whatever the column: it would run when exported again.
        if looks_like_formula(raw):
            row.error(
                column,
                _("looks like a spreadsheet formula; remove the leading “%(char)s”")
                % {"char": formula_char(raw)},
            )
            continue
        value = raw.strip()
        if column in MAX_LENGTHS and len(value) > MAX_LENGTHS[column]:
            row.error(column, _("is longer than %(n)s characters") % {"n": MAX_LENGTHS[column]})
            continue
        if column in ("hire_date", "leave_date"):
            if value:
                parsed = _parse_date(value)
                if parsed is None:
                    row.error(column, _("“%(value)s” is not a date like 2024-03-31") % {"value": value})
                elif not DATE_MIN <= parsed <= DATE_MAX:
                    row.error(
                        column,
                        _("“%(value)s” is not between %(min)s and %(max)s")
                        % {"value": value, "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
                    )
                    parsed = None
                setattr(row, column, parsed)
        elif column == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                row.error(column, _("“%(value)s” is not a valid email address") % {"value": value})
            row.email = value
        else:
            setattr(row, column, value)
    if not row.employee_id and not _has_error(row, "employee_id"):
        row.error("employee_id", _("is required"))
    if not row.full_name and not _has_error(row, "full_name"):
        row.error("full_name", _("is required"))
    if row.hire_date is None and not _has_error(row, "hire_date"):
        row.error("hire_date", _("is required"))
    if row.hire_date and row.leave_date and row.leave_date < row.hire_date:
        row.error("leave_date", _("is before the hire date"))
    if row.employee_id and row.manager_employee_id == row.employee_id:
        row.error("manager_employee_id", _("a person cannot be their own manager"))
    return row


def _has_error(row: ParsedRow, column: str) -> bool:
    label = COLUMN_LABELS[column]
    return any(error.column == label for error in row.errors)


def _parse_date(value: str) -> datetime.date | None:
    if not _ISO_DATE.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def validate(result: ImportResult, existing: Mapping[str, Existing]) -> ImportResult:
    """Add the errors that need the whole file and the database, and set each row's action.

    `existing` maps every employee id in the database to what it holds (selectors.import_snapshot).
    """
    first_row: dict[str, int] = {}
    for row in result.rows:
        if not row.employee_id:
            continue
        if row.employee_id in first_row:
            row.error(
                "employee_id",
                _("“%(id)s” is also on row %(row)s")
                % {"id": row.employee_id, "row": first_row[row.employee_id]},
            )
        else:
            first_row[row.employee_id] = row.row
    has_managers = "manager_employee_id" in result.columns
    has_leave = "leave_date" in result.columns
    in_file = {row.employee_id: row for row in result.rows if row.employee_id}
    for row in result.rows:
        if row.errors:
            continue
        manager = row.manager_employee_id
        if has_managers and manager and manager not in in_file and manager not in existing:
            row.error(
                "manager_employee_id",
                _("no one with employee id “%(id)s” is in this file or already in the system")
                % {"id": manager},
            )
        before = existing.get(row.employee_id)
        if not has_leave and before and before.leave_date and before.leave_date < row.hire_date:
            row.error(
                "hire_date",
                _("is after the leave date already recorded (%(date)s)")
                % {"date": before.leave_date.isoformat()},
            )
    if has_managers:
        _flag_cycles(result.rows, in_file, existing)
    for row in result.rows:
        row.action = _action(row, existing.get(row.employee_id), result.columns) if not row.errors else ""
    return result


def _flag_cycles(rows: list[ParsedRow], in_file: Mapping[str, ParsedRow], existing: Mapping[str, Existing]):
    """Mark each file row whose manager chain loops (file values override the database's)."""

    def manager_of(employee_id: str) -> str:
        if employee_id in in_file:
            return in_file[employee_id].manager_employee_id
        person = existing.get(employee_id)
        return person.manager_employee_id if person else ""

    done: set[str] = set()  # chains already walked to their end, or to a reported loop
    for row in rows:
        start = row.employee_id
        if not start or start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = manager_of(node)
        if node and node in on_path:
            loop = path[path.index(node) :]
            chain = " → ".join([*loop, node])
            # A one-person loop is "their own manager", already reported by parse().
            for member in loop if len(loop) > 1 else ():
                if member in in_file:
                    in_file[member].error(
                        "manager_employee_id", _("managers form a loop: %(chain)s") % {"chain": chain}
                    )
        done.update(path)


def _action(row: ParsedRow, before: Existing | None, columns: frozenset[str]) -> str:
    if before is None:
        return "create"
    changed = (
        row.full_name != before.full_name
        or row.email != before.email
        or row.team != before.team
        or row.hire_date != before.hire_date
        or ("leave_date" in columns and row.leave_date != before.leave_date)
        or ("manager_employee_id" in columns and row.manager_employee_id != before.manager_employee_id)
    )
    return "update" if changed else "unchanged"


def read(upload, existing: Mapping[str, Existing]) -> ImportResult:
    """decode_upload + parse + validate; raises ImportFileError for a file that cannot be read."""
    return validate(parse(decode_upload(upload)), existing)


EXPORT_HEADER = ["employee_id", "name", "email", "team", "manager_employee_id", "hire_date", "leave_date"]


def _safe_cell(value: str) -> str:
    # The export is opened in spreadsheets: neutralise a cell that would run as a formula.
    return neutralised(value)


def write_csv(people, out) -> None:
    """People in the import's own format, so an export can be edited and imported again."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for person in people:
        writer.writerow(
            [
                _safe_cell(value)
                for value in (
                    person.employee_id or "",
                    person.full_name,
                    person.email,
                    person.team.name if person.team else "",
                    person.manager.employee_id or "" if person.manager else "",
                    person.hire_date.isoformat(),
                    person.leave_date.isoformat() if person.leave_date else "",
                )
            ]
        )
