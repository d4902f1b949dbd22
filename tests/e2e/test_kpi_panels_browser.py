"""A manager reads the support-KPI and ramp-up panels in a real Chromium, with axe; the mentee reads
their own figures on the pair's workspace."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, login
from tests.dashboards.kpi_data import did_world, ramp_world
from tests.factories import AgentMonthFactory, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def org(transactional_db):
    cache.clear()
    world = build_world(today=datetime.date(2026, 11, 2))
    world.spring = did_world(world.manager).cohort
    ramp_world(world.manager)
    AgentMonthFactory(person=world.mentee, month=datetime.date(2026, 6, 1), csat=Decimal("91.50"))
    yield world
    cache.clear()


def test_manager_reads_the_kpi_panels_and_exports_a_csv(page: Page, live_server, org):
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/dashboard/kpis/")
    assert_accessible(page)
    page.get_by_label("Cohort").select_option(label=str(org.spring))
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"cohort={org.spring.pk}"))
    expect(
        page.get_by_role("heading", name="Support KPIs before, during and after mentoring")
    ).to_be_visible()
    csat = page.locator("table", has_text="CSAT (%): mean before, during and after mentoring")
    expect(csat.get_by_role("row", name="Before")).to_contain_text("83.0")
    expect(csat.get_by_role("row", name="During")).to_contain_text("+6.0 (+2.1 to +9.9)")
    expect(page.get_by_role("img", name="CSAT (%)")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Support KPIs before, during and after mentoring as CSV").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        text = exported.read()
    assert "Before,83.0,5,10,82.0,5,5,–" in text


def test_mentee_reads_their_own_figures_on_the_workspace(page: Page, live_server, org):
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}{org.pair.get_absolute_url()}")
    section = page.locator("[data-section=kpi-trend]")
    expect(section).to_contain_text("Jun 2026")
    expect(section).to_contain_text("91.5 %")
    assert_accessible(page)
