"""The lockout page and the idle sign-out, in a real Chromium with axe-core (issue 12)."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, login
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
PASSWORD = "a-long-Pa55word"  # noqa: S105 - a test password


def test_five_wrong_passwords_lead_to_the_lockout_page(page: Page, live_server, transactional_db):
    user = UserFactory(username="ana")
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("ana")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Too many attempts")).to_be_visible()
    expect(page.get_by_text("Please try again in 15 minutes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1, name="Forgot your password?")).to_be_visible()


def test_after_thirty_idle_minutes_the_next_page_is_the_login_saying_why(
    page: Page, live_server, world, settings, time_machine
):
    settings.SESSION_IDLE_MINUTES = 30
    user = world.mentee.user
    user.set_password(PASSWORD)
    user.save()
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC), tick=True)
    login(page, live_server, user.username, PASSWORD)
    time_machine.shift(datetime.timedelta(minutes=31))
    page.goto(f"{live_server.url}/pairings/{world.pair.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_text("You were signed out after 30 minutes without activity.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/pairings/{world.pair.pk}/$"))
