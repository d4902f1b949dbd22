"""One definition of a formula cell, for the import and every CSV export."""

import pytest

from mentorship.spreadsheets import looks_like_formula, neutralised
from people import importing
from sessions.export import safe_cell
from tests.people.helpers import csv_text


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "   @SUM(A1)", "\t=cmd", " \t+1", "\u00a0-2", "\rE1"])
def test_a_formula_is_a_formula_with_spaces_before_it(cell):
    assert looks_like_formula(cell)
    assert neutralised(cell) == "'" + cell
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ada", "a=b", "E-1", "", " x"])
def test_ordinary_text_is_left_alone(cell):
    assert not looks_like_formula(cell)
    assert neutralised(cell) == cell


def test_the_import_refuses_a_formula_after_a_leading_space():
    result = importing.validate(
        importing.parse(csv_text('E1," =HYPERLINK(""http://x"")",ada@example.com,,,2024-03-01,')), {}
    )
    assert not result.is_valid
    assert "looks like a spreadsheet formula; remove the leading “=”" in result.errors[0].message


def test_the_import_refuses_dates_near_year_1_and_9999():
    result = importing.validate(
        importing.parse(
            csv_text("E1,Ada,ada@example.com,,,0001-01-01,", "E2,Bo,bo@example.com,,,2024-03-01,9999-12-31")
        ),
        {},
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "hire_date"), (3, "leave_date")]
    assert "not between 1900-01-01 and 2100-12-31" in result.errors[0].message
