"""Reading helpdesk exports: every column alias, month, duration and percentage format, and the row
errors (pure: no database)."""

import datetime
from decimal import Decimal

import pytest

from kpis import importing
from people.importing import ImportFileError

TODAY = datetime.date(2026, 11, 2)
AGENTS = importing.Agents(
    by_employee_id={"E1": 1, "E2": 2, "E3": 3},
    by_email={"ada@example.com": (1,), "bo@example.com": (2,), "shared@example.com": (4, 5)},
)


def parse(text: str) -> importing.KpiImportResult:
    return importing.parse(text, today=TODAY)


def check(text: str, stored=()) -> importing.KpiImportResult:
    return importing.validate(parse(text), agents=AGENTS, stored=stored)


# --- column names of the common exports -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # Zendesk Explore
        (
            "Assignee email,Ticket solved - Year month,Satisfaction score,First reply time (min),"
            "Full resolution time (hrs),Solved tickets,Assignee name",
            {
                "email": "Assignee email",
                "month": "Ticket solved - Year month",
                "csat": "Satisfaction score",
                "first_response_minutes": "First reply time (min)",
                "resolution_minutes": "Full resolution time (hrs)",
                "tickets_solved": "Solved tickets",
            },
        ),
        # Freshdesk
        (
            "Agent email,Month,CSAT %,Average first response time,Average resolution time,Tickets resolved",
            {
                "email": "Agent email",
                "month": "Month",
                "csat": "CSAT %",
                "first_response_minutes": "Average first response time",
                "resolution_minutes": "Average resolution time",
                "tickets_solved": "Tickets resolved",
            },
        ),
        # Intercom
        (
            "Teammate email,Date,CSAT score,Median first response time,Median time to close,"
            "Closed conversations",
            {
                "email": "Teammate email",
                "month": "Date",
                "csat": "CSAT score",
                "first_response_minutes": "Median first response time",
                "resolution_minutes": "Median time to close",
                "tickets_solved": "Closed conversations",
            },
        ),
        # Help Scout
        (
            "User email,Period,Customer satisfaction,Response time (hours),Resolution time (hours),Resolved",
            {
                "email": "User email",
                "month": "Period",
                "csat": "Customer satisfaction",
                "first_response_minutes": "Response time (hours)",
                "resolution_minutes": "Resolution time (hours)",
                "tickets_solved": "Resolved",
            },
        ),
        # Gorgias
        (
            "Agent email,Month,Satisfaction rate,First response time,Resolution time,Tickets closed",
            {
                "email": "Agent email",
                "month": "Month",
                "csat": "Satisfaction rate",
                "first_response_minutes": "First response time",
                "resolution_minutes": "Resolution time",
                "tickets_solved": "Tickets closed",
            },
        ),
        # Salesforce Service Cloud
        (
            "Case Owner Email,Closed Date by Calendar Month,Customer Satisfaction (CSAT),"
            "Time to First Response (Minutes),Time to Resolution (Hours),Cases Closed",
            {
                "email": "Case Owner Email",
                "month": "Closed Date by Calendar Month",
                "csat": "Customer Satisfaction (CSAT)",
                "first_response_minutes": "Time to First Response (Minutes)",
                "resolution_minutes": "Time to Resolution (Hours)",
                "tickets_solved": "Cases Closed",
            },
        ),
        # A QA tool and an HR id
        (
            "Employee ID,Month,Internal Quality Score (IQS)",
            {"employee_id": "Employee ID", "month": "Month", "qa_score": "Internal Quality Score (IQS)"},
        ),
        (
            "employee_id;month;qa score",
            {"employee_id": "employee_id", "month": "month", "qa_score": "qa score"},
        ),
    ],
)
def test_the_column_names_of_common_helpdesk_exports_are_recognised(header, expected):
    cells = header.split(";") if ";" in header else header.split(",")
    found = importing.find_columns(cells)
    assert {name: column.header for name, column in found.items()} == expected


@pytest.mark.parametrize(
    ("header", "minutes_per_unit"),
    [
        ("First reply time (min)", 1),
        ("First reply time (minutes)", 1),
        ("First reply time", 1),
        ("First reply time (hrs)", 60),
        ("First reply time in hours", 60),
        ("First reply time (h)", 60),
        ("First response time (seconds)", 1 / 60),
        ("Full resolution time (days)", 1440),
    ],
)
def test_a_unit_in_the_column_name_is_the_unit_of_a_bare_number(header, minutes_per_unit):
    column = importing.find_columns([header])
    assert list(column) == ["first_response_minutes" if "first" in header.lower() else "resolution_minutes"]
    assert next(iter(column.values())).minutes_per_unit == minutes_per_unit


def test_full_resolution_time_wins_over_first_resolution_time_whatever_the_order():
    found = importing.find_columns(["First resolution time", "Full resolution time"])
    assert found["resolution_minutes"].header == "Full resolution time"


def test_every_listed_spelling_is_recognised():
    for column, spellings in importing.accepted_columns().items():
        for spelling in spellings:
            assert column in importing.find_columns([spelling.title()]), spelling


