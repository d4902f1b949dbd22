"""A cohort's message log and a programme's wording editor in a real Chromium, with axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import Message
from tests.browser import assert_accessible, login

pytestmark = pytest.mark.browser


def test_admin_reads_a_cohorts_message_log_and_resends_a_failed_one(page, live_server, world):
    cohort = world.cohort
    Message.objects.create(
        key="held",
        kind="check_in_due",
        to="held@example.com",
        subject="Check in",
        text="t",
        cohort_id=cohort.pk,
        next_attempt_at=timezone.now() + datetime.timedelta(hours=9),
    )
    Message.objects.create(
        key="failed",
        kind="check_in_due",
        to="bounced@example.com",
        subject="Check in",
        text="t",
        cohort_id=cohort.pk,
        status=Message.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: gone",
    )
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    page.get_by_role("link", name="Messages", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Messages of {cohort.name}")).to_be_visible()
    expect(page.get_by_text("Held until")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("cell", name="bounced@example.com")).to_be_visible()
    expect(page.get_by_role("cell", name="held@example.com")).to_have_count(0)
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("status").filter(has_text="on its way again")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=f"Messages of {cohort.name}")).to_be_visible()
    assert_accessible(page)


def test_admin_writes_previews_and_resets_a_programmes_wording(page, live_server, world):
    programme = world.cohort.programme
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{programme.get_absolute_url()}")
    page.get_by_role("link", name="Wording of messages").click()
    assert_accessible(page)
    page.get_by_role("link", name="You got a place from the waitlist").click()
    assert_accessible(page)

    page.get_by_label("Subject").fill("A place for you, {first_name}")
    page.get_by_label("Text").fill("{actor} found you a place in {cohort}.\n\n{link}")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("A place for you, Alex")).to_be_visible()
    # The email as HTML, in a frame of its own whose inline styles its own policy allows.
    expect(page.frame_locator("iframe").get_by_text("Sam Rivera found you a place")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Text").fill("{recipient.email}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is not a placeholder of this message")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Text").fill("{actor} found you a place.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="now uses")).to_be_visible()
    expect(page.get_by_text("The programme's own", exact=True)).to_be_visible()

    page.get_by_role("link", name="You got a place from the waitlist").click()
    page.get_by_role("button", name="Back to the product's wording").click()
    expect(page.get_by_role("status").filter(has_text="back to the product")).to_be_visible()
    expect(page.get_by_text("The programme's own", exact=True)).to_have_count(0)
