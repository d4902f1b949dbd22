"""A SMART goal from first word to celebration, in a real Chromium with axe on every page.

The mentee writes the goal one part at a time from a template (the form refuses a target equal to
the baseline and a due date after the cohort, keeping what was typed), records progress, the mentor
comments, and the mentee confirms the suggested "achieved" and sees the celebration.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_out, login

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def default_templates(world):
    """Migration 0003 installs them; live-server tests flush the database between tests."""
    from sessions import goals

    goals.ensure_default_templates()


@pytest.fixture
def pair(world):
    # The live server runs on the real clock: give the cohort room around today.
    cohort = world.pair.cohort
    cohort.ends_on = timezone.localdate() + datetime.timedelta(days=120)
    cohort.save(update_fields=["ends_on"])
    return world.pair


def _write_the_goal(page: Page, live_server, pair) -> None:
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}/pairings/{pair.pk}/goals/new/")
    expect(page.get_by_role("heading", level=1, name="New SMART goal")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Fewer escalations").click()
    expect(page.get_by_role("heading", name="Step 1 of 5: Specific")).to_be_visible()
    expect(page.get_by_label("Specific")).to_have_value("Resolve billing questions without escalating them")
    assert_accessible(page)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 2 of 5: Measurable")).to_be_visible()
    expect(page.get_by_label("Measurable")).to_have_value("Billing escalations per week")
    page.get_by_label("Baseline").fill("6")
    page.get_by_label("Target").fill("6")
    page.get_by_role("button", name="Next").click()
    # Refused with the reason next to the field, and nothing typed is lost.
    expect(page.get_by_role("heading", name="Step 2 of 5: Measurable")).to_be_visible()
    expect(page.get_by_text("The target must differ from the baseline")).to_be_visible()
    expect(page.get_by_label("Target")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Baseline")).to_have_value("6")
    expect(page.get_by_label("Target")).to_have_value("6")
    assert_accessible(page)
    page.get_by_label("Target").fill("2")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 3 of 5: Achievable")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Step 4 of 5: Relevant")).to_be_visible()
    expect(page.get_by_label("Relevant")).to_have_value("Escalation rate")
    assert_accessible(page)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 5 of 5: Time-bound")).to_be_visible()
    too_late = pair.cohort.ends_on + datetime.timedelta(days=30)
    page.get_by_label("Time-bound").fill(too_late.isoformat())
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_text("Pick a date on or before the cohort ends")).to_be_visible()
    expect(page.get_by_label("Time-bound")).to_have_value(too_late.isoformat())
    assert_accessible(page)
    page.get_by_label("Time-bound").fill((pair.cohort.ends_on - datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Save goal").click()

    expect(page.get_by_role("status")).to_have_text("Goal added.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Resolve billing questions without escalating them"
    )
    expect(page.get_by_text("Billing escalations per week: 6 → 2 tickets")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Where it stands now").fill("4")
    page.get_by_label("Note").fill("Handled refunds alone this week")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_role("status")).to_have_text("Progress recorded.")
    expect(page.get_by_role("img", name="1 progress update from")).to_be_visible()
    expect(page.get_by_role("cell", name="Handled refunds alone this week")).to_be_visible()
    assert_accessible(page)
    log_out(page)


def _mentor_comments(page: Page, live_server, goal_url: str) -> None:
    login(page, live_server, "mentor")
    page.goto(goal_url)
    page.get_by_role("textbox", name="Comment").fill("Good week. Try the invoice tool next.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_role("status")).to_have_text("Comment added.")
    comments = page.get_by_role("region", name="Comments")
    expect(comments).to_contain_text("Omar Mentor (mentor)")
    expect(comments).to_contain_text("Good week. Try the invoice tool next.")
    assert_accessible(page)
    log_out(page)


def _mentee_reaches_the_target(page: Page, live_server, goal_url: str) -> None:
    login(page, live_server, "mentee")
    page.goto(goal_url)
    page.get_by_label("Where it stands now").fill("2")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Suggested: Achieved")).to_be_visible()
    assert_accessible(page)
    # The suggestion is only applied when a person confirms it.
    page.get_by_role("button", name="Confirm: Achieved").click()
    expect(page.get_by_role("status")).to_have_text("Goal marked achieved. Well done!")
    expect(page.get_by_role("heading", name="Goal achieved!")).to_be_visible()
    assert_accessible(page)


def test_mentee_writes_a_smart_goal_step_by_step_and_celebrates_reaching_it(page, live_server, pair):
    _write_the_goal(page, live_server, pair)
    goal = pair.goals.get()
    goal_url = f"{live_server.url}/pairings/{pair.pk}/goals/{goal.pk}/"
    _mentor_comments(page, live_server, goal_url)
    _mentee_reaches_the_target(page, live_server, goal_url)


def test_admin_edits_a_goal_template_pairs_start_from(page, live_server, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/pairings/goal-templates/")
    expect(page.get_by_role("heading", level=1, name="Goal templates")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Raise my CSAT").click()
    expect(page.get_by_role("heading", level=1, name="Edit goal template")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Specific").fill("Raise the CSAT on my chat conversations")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status")).to_have_text("Goal template saved.")
    expect(page.get_by_role("row").filter(has_text="Raise my CSAT")).to_be_visible()
    assert_accessible(page)
