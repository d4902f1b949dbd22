"""The pulse check-in journey in a real Chromium, with axe on every page.

Beat's scan emails the mentee a pulse with one link per score; logged out, the mentee follows "2"
from the rendered email, which records it without a login and opens the page to add the rest; the
mentee reports a blocker; the programme admin sees the pair flagged.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import Pairing
from notifications.models import Preferences
from reminders.tasks import scan_due_reminders
from tests.browser import assert_accessible, login
from tests.factories import build_world

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def pair_a_month_in(transactional_db):
    """The named world, on the real clock: the pair started 30 days ago, so its first pulse is due."""
    today = timezone.localdate()
    world = build_world(today=today)
    world.cohort.starts_on, world.cohort.ends_on = today - 40 * DAY, today + 120 * DAY
    world.cohort.save()
    Pairing.objects.filter(pk=world.pair.pk).update(started_on=today - 30 * DAY)
    Pairing.objects.filter(pk=world.pair2.pk).update(
        status=Pairing.Status.ENDED, ended_on=today, outcome=Pairing.Outcome.COMPLETED
    )
    # Reachable at any hour of the real clock: the email is sent now rather than held for a morning.
    Preferences.objects.create(
        person=world.mentee, working_days=0b1111111, quiet_start=datetime.time(0), quiet_end=datetime.time(0)
    )
    return world


def _pulse_link_for(address: str, score: int) -> str:
    """The score's link as a person clicks it: from the HTML part of the email."""
    message = next(m for m in mail.outbox if m.to == [address] and "how is mentoring" in m.subject.lower())
    html = message.alternatives[0][0]
    return re.search(rf'href="(http://[^"]+/pairings/pulse/[^"/]+/{score}/)"', html).group(1)


def test_mentee_answers_the_pulse_from_the_email_and_the_admin_sees_the_flag(
    page: Page, live_server, pair_a_month_in
):
    scan_due_reminders()  # eager Celery: records the pulses and sends them here
    path = re.sub(r"^http://[^/]+", "", _pulse_link_for("mentee@example.com", 2))

    # Logged out: the link records the answer and opens the page to add the rest, no login.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1, name="How is your mentorship going?")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Your answer is recorded: 2 out of 5.")).to_be_visible()
    expect(page.get_by_role("radio", name="2")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Anything in the way?").fill("Our shifts never overlap")
    page.get_by_role("button", name="Save my check-in").click()

    expect(page.get_by_role("status").filter(has_text="your check-in is saved")).to_be_visible()
    expect(page.get_by_label("Anything in the way?")).to_have_value("Our shifts never overlap")
    assert_accessible(page)

    # The same link again (or a mail scanner's prefetch): still one answer, still changeable.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("button", name="Save my check-in")).to_be_visible()
    expect(page.get_by_label("Anything in the way?")).to_have_value("Our shifts never overlap")

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/pairings/cohorts/{pair_a_month_in.cohort.pk}/check-in-flags/")
    expect(page.get_by_role("heading", level=1, name="Flagged check-ins")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ada Mentee")
    expect(row).to_contain_text("Our shifts never overlap")
    expect(row).to_contain_text("2/5")
    assert_accessible(page)
