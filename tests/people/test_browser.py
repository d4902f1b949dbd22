"""The people pages in a real Chromium, with axe-core on each: list, import preview, job page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from people import services
from people.models import ImportJob
from tests.browser import assert_accessible, login
from tests.people.helpers import csv_text, generated_rows

pytestmark = pytest.mark.browser


def test_admin_imports_people_through_accessible_pages(page, live_server, world, monkeypatch):
    monkeypatch.setattr(services, "ASYNC_THRESHOLD_ROWS", 50)
    login(page, live_server, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1, name="Import people")).to_be_visible()
    assert_accessible(page)

    bad = csv_text("E1,=1+1,ada@example.com,,,2024-03-01,", "E2,Bo,nope,,E404,2024-03-01,")
    page.get_by_label("CSV file from the HR system").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=2, name="Errors")).to_be_visible()
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
    assert_accessible(page)

    good = csv_text(*generated_rows(60))
    page.get_by_label("CSV file from the HR system").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=2, name="Preview")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Apply the import").click()

    # Above the (lowered) threshold the import goes to Celery, which runs eagerly in tests.
    expect(page.get_by_role("heading", level=1, name="People import")).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("Done: 60 created")
    assert_accessible(page)

    page.get_by_role("link", name="See the people").click()
    page.get_by_label("Search name, email, employee id or team").fill("E59")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("cell", name="E59", exact=True)).to_be_visible()
    page.get_by_role("checkbox", name="Select Person 59").check()
    assert_accessible(page)


def test_job_page_polls_and_announces_when_a_worker_finishes(page, live_server, world):
    job = ImportJob.objects.create(
        created_by=world.admin, filename="big.csv", total_rows=5_000, processed_rows=1_000, status="running"
    )
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{reverse('people:import-job', args=[job.pk])}")
    expect(page.locator("#import-status")).to_contain_text("Running: 1000 of 5000 rows")
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute("aria-valuenow", "20")
    assert_accessible(page)
    # The worker (elsewhere) finishes; the page notices within a second or two, without a reload.
    ImportJob.objects.filter(pk=job.pk).update(
        status="done", processed_rows=5_000, created_count=4_000, updated_count=900, unchanged_count=100
    )
    expect(page.locator("#import-status")).to_have_text("Done: 4000 created, 900 updated, 100 unchanged.")
    expect(page.get_by_role("link", name="See the people")).to_be_visible()
    assert_accessible(page)
