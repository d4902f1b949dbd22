"""The session journey in a real Chromium, with axe on every page: the mentor schedules a session
and downloads the calendar invite, the mentee logs the session with a rating, and the mentor
confirms and rates it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import MentoringSession, ScheduledSession
from tests.browser import assert_accessible, log_out, login

pytestmark = pytest.mark.browser


def test_mentor_schedules_mentee_logs_and_mentor_confirms(page, live_server, transactional_db, world):
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    world.mentee.time_zone = "Europe/Berlin"
    world.mentee.save()
    pair = world.pair
    next_week = timezone.localdate() + datetime.timedelta(days=7)

    # The mentor schedules the next session and downloads the invite.
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}/pairings/{pair.pk}/sessions/schedule/")
    expect(page.get_by_role("heading", level=1, name="Schedule the next session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date").fill(next_week.isoformat())
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("Format").select_option(label="Ticket review")
    page.get_by_label("Agenda").fill("Refund escalations, and the tone of our replies")
    page.get_by_role("button", name="Schedule and send invites").click()
    expect(page.get_by_role("status")).to_contain_text("Session scheduled.")
    upcoming = page.get_by_role("region", name="Upcoming sessions")
    expect(upcoming).to_contain_text("09:30")
    expect(upcoming).to_contain_text("for Ada Mentee (Europe/Berlin)")
    assert_accessible(page)

    scheduled = ScheduledSession.objects.get()
    with page.expect_download() as download_info:
        upcoming.get_by_role("link", name="Download the invite (.ics)").click()
    with open(download_info.value.path(), encoding="utf-8") as invite:
        content = invite.read()
    assert content.startswith("BEGIN:VCALENDAR")
    assert f"UID:{scheduled.uid}@mentorship" in content
    log_out(page)

    # The mentee logs the session with a rating.
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_role("heading", level=1, name="Log a session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Format").select_option(label="Ticket review")
    page.get_by_label("Ticket references").fill("4521, ZD-88")
    page.get_by_label("Shared notes").fill("Reviewed two refund escalations together.")
    page.get_by_label("Private notes").fill("I still freeze on angry calls.")
    page.get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("status")).to_have_text("Session logged. Nice work.")
    assert_accessible(page)
    log_out(page)

    # The mentor confirms and rates it; the mentee's private note is not on the page.
    session = MentoringSession.objects.get()
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}/pairings/{pair.pk}/sessions/schedule/")
    page.get_by_role("region", name="Waiting for your confirmation").get_by_role("link").click()
    expect(page.get_by_role("heading", level=2, name="Confirm and rate")).to_be_visible()
    expect(page.get_by_text("Reviewed two refund escalations together.")).to_be_visible()
    expect(page.get_by_text("I still freeze on angry calls.")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Good questions")
    page.get_by_role("button", name="Confirm and rate").click()
    expect(page.get_by_role("status")).to_have_text("Thanks: session confirmed.")
    expect(page).to_have_url(re.compile(rf"/pairings/{pair.pk}/$"))
    assert_accessible(page)
    session.refresh_from_db()
    assert (session.partner_rating, session.confirmed_at is not None) == (4, True)
    log_out(page)

    # The mentee opens her session again from the workspace: her private note is there to edit.
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}/pairings/{pair.pk}/")
    page.get_by_role("link", name=re.compile("Session · Ticket review")).click()
    expect(page.get_by_label("Your private notes")).to_have_value("I still freeze on angry calls.")
    assert_accessible(page)
    page.get_by_label("Your private notes").fill("Less frozen after the review.")
    page.get_by_role("button", name="Save private notes").click()
    expect(page.get_by_role("status")).to_have_text("Private notes saved. Only you can see them.")
