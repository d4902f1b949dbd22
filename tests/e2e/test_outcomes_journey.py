"""The outcomes dashboard in a real Chromium, with axe on every page: a manager opens it, filters
to a cohort, reads a chart's table, exports a panel's CSV and opens the printable report."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, login
from tests.factories import (
    CheckInFactory,
    EnrolmentFactory,
    PairingFactory,
    PersonFactory,
    SessionFactory,
    build_world,
)

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def team_in_mentoring(transactional_db):
    today = timezone.localdate()
    world = build_world(today=today)
    world.cohort.starts_on, world.cohort.ends_on = today - 60 * DAY, today + 120 * DAY
    world.cohort.save()
    for score in (5, 4, 4, 3, 4, 5):
        person = PersonFactory(team=world.teams[0], manager=world.manager, hire_date=today - 200 * DAY)
        pairing = PairingFactory(
            match_run=world.run,
            mentee=EnrolmentFactory(cohort=world.cohort, person=person),
            started_on=today - 50 * DAY,
        )
        SessionFactory(pairing=pairing, held_on=today - 5 * DAY, logged_by=person)
        CheckInFactory(pairing=pairing, person=person, satisfaction=score)
    return world


def test_manager_filters_reads_a_chart_table_exports_and_prints(page: Page, live_server, team_in_mentoring):
    world = team_in_mentoring
    login(page, live_server, "manager")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Cohort").select_option(label=str(world.cohort))
    page.get_by_role("button", name="Apply").click()
    assert f"cohort={world.cohort.pk}" in page.url
    engagement = page.locator('[data-panel="engagement"]')
    expect(engagement.get_by_role("img")).to_have_count(1)
    this_month = engagement.locator('table[data-table="chart"] tbody tr').last
    expect(this_month.locator("td").first).to_have_text("8")  # pairs running: the world's two and six
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Satisfaction as CSV").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        text = exported.read()
    assert "Pulse check-ins (1–5),4.2," in text

    page.get_by_role("link", name="Printable outcome report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcome report")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
