"""The email log in a real Chromium, with axe-core: an admin finds a failed email and sends it again."""

import pytest
from playwright.sync_api import expect

from outbox.models import Message
from tests.browser import assert_accessible, login, open_admin_menu

pytestmark = pytest.mark.browser


def test_admin_finds_a_failed_email_and_sends_it_again(page, live_server, world):
    Message.objects.create(
        key="k1",
        kind="invitation",
        to="bounced@example.com",
        subject="You're invited",
        text="t",
        status=Message.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: no such user",
    )
    login(page, live_server, "admin")
    open_admin_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Emails").click()
    expect(page.get_by_role("heading", level=1, name="Emails")).to_be_visible()
    expect(page.get_by_text("1 message failed.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Show them").click()
    expect(page.get_by_role("cell", name="bounced@example.com")).to_be_visible()
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("status").filter(has_text="on its way again")).to_be_visible()
    assert_accessible(page)
    assert Message.objects.get().status == Message.Status.SENT
