"""One-click links from rendered emails, followed by a logged-out person in a real Chromium, and
the notification settings page; axe on every page.

The links are taken from the HTML part of the email as the outbox stored it (what the person's mail
client shows), so the test does not depend on the real clock's quiet hours.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import Pairing
from notifications.models import Preferences
from outbox.models import Message
from reminders.services import pulse_reminders_record
from sessions import services
from sessions.models import CheckIn, MentoringSession
from tests.browser import assert_accessible, login, open_person_menu
from tests.factories import build_world

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def pair_a_month_in(transactional_db):
    today = timezone.localdate()
    world = build_world(today=today)
    world.cohort.starts_on, world.cohort.ends_on = today - 40 * DAY, today + 120 * DAY
    world.cohort.save()
    Pairing.objects.filter(pk=world.pair.pk).update(started_on=today - 30 * DAY)
    world.pair.refresh_from_db()
    return world


def _link_in_email(key: str, pattern: str) -> str:
    html = Message.objects.get(key=key).html
    return re.sub(r"^http://[^/]+", "", re.search(pattern, html).group(1))


def test_logged_out_person_confirms_a_session_from_the_email(page: Page, live_server, pair_a_month_in):
    world = pair_a_month_in
    session = services.session_log(
        pairing=world.pair, by=world.mentee, held_on=timezone.localdate() - 2 * DAY, format="video"
    )
    key = f"session-to-confirm:{session.pk}"
    path = _link_in_email(key, r'href="([^"]+/pairings/sessions/confirm/[^"]+)"')

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1, name="Confirm a session")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="the session is confirmed")).to_be_visible()
    assert_accessible(page)
    assert MentoringSession.objects.get(pk=session.pk).confirmed_at is not None

    page.get_by_role("radio", name="5").check()
    page.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_role("status").filter(has_text="your rating is saved")).to_be_visible()
    assert MentoringSession.objects.get(pk=session.pk).partner_rating == 5

    page.goto(f"{live_server.url}{path}")  # the link again: already confirmed, and says so
    expect(page.get_by_role("status").filter(has_text="confirmed already")).to_be_visible()
    assert_accessible(page)


def test_logged_out_person_answers_the_pulse_and_an_old_link_is_kindly_closed(
    page: Page, live_server, pair_a_month_in
):
    world = pair_a_month_in
    pulse_reminders_record()
    key = f"pulse:{world.pair.pk}:{world.mentor.pk}:1"
    path = _link_in_email(key, r'href="([^"]+/pairings/pulse/[^"/]+/4/)"')

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1, name="How is your mentorship going?")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="4 out of 5")).to_be_visible()
    assert_accessible(page)
    assert CheckIn.objects.get(person=world.mentor).satisfaction == 4

    # A month later the pairing's next period has begun: the same link says this one is over.
    Pairing.objects.filter(pk=world.pair.pk).update(started_on=timezone.localdate() - 60 * DAY)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1, name="This check-in is closed")).to_be_visible()
    expect(page.get_by_text("You answered 4 out of 5.")).to_be_visible()
    assert_accessible(page)


def test_person_changes_their_notification_settings(page: Page, live_server, pair_a_month_in):
    world = pair_a_month_in
    login(page, live_server, "mentee")
    open_person_menu(page)
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", level=1, name="Notification settings")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Time zone").fill("Europe/Lisbon")
    page.get_by_role("checkbox", name="Friday").uncheck()
    page.get_by_label("Quiet from").fill("19:00")
    page.get_by_role("checkbox", name="The pulse check-in").uncheck()
    page.get_by_role("button", name="Save my settings").click()

    expect(page.get_by_role("status").filter(has_text="settings are saved")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    expect(page.get_by_role("checkbox", name="The pulse check-in")).not_to_be_checked()
    assert_accessible(page)
    prefs = Preferences.objects.get(person=world.mentee)
    assert prefs.working_days == 0b0001111 and prefs.quiet_start == datetime.time(19, 0)
    assert "pulse" in prefs.muted_kinds

    page.get_by_label("Time zone").fill("Atlantis/Capital")
    page.get_by_role("button", name="Save my settings").click()
    expect(page.get_by_text("Pick a time zone from the list")).to_be_visible()
    assert_accessible(page)


def test_logged_out_person_stops_a_kind_of_email_from_its_unsubscribe_link(
    page: Page, live_server, pair_a_month_in
):
    world = pair_a_month_in
    session = services.session_log(
        pairing=world.pair, by=world.mentee, held_on=timezone.localdate() - 2 * DAY, format="video"
    )
    path = _link_in_email(
        f"session-to-confirm:{session.pk}", r'href="([^"]+/notifications/unsubscribe/[^"]+)"'
    )

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1, name="Unsubscribe")).to_be_visible()
    assert_accessible(page)
    assert not Preferences.objects.filter(person=world.mentor).exists()  # opening the link changes nothing

    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("no more emails")
    assert_accessible(page)
    assert Preferences.objects.get(person=world.mentor).muted_kinds == ["session_to_confirm"]