# --- cell formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-03",
        "2026/03",
        "2026-3",
        "03/2026",
        "3/2026",
        "03-2026",
        "03.2026",
        "March 2026",
        "march 2026",
        "Mar 2026",
        "Mar. 2026",
        "Sept 2026".replace("Sept", "Mar"),
        "March, 2026",
        "2026 March",
        "2026-Mar",
        "1 March 2026",
        "2026-03-01",
        "2026-03-31",
        "2026/03/15",
        "2026-03-01 00:00:00",
        "2026-03-01T00:00:00Z",
        "15/03/2026",
        "03/15/2026",
        "03/03/2026",
    ],
)
def test_months_are_read_in_every_common_spelling(value):
    assert importing.parse_month(value) == datetime.date(2026, 3, 1)


def test_september_is_also_sept():
    assert importing.parse_month("Sept 2026") == datetime.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("03/04/2026", "could be read as day/month or month/day"),
        ("13/2026", "is not a month like 2026-03"),
        ("2026-02-30", "is not a date"),
        ("Smarch 2026", "is not a month like"),
        ("26-03", "is not a month like"),
        ("0000-03", "is not a month like"),
    ],
)
def test_a_month_that_cannot_be_read_says_why(value, message):
    with pytest.raises(ValueError, match=message):
        importing.parse_month(value)


@pytest.mark.parametrize(
    ("value", "unit", "minutes"),
    [
        ("45", 1, "45.0"),
        ("45.25", 1, "45.3"),
        ("45 min", 1, "45.0"),
        ("45m", 1, "45.0"),
        ("45 minutes", 1, "45.0"),
        ("1.5 h", 1, "90.0"),
        ("1.5h", 1, "90.0"),
        ("1.5 hrs", 1, "90.0"),
        ("2 hours", 1, "120.0"),
        ("1h 30m", 1, "90.0"),
        ("1h30m", 1, "90.0"),
        ("1 h 5 min 30 s", 1, "65.5"),
        ("2d 4h", 1, "3120.0"),
        ("90 s", 1, "1.5"),
        ("01:30", 1, "90.0"),
        ("1:30", 1, "90.0"),
        ("01:30:15", 1, "90.3"),
        ("26:00:00", 1, "1560.0"),
        ("1.5", 60, "90.0"),  # the column says hours
        ("90", 1 / 60, "1.5"),  # the column says seconds
        ("1.5 h", 1440, "90.0"),  # a unit in the cell wins over the column's
        ("1,234", 1, "1234.0"),
    ],
)
def test_durations_become_minutes(value, unit, minutes):
    assert importing.parse_duration(value, minutes_per_unit=unit) == Decimal(minutes)


def test_a_semicolon_file_writes_decimals_with_a_comma():
    assert importing.parse_duration("1,5", minutes_per_unit=60, decimal_comma=True) == Decimal("90.0")
    assert importing.parse_percentage("87,5 %", decimal_comma=True) == Decimal("87.50")
    assert importing.parse_count("1.234", decimal_comma=True) == 1234


@pytest.mark.parametrize("value", ["soon", "1 fortnight", "-5", "1:75", "h", "45 min extra", "NaN", "1e3"])
def test_a_duration_that_cannot_be_read_is_refused(value):
    with pytest.raises(ValueError, match="is not a duration like 45"):
        importing.parse_duration(value)


def test_a_duration_over_ten_years_is_a_unit_mistake():
    with pytest.raises(ValueError, match="longer than ten years"):
        importing.parse_duration("99999", minutes_per_unit=1440)


@pytest.mark.parametrize(
    ("value", "percent"),
    [
        ("87", "87.00"),
        ("87%", "87.00"),
        ("87 %", "87.00"),
        ("87.456", "87.46"),
        ("0.87", "87.00"),
        ("0.875", "87.50"),
        ("1", "100.00"),
        ("1%", "1.00"),
        ("0", "0.00"),
        ("100", "100.00"),
    ],
)
def test_percentages_are_read_as_87_or_87_percent_or_a_fraction(value, percent):
    assert importing.parse_percentage(value) == Decimal(percent)


@pytest.mark.parametrize(
    ("value", "message"), [("101", "between 0 and 100"), ("-3", "negative"), ("high", "not a number")]
)
def test_a_percentage_out_of_range_is_refused(value, message):
    with pytest.raises(ValueError, match=message):
        importing.parse_percentage(value)


@pytest.mark.parametrize(("value", "count"), [("120", 120), ("1,234", 1234), ("120.0", 120), ("1 234", 1234)])
def test_tickets_solved_is_a_whole_number(value, count):
    assert importing.parse_count(value) == count


@pytest.mark.parametrize("value", ["1.5", "lots", "99999999999"])
def test_tickets_solved_that_is_not_a_whole_number_is_refused(value):
    with pytest.raises(ValueError):
        importing.parse_count(value)


def test_blank_dash_and_na_cells_are_no_figure_not_zero():
    result = parse("Agent email,Month,CSAT,Solved tickets,QA score\nada@example.com,2026-03,-,N/A,\n")
    row = result.rows[0]
    assert (row.csat, row.tickets_solved, row.qa_score) == (None, None, None)
    assert not row.errors and not row.has_figures()


