"""The CSV import: reading and checking (pure, no database) and applying (services)."""

import datetime
import types

import pytest

from people import importing, services
from people.importing import Existing, ImportFileError
from people.models import Person, Team
from tests.factories import PersonFactory, TeamFactory
from tests.people.helpers import HEADER, csv_text, generated_rows


def check(text: str, existing=None) -> importing.ImportResult:
    return importing.validate(importing.parse(text), existing or {})


def errors_of(result) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def existing(manager: str = "", **kwargs) -> Existing:
    values = {
        "full_name": "Old Name",
        "email": "old@example.com",
        "team": "Tier 1",
        "manager_employee_id": manager,
        "hire_date": datetime.date(2020, 1, 1),
        "leave_date": None,
    }
    return Existing(**(values | kwargs))


# --- reading the file ---------------------------------------------------------------------------


def test_a_clean_file_parses_into_rows_numbered_as_in_the_spreadsheet():
    result = check(
        csv_text(
            "E1,Ada Lovelace,ada@example.com,Tier 1,,2024-03-01,",
            "E2,Bo,bo@example.com,,E1,2024-03-02,2025-01-31",
        )
    )
    assert result.is_valid
    assert [r.row for r in result.rows] == [2, 3]
    ada, bo = result.rows
    assert (ada.employee_id, ada.full_name, ada.team, ada.hire_date) == (
        "E1",
        "Ada Lovelace",
        "Tier 1",
        datetime.date(2024, 3, 1),
    )
    assert (bo.manager_employee_id, bo.leave_date) == ("E1", datetime.date(2025, 1, 31))
    assert [r.action for r in result.rows] == ["create", "create"]


def test_other_header_spellings_a_bom_and_semicolons_are_accepted():
    text = (
        "\ufeffEmployee ID;Full Name;E-mail;Department;Manager's employee id;Hire Date\n"
        "E1;Ada;ada@example.com;Tier 1;;2024-03-01\n"
    )
    result = check(text)
    assert result.is_valid and result.rows[0].full_name == "Ada"
    assert "leave_date" not in result.columns


def test_missing_required_columns_are_named():
    with pytest.raises(ImportFileError, match="Missing: email, hire_date"):
        importing.parse("employee_id,name,team\nE1,Ada,Tier 1\n")


