"""The notifications page in a real Chromium, with axe-core: a mentee sees the count in the
navigation, opens a notification (marked read, taken to its page) and marks the rest read."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.services import OwedNotice, notify_many
from tests.browser import assert_accessible, login

pytestmark = pytest.mark.browser

CONTEXT = {
    "name": "Ada",
    "cohort": {"name": "Spring", "programme": {"name": "Support"}},
    "profile_url": "/p/",
}


def test_mentee_reads_notifications_from_the_navigation(page, live_server, world):
    notify_many(
        [
            OwedNotice(kind="promoted", person=world.mentee, key=f"k{n}", context=CONTEXT, url="/enrol/mine/")
            for n in range(3)
        ],
        now=timezone.now(),
    )
    login(page, live_server, "mentee")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Notifications 3 unread").click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    expect(page.get_by_text("3 unread notifications.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("main").get_by_role("listitem").first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/enrol/mine/")
    expect(nav.get_by_role("link", name="Notifications 2 unread")).to_be_visible()

    nav.get_by_role("link", name="Notifications 2 unread").click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status").filter(has_text="2 notifications marked as read.")).to_be_visible()
    expect(page.get_by_text("You have read them all.")).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(page)


def test_empty_notifications_page_is_accessible(page, live_server, world):
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text("Nothing yet.")).to_be_visible()
    assert_accessible(page)
