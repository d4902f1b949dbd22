"""The history pages in a real Chromium, with axe-core: an admin goes from a cohort to its history
and back, and reads a person's history from the people list."""

import pytest
from playwright.sync_api import expect

from mentorship.history import attribute
from programmes.models import Cohort
from tests.browser import assert_accessible, login

pytestmark = pytest.mark.browser


def test_admin_reads_a_cohorts_history_and_goes_back(page, live_server, world):
    cohort = world.cohort
    cohort.cadence_days = 7
    cohort.team_rule = Cohort.TeamRule.SAME
    attribute(cohort, by=world.admin, reason="Shift pattern changed")
    cohort.save()
    login(page, live_server, "admin")

    page.goto(f"{live_server.url}/programmes/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="History", exact=True).click()

    expect(page.get_by_role("heading", level=1, name=f"History of {cohort}")).to_be_visible()
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("Shift pattern changed")
    expect(first).to_contain_text("Same team only")
    assert_accessible(page)

    page.get_by_role("link", name="← Cohort", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=cohort.name)).to_be_visible()


def test_a_persons_history_from_the_people_list_is_accessible(page, live_server, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/people/?q=Ada")
    page.get_by_role("link", name="History of Ada Mentee").click()
    expect(page.get_by_role("heading", level=1, name="History of Ada Mentee")).to_be_visible()
    expect(page.get_by_text("Created")).to_be_visible()
    assert_accessible(page)