@pytest.mark.parametrize("data", [b"", b"  \n\n"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ImportFileError, match="empty"):
        importing.decode_bytes(data)


def test_a_header_without_rows_is_refused():
    with pytest.raises(ImportFileError, match="no people"):
        importing.parse(HEADER + "\n\n")


def test_a_file_that_is_not_utf8_is_refused_with_the_fix():
    data = csv_text("E1,Zoë,zoe@example.com,Tier 1,,2024-03-01,").encode("cp1252")
    with pytest.raises(ImportFileError, match="CSV UTF-8"):
        importing.decode_bytes(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"PK\x03\x04rest-of-a-zip", "spreadsheet workbook"), (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV")],
)
def test_a_workbook_or_binary_file_is_refused(data, message):
    with pytest.raises(ImportFileError, match=message):
        importing.decode_bytes(data)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    def read(*args):
        pytest.fail("the upload was read")

    big = types.SimpleNamespace(name="huge.csv", size=50 * 1024 * 1024, read=read)
    with pytest.raises(ImportFileError, match="50.0 MB; the limit is 10 MB"):
        importing.decode_upload(big)


def test_blank_lines_are_skipped():
    assert len(check(csv_text("", "E1,Ada,ada@example.com,,,2024-03-01,", ",,,,,,")).rows) == 1


# --- row errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tE1", "\rE1"])
def test_a_cell_that_looks_like_a_formula_is_a_row_error(cell):
    result = check(csv_text(f'E1,"{cell}",ada@example.com,,,2024-03-01,'))
    assert not result.is_valid
    assert [(row, column) for row, column, _ in errors_of(result)] == [(2, "name")]
    assert "looks like a spreadsheet formula" in result.errors[0].message


def test_a_formula_in_any_column_is_caught():
    result = check(csv_text("=1,Ada,ada@example.com,=cmd|x,,2024-03-01,"))
    assert {column for _, column, _ in errors_of(result)} == {"employee_id", "team"}


def test_invalid_email_dates_and_leave_before_hire_are_row_errors():
    result = check(
        csv_text(
            "E1,Ada,not-an-email,,,2024-03-01,",
            "E2,Bo,bo@example.com,,,01/03/2024,",
            "E3,Cy,cy@example.com,,,2024-02-30,",
            "E4,Di,di@example.com,,,2024-03-01,2024-02-01",
            "E5,Ed,ed@example.com,,,,",
        )
    )
    assert [(row, column) for row, column, _ in errors_of(result)] == [
        (2, "email"),
        (3, "hire_date"),
        (4, "hire_date"),
        (5, "leave_date"),
        (6, "hire_date"),
    ]
    assert "is before the hire date" in result.errors[3].message
    assert "not a date like 2024-03-31" in result.errors[1].message


def test_missing_employee_id_or_name_is_a_row_error():
    result = check(csv_text(",Ada,ada@example.com,,,2024-03-01,", "E2,,bo@example.com,,,2024-03-01,"))
    assert [(r, c, m) for r, c, m in errors_of(result)] == [
        (2, "employee_id", "is required"),
        (3, "name", "is required"),
    ]


def test_duplicate_employee_ids_in_the_file_point_at_the_first():
    result = check(
        csv_text("E1,Ada,ada@example.com,,,2024-03-01,", "E1,Ada Again,ada2@example.com,,,2024-03-01,")
    )
    assert errors_of(result) == [(3, "employee_id", "“E1” is also on row 2")]


def test_a_manager_later_in_the_file_is_found():
    result = check(csv_text("E2,Bo,bo@example.com,,E1,2024-03-01,", "E1,Ada,ada@example.com,,,2020-01-01,"))
    assert result.is_valid


def test_a_manager_already_in_the_database_is_found():
    assert check(csv_text("E2,Bo,bo@example.com,,M1,2024-03-01,"), {"M1": existing()}).is_valid


def test_an_unknown_manager_is_a_row_error():
    result = check(csv_text("E2,Bo,bo@example.com,,NOPE,2024-03-01,"))
    assert errors_of(result) == [
        (2, "manager_employee_id", "no one with employee id “NOPE” is in this file or already in the system")
    ]


def test_a_person_cannot_be_their_own_manager():
    result = check(csv_text("E1,Ada,ada@example.com,,E1,2024-03-01,"))
    assert errors_of(result) == [(2, "manager_employee_id", "a person cannot be their own manager")]


def test_a_manager_loop_in_the_file_is_an_error_on_each_row_in_it():
    result = check(
        csv_text(
            "E1,Ada,ada@example.com,,E2,2024-03-01,",
            "E2,Bo,bo@example.com,,E3,2024-03-01,",
            "E3,Cy,cy@example.com,,E1,2024-03-01,",
            "E4,Di,di@example.com,,E1,2024-03-01,",
        )
    )
    assert [(row, column) for row, column, _ in errors_of(result)] == [
        (2, "manager_employee_id"),
        (3, "manager_employee_id"),
        (4, "manager_employee_id"),
    ]
    assert "managers form a loop: E1 → E2 → E3 → E1" in result.errors[0].message


def test_a_loop_through_someone_already_in_the_database_is_caught():
    # M1 is managed by E1 in the database; the file makes M1 E1's manager.
    result = check(csv_text("E1,Ada,ada@example.com,,M1,2024-03-01,"), {"M1": existing(manager="E1")})
    assert [column for _, column, _ in errors_of(result)] == ["manager_employee_id"]


def test_rows_are_classed_as_create_update_or_unchanged():
    before = {
        "E1": existing(full_name="Ada", email="ada@example.com", team="Tier 1"),
        "E2": existing(full_name="Bo", email="bo@example.com", team="Tier 1"),
    }
    result = check(
        csv_text(
            "E1,Ada,ada@example.com,Tier 1,,2020-01-01,",
            "E2,Bo,bo@example.com,Tier 2,,2020-01-01,",
            "E3,Cy,cy@example.com,Tier 1,,2020-01-01,",
        ),
        before,
    )
    assert [r.action for r in result.rows] == ["unchanged", "update", "create"]


# --- applying -------------------------------------------------------------------------------------


def apply(text: str) -> services.ImportCounts:
    return services.people_import_apply(text=text)


def test_apply_creates_people_teams_and_managers_that_come_later(db):
    counts = apply(
        csv_text(
            "E2,Bo Report,bo@example.com,Tier 9,E1,2024-03-01,",
            "E1,Ada Lead,ada@example.com,Tier 9,,2019-01-01,2026-01-31",
        )
    )
    assert counts == services.ImportCounts(created=2, updated=0, unchanged=0)
    bo = Person.objects.select_related("manager", "team").get(employee_id="E2")
    assert bo.manager.employee_id == "E1" and bo.team.name == "Tier 9"
    assert Person.objects.get(employee_id="E1").leave_date == datetime.date(2026, 1, 31)
    assert Team.objects.filter(name="Tier 9").count() == 1


def test_reimporting_the_same_file_updates_instead_of_duplicating(db):
    text = csv_text(
        "E2,Bo,bo@example.com,Tier 1,E1,2024-03-01,", "E1,Ada,ada@example.com,Tier 1,,2019-01-01,"
    )
    apply(text)
    assert apply(text) == services.ImportCounts(created=0, updated=0, unchanged=2)
    changed = text.replace("Bo,bo@", "Bo Changed,bo@")
    assert apply(changed) == services.ImportCounts(created=0, updated=1, unchanged=1)
    assert Person.objects.count() == 2
    assert Person.objects.get(employee_id="E2").full_name == "Bo Changed"


def test_import_updates_an_existing_person_and_moves_their_manager(db):
    old_manager = PersonFactory(employee_id="M0")
    PersonFactory(employee_id="E1", full_name="Ada", manager=old_manager, team=TeamFactory(name="Tier 1"))
    apply(
        csv_text(
            "E1,Ada Lovelace,ada@example.com,Tier 2,M1,2024-03-01,",
            "M1,New Lead,lead@example.com,Tier 2,,2018-01-01,",
        )
    )
    ada = Person.objects.select_related("manager", "team").get(employee_id="E1")
    assert (ada.full_name, ada.team.name, ada.manager.employee_id) == ("Ada Lovelace", "Tier 2", "M1")


def test_a_file_without_manager_or_leave_columns_leaves_them_alone(db):
    lead = PersonFactory(employee_id="M1")
    PersonFactory(employee_id="E1", manager=lead, leave_date=datetime.date(2027, 1, 1))
    apply(
        csv_text("E1,Ada,ada@example.com,Tier 1,2024-03-01", header="employee_id,name,email,team,hire_date")
    )
    ada = Person.objects.get(employee_id="E1")
    assert ada.manager == lead and ada.leave_date == datetime.date(2027, 1, 1)


def test_a_failed_import_saves_nothing(db):
    text = csv_text("E1,Ada,ada@example.com,New Team,,2024-03-01,", "E2,Bo,bo@example.com,,NOPE,2024-03-01,")
    with pytest.raises(services.ImportRejected, match="row 3, manager_employee_id"):
        apply(text)
    assert not Person.objects.exists() and not Team.objects.filter(name="New Team").exists()


def test_a_large_file_is_written_in_batches_not_row_by_row(db, django_assert_max_num_queries):
    rows = generated_rows(3_000)
    # One statement per batch: on PostgreSQL about 10 in all; SQLite caps a statement at 999
    # parameters, so there about 60. A query per row would be over 3,000.
    # Audit history: each batch's people get their history rows in batches too (PostgreSQL: one
    # statement per 1,000; SQLite: about 45 more in all, 107 measured).
    with django_assert_max_num_queries(110):
        counts = apply(csv_text(*rows))
    assert counts.created == 3_000
    assert Person.objects.filter(manager__isnull=False).count() == 2_700


def test_an_update_writes_every_column_including_clearing_a_manager(db):
    lead = PersonFactory(employee_id="M1")
    PersonFactory(employee_id="E1", manager=lead, team=TeamFactory(name="Tier 1"))
    apply(csv_text("E1,Ada Renamed,new@example.com,Tier 7,,2023-05-06,2026-12-31"))
    ada = Person.objects.select_related("team").get(employee_id="E1")
    assert (ada.full_name, ada.email, ada.team.name, ada.manager, ada.hire_date, ada.leave_date) == (
        "Ada Renamed",
        "new@example.com",
        "Tier 7",
        None,
        datetime.date(2023, 5, 6),
        datetime.date(2026, 12, 31),
    )
