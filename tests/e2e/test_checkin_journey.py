"""The pulse check-in journey in a real Chromium, with axe on every page.

Beat's scan emails the mentee a pulse link; logged out, the link goes through the login page and
back to the form; the mentee reports a blocker; the programme admin sees the pair flagged.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from matching.models import Pairing
from reminders.tasks import scan_due_reminders
from tests.browser import assert_accessible, log_out, login
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
    return world


def _pulse_link_for(address: str) -> str:
    message = next(m for m in mail.outbox if m.to == [address] and "how is mentoring" in m.subject.lower())
    return re.search(r"http://\S+/pairings/check-ins/\S+/", message.body).group(0)


def test_mentee_answers_the_pulse_from_the_email_and_the_admin_sees_the_flag(
    page: Page, live_server, pair_a_month_in
):
    scan_due_reminders()  # eager Celery: records the pulses and sends them here
    path = re.sub(r"^http://[^/]+", "", _pulse_link_for("mentee@example.com"))

    # Logged out: the link asks for a login, then comes back to the form.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill("mentee")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1, name="How is your mentorship going?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="2").check()
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Anything in the way?").fill("Our shifts never overlap")
    page.get_by_role("button", name="Send my check-in").click()

    expect(page.get_by_role("status").filter(has_text="your check-in is saved")).to_be_visible()
    expect(page.get_by_text("blockers: Our shifts never overlap")).to_be_visible()
    assert_accessible(page)

    # The same link again: the answer is shown, and can still be changed this period.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("button", name="Update my check-in")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/pairings/cohorts/{pair_a_month_in.cohort.pk}/check-in-flags/")
    expect(page.get_by_role("heading", level=1, name="Flagged check-ins")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Ada Mentee")
    expect(row).to_contain_text("Our shifts never overlap")
    expect(row).to_contain_text("2/5")
    assert_accessible(page)