# --- whole files ----------------------------------------------------------------------------------


def test_a_file_is_read_into_rows_with_their_spreadsheet_numbers():
    result = parse(
        "Agent email,Month,CSAT %,First reply time (hrs),Full resolution time,Solved tickets,QA score\n"
        'Ada@Example.com,March 2026,87%,1.5,1h 30m,"1,234",0.91\n'
        "\n"
        "bo@example.com,2026-03,90,01:30,2 days,12,88\n"
    )
    first, second = result.rows
    assert (first.row, second.row) == (2, 4)
    assert first.email == "ada@example.com"
    assert (first.month, first.csat, first.first_response_minutes, first.resolution_minutes) == (
        datetime.date(2026, 3, 1),
        Decimal("87.00"),
        Decimal("90.0"),
        Decimal("90.0"),
    )
    assert (first.tickets_solved, first.qa_score) == (1234, Decimal("91.00"))
    assert second.resolution_minutes == Decimal("2880.0")
    assert result.figures == importing.FIGURES


def test_row_errors_name_the_row_and_the_files_own_column():
    result = parse(
        "Agent email,Month,Satisfaction score,First reply time,Solved tickets\n"
        "ada@example.com,13/2026,101,soon,1.5\n"
        "bo@example.com,,87,5,3\n"
        ",2026-03,87,5,3\n"
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Month", "“13/2026” is not a month like 2026-03, 03/2026, March 2026 or 2026-03-01"),
        (2, "Satisfaction score", "“101” is not a percentage between 0 and 100"),
        (2, "First reply time", "“soon” is not a duration like 45 (minutes), 1.5 h, 1h 30m or 01:30"),
        (2, "Solved tickets", "“1.5” is not a whole number"),
        (3, "Month", "is required"),
        (4, "Agent email", "names no agent"),
    ]


def test_a_month_that_has_not_started_is_refused():
    result = parse("Agent email,Month,CSAT\nada@example.com,2026-12,90\nbo@example.com,2026-11,90\n")
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "“2026-12” is a month that has not started yet")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Assignee name,Month,CSAT\nAda,2026-03,90\n", "the agent's email or employee id"),
        ("Agent email,CSAT\nada@example.com,90\n", "the month"),
        ("Agent email,Month,Assignee name\nada@example.com,2026-03,Ada\n", "at least one figure"),
        ("Agent email,Month,CSAT\n", "no agents in it"),
    ],
)
def test_a_file_without_the_columns_it_needs_is_refused_as_a_whole(text, message):
    with pytest.raises(ImportFileError, match=message):
        parse(text)


def test_agents_are_found_by_employee_id_or_email_and_unknown_ones_are_row_errors():
    result = check(
        "Employee ID,Agent email,Month,CSAT\n"
        "E1,,2026-03,90\n"
        ",BO@example.com,2026-03,80\n"
        "E9,,2026-03,70\n"
        ",nobody@example.com,2026-03,70\n"
        ",shared@example.com,2026-03,70\n"
        "E3,ada@example.com,2026-03,70\n"
    )
    assert [row.person_id for row in result.rows[:2]] == [1, 2]
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "Employee ID / Agent email", "no one has the employee id “E9”"),
        (5, "Employee ID / Agent email", "no one has the email “nobody@example.com”"),
        (
            6,
            "Employee ID / Agent email",
            "several people share the email “shared@example.com”: add an employee id column",
        ),
        (
            7,
            "Employee ID / Agent email",
            "employee id “E3” and email “ada@example.com” are two different people",
        ),
    ]


def test_two_rows_for_one_agent_and_month_are_a_row_error_even_when_named_differently():
    result = check(
        "Employee ID,Agent email,Month,CSAT\nE1,,2026-03,90\n,ada@example.com,March 2026,80\nE1,,2026-04,80\n"
    )
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "ada@example.com already has a row for 2026-03 (row 2)")
    ]
    assert not result.is_valid


def test_validate_says_what_each_row_does_and_counts_what_the_file_clears():
    stored = {(1, datetime.date(2026, 3, 1)), (3, datetime.date(2026, 3, 1)), (2, datetime.date(2026, 3, 1))}
    result = check(
        "Employee ID,Month,CSAT\nE1,2026-03,90\nE2,2026-03,-\nE3,2026-04,85\n",
        stored=stored,
    )
    assert [row.action for row in result.rows] == ["replace", "empty", "create"]
    # E2's row has no figures, and E3 is stored for March but the file names E3 only for April.
    assert result.cleared == 2
    assert (result.count("create"), result.count("replace"), result.count("empty")) == (1, 1, 1)


def test_a_semicolon_separated_excel_export_with_decimal_commas_is_read():
    result = parse(
        "Agent email;Month;CSAT %;First reply time (hrs);Solved tickets\n"
        "ada@example.com;03/2026;87,5;1,5;1.234\n"
    )
    (row,) = result.rows
    assert (row.csat, row.first_response_minutes, row.tickets_solved) == (
        Decimal("87.50"),
        Decimal("90.0"),
        1234,
    )
