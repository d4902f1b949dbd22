"""The KPI import in a real Chromium, with axe-core on each page: upload → preview → apply."""

import pytest
from playwright.sync_api import expect

from kpis import services
from kpis.models import AgentMonth
from tests.browser import assert_accessible, login, open_admin_menu
from tests.kpis.helpers import csv_text

pytestmark = pytest.mark.browser

LABEL = "CSV file from the helpdesk"


def choose(page, name: str, text: str) -> None:
    page.get_by_label(LABEL).set_input_files({"name": name, "mimeType": "text/csv", "buffer": text.encode()})
    page.get_by_role("button", name="Check the file").click()


def test_admin_imports_support_kpis_through_accessible_pages(page, live_server, world, monkeypatch):
    login(page, live_server, "admin")
    open_admin_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Support KPIs").click()
    expect(page.get_by_role("heading", level=1, name="Import support KPIs")).to_be_visible()
    expect(page.get_by_text("Accepted columns and formats")).to_be_visible()
    expect(page.get_by_text("No figures imported yet.")).to_be_visible()
    assert_accessible(page)

    choose(
        page,
        "bad.csv",
        csv_text("nobody@example.com,2026-03,87,1,1,1,1", "mentor@example.com,13/2026,87,1,1,1,1"),
    )
    expect(page.get_by_role("heading", level=2, name="Errors")).to_be_visible()
    expect(page.get_by_role("cell", name="no one has the email “nobody@example.com”")).to_be_visible()
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
    assert_accessible(page)

    choose(
        page,
        "march.csv",
        csv_text(
            "mentor@example.com,March 2026,87%,1.5 h,01:30,120,0.9",
            "mentee@example.com,2026-03,75,30,2 days,40,",
        ),
    )
    expect(page.get_by_role("heading", level=2, name="Preview")).to_be_visible()
    expect(page.get_by_text("2 agent-months to create")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_text("Import applied. Done: 2 created, 0 replaced, 0 cleared.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Months on record")).to_be_visible()
    assert_accessible(page)
    assert AgentMonth.objects.count() == 2

    # A larger file goes to Celery (eager in tests) and its page follows the progress.
    monkeypatch.setattr(services, "ASYNC_THRESHOLD_ROWS", 1)
    choose(
        page,
        "again.csv",
        csv_text("mentor@example.com,2026-03,90,1,1,1,1", "outsider@example.com,2026-03,80,1,1,1,1"),
    )
    expect(page.get_by_text("1 stored agent-month not in the file to clear")).to_be_visible()
    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_role("heading", level=1, name="KPI import")).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("Done: 1 created, 1 replaced, 1 cleared.")
    assert_accessible(page)
    page.get_by_role("link", name="Import another file").click()
    expect(page.get_by_role("heading", level=1, name="Import support KPIs")).to_be_visible()
