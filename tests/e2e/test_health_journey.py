"""Programme health in a real Chromium, with axe on every page: the admin opens the table, sorts
it, filters it, resolves a flag with a note, and nudges a pair."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outbox.models import Message
from sessions.models import FlagResolution
from tests.browser import assert_accessible, login, open_admin_menu
from tests.factories import CheckInFactory, SessionFactory, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def flagged_world(transactional_db):
    world = build_world(today=timezone.localdate())
    SessionFactory(pairing=world.pair, held_on=timezone.localdate())
    CheckInFactory(
        pairing=world.pair, person=world.mentee, satisfaction=2, blockers="Our shifts never overlap"
    )
    return world


def test_admin_sorts_filters_resolves_a_flag_and_nudges_a_pair(page: Page, live_server, flagged_world):
    login(page, live_server, "admin")
    open_admin_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programme health", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Programme health")).to_be_visible()
    assert_accessible(page)

    # Sort by sessions, most first: Ada's pair (one session) before Bo's (none).
    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("columnheader", name="Sessions")).to_have_attribute("aria-sort", "descending")
    mentees = page.locator('td[data-col="mentee"]')
    expect(mentees).to_have_text(["Ada Mentee", "Bo Mentee"])
    assert_accessible(page)

    # Only pairs with an open flag: Ada's.
    page.get_by_label("Open flags only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(mentees).to_have_text(["Ada Mentee"])
    assert "flagged=on" in page.url and "sort=-sessions" in page.url

    # Resolve it with a note, and come back to the same filtered table.
    page.get_by_role("link", name="1 open flag: resolve").click()
    expect(page.get_by_role("heading", level=1, name="Flagged check-ins")).to_be_visible()
    expect(page.get_by_text("Our shifts never overlap")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Resolve Ada Mentee's flag").click()
    expect(page.get_by_text("a flag is resolved with a note")).to_be_visible()  # the note is required
    page.get_by_label("What was done").fill("Moved Ada to the early shift")
    page.get_by_role("button", name="Resolve Ada Mentee's flag").click()
    expect(page.get_by_role("status").filter(has_text="Ada Mentee's flag is resolved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Moved Ada to the early shift")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_text("No pair matches these filters.")).to_be_visible()
    assert FlagResolution.objects.get().note == "Moved Ada to the early shift"

    # Nudge Bo's pair, after a confirmation.
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Select Lin Mentor and Bo Mentee").check()
    page.get_by_role("button", name="Nudge selected pairs…").click()
    expect(page.get_by_role("heading", level=1, name="Nudge pairs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the nudge to 1 pair").click()
    expect(page.get_by_role("status").filter(has_text="1 pair nudged.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Programme health")).to_be_visible()
    assert_accessible(page)
    assert sorted(Message.objects.filter(kind="nudge").values_list("to", flat=True)) == [
        "mentee2@example.com",
        "mentor2@example.com",
    ]
