"""The cohort's chat section in a real Chromium, with axe-core: an admin is told why an address is
refused, saves a webhook that is then shown only masked, and sends a test message to a local
stand-in for Slack."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import assert_accessible, login
from tests.realservers import WebhookServer

pytestmark = pytest.mark.browser


def test_admin_sets_a_slack_webhook_and_sends_a_test_message(page, live_server, world, settings):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = True
    with WebhookServer() as server:
        login(page, live_server, "admin")
        page.goto(live_server.url + reverse("programmes:cohort-edit", args=[world.cohort.pk]))
        section = page.get_by_role("region", name="Chat channel")
        expect(section.get_by_text("Nothing is posted to chat for this cohort.")).to_be_visible()
        assert_accessible(page)

        section.get_by_label("Incoming webhook address").fill("https://example.com/hook")
        section.get_by_role("button", name="Save chat webhook").click()
        section = page.get_by_role("region", name="Chat channel")
        expect(section.get_by_text("is not a Slack or Microsoft Teams webhook address")).to_be_visible()
        assert_accessible(page)

        secret = server.url("/services/T1/B1/s3cretT0ken")
        section.get_by_label("Incoming webhook address").fill(secret)
        section.get_by_role("button", name="Save chat webhook").click()
        expect(page.get_by_role("status").filter(has_text="Chat webhook saved")).to_be_visible()
        section = page.get_by_role("region", name="Chat channel")
        expect(section).to_contain_text("Posting to Slack: 127.0.0.1/…0ken.")
        assert "s3cret" not in page.content()
        assert_accessible(page)

        section.get_by_role("button", name="Send a test message").click()
        expect(page.get_by_role("status").filter(has_text="A test message is on its way")).to_be_visible()
        assert_accessible(page)
        [(path, body)] = server.requests
        assert path == "/services/T1/B1/s3cretT0ken" and "Test message from Mentorship" in body["text"]
