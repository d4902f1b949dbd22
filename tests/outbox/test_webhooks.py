"""Chat posts through the outbox, against a real HTTP server on 127.0.0.1: the body each service
expects, a timeout, retries after 500 and after 429 with Retry-After, no retry after 400, and the
webhook address kept out of every error text and log line."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outbox import services, webhooks
from outbox.models import Message
from tests.realservers import WebhookServer

pytestmark = pytest.mark.django_db

SLACK_PATH = "/services/T000/B000/s3cretSlackToken"
TEAMS_PATH = "/webhookb2/abc@def/IncomingWebhook/s3cretTeamsToken"


@pytest.fixture
def server(settings):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = True
    settings.CHAT_WEBHOOK_TIMEOUT_SECONDS = 5
    with WebhookServer() as running:
        yield running


def _owe(server, *, path=SLACK_PATH, channel=webhooks.SLACK, key="chat:1:test", text="Hello", link=""):
    return services.post_enqueue(
        services.OwedPost(
            key=key,
            kind="chat:test",
            channel=channel,
            endpoint=server.url(path),
            text=text,
            link=link,
            link_label="Open it",
            cohort_id=1,
        )
    )


def test_a_slack_post_is_sent_after_commit_as_slack_text_with_the_link(
    server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _owe(server, text="Ana & Ben <at risk>", link="https://example.com/p/1/flags/")
        assert server.requests == []  # nothing leaves before the commit
    assert server.requests == [
        (
            SLACK_PATH,
            {
                "text": "Ana &amp; Ben &lt;at risk&gt;\n<https://example.com/p/1/flags/|Open it>",
                "unfurl_links": False,
            },
        )
    ]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.channel) == (Message.Status.SENT, 1, "slack")


def test_a_teams_post_is_an_adaptive_card_with_an_open_url_action(server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _owe(server, path=TEAMS_PATH, channel=webhooks.TEAMS, text="Ana & Ben", link="https://example.com/x")
    [(path, body)] = server.requests
    assert path == TEAMS_PATH
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"] == [{"type": "TextBlock", "text": "Ana & Ben", "wrap": True}]
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open it", "url": "https://example.com/x"}]


def test_a_post_owed_by_a_rolled_back_change_is_never_recorded_or_sent(server):
    with pytest.raises(RuntimeError), transaction.atomic():
        _owe(server)
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()
    assert server.requests == []


def test_the_same_key_twice_records_and_posts_once(server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _owe(server), _owe(server)
    assert first.pk == second.pk and Message.objects.count() == 1
    assert len(server.requests) == 1


def test_a_server_that_does_not_answer_in_time_is_tried_again_later(server, settings):
    settings.CHAT_WEBHOOK_TIMEOUT_SECONDS = 0.3
    server.script = [(200, {}, 1.5)]
    message = _owe(server)
    now = timezone.now()
    assert services.message_send(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error == "No answer within 0.3 s"
    assert message.next_attempt_at == now + services.BACKOFF[0]
    assert services.message_send(message_id=message.pk, now=now + services.BACKOFF[0]) is True
    assert len(server.requests) == 2


def test_a_500_is_retried_after_the_backoff(server):
    server.script = [(500, {}, 0)]
    message = _owe(server)
    now = timezone.now()
    assert services.message_send(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Message.Status.PENDING, "HTTP 500: invalid_payload")
    # Not due before the backoff: a sweep in between leaves it alone.
    assert services.message_send(message_id=message.pk, now=now + datetime.timedelta(seconds=30)) is False
    assert services.message_send(message_id=message.pk, now=now + services.BACKOFF[0]) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert len(server.requests) == 2


def test_a_429_waits_as_long_as_retry_after_says(server):
    server.script = [(429, {"Retry-After": "120"}, 0)]
    message = _owe(server)
    now = timezone.now()
    services.message_send(message_id=message.pk, now=now)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.next_attempt_at == now + datetime.timedelta(seconds=120)
    assert services.message_send(message_id=message.pk, now=now + datetime.timedelta(seconds=119)) is False
    assert services.message_send(message_id=message.pk, now=now + datetime.timedelta(seconds=120)) is True


def test_a_400_fails_at_once_with_the_reason_and_is_not_retried(server):
    server.script = [(400, {}, 0)]
    message = _owe(server)
    now = timezone.now()
    assert services.message_send(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 1)
    assert message.last_error == "HTTP 400: invalid_payload"
    assert services.message_send(message_id=message.pk, now=now + datetime.timedelta(hours=3)) is False
    assert len(server.requests) == 1


def test_a_post_that_keeps_failing_ends_failed_and_can_be_sent_again(server):
    server.script = [(503, {}, 0)] * services.MAX_ATTEMPTS
    message = _owe(server)
    now = timezone.now()
    for _attempt in range(services.MAX_ATTEMPTS):
        services.message_send(message_id=message.pk, now=now)
        now += datetime.timedelta(hours=3)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, services.MAX_ATTEMPTS)
    services.message_resend(message=message)
    assert services.message_send(message_id=message.pk, now=now) is True
    assert len(server.requests) == services.MAX_ATTEMPTS + 1


def test_the_webhook_address_is_in_no_error_and_no_log_line(server, caplog):
    server.script = [(404, {}, 0)]
    message = _owe(server)
    with caplog.at_level(logging.DEBUG):
        services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "s3cret" not in message.last_error
    assert caplog.records and all("s3cret" not in r.getMessage() for r in caplog.records)
    assert "s3cret" not in message.destination and "127.0.0.1" in message.destination


def test_an_error_that_quotes_the_address_keeps_only_its_mask(server, monkeypatch, caplog):
    message = _owe(server)

    def broken(*, url, body):
        raise ValueError(f"bad address {url}")

    monkeypatch.setattr(webhooks, "post", broken)
    with caplog.at_level(logging.WARNING):
        services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert "s3cret" not in message.last_error and "oken" in message.last_error  # the mask's tail
    assert all("s3cret" not in r.getMessage() for r in caplog.records)


def test_retry_after_is_read_as_seconds_or_as_a_date():
    now = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)
    assert webhooks.retry_after("30", now=now) == datetime.timedelta(seconds=30)
    assert webhooks.retry_after("Mon, 02 Nov 2026 12:02:00 GMT", now=now) == datetime.timedelta(minutes=2)
    assert webhooks.retry_after("soon", now=now) is None
    assert webhooks.retry_after(None, now=now) is None


@pytest.mark.parametrize(
    ("url", "channel"),
    [
        ("https://hooks.slack.com/services/T1/B2/xyz", webhooks.SLACK),
        ("https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d", webhooks.TEAMS),
        ("https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/x", "teams"),
        (
            "https://default1a2b.3c.environment.api.powerplatform.com:443/powerautomate/automations/direct/x",
            webhooks.TEAMS,
        ),
    ],
)
def test_slack_and_teams_addresses_are_recognised(settings, url, channel):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = False
    assert webhooks.webhook_channel(url) == channel


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.slack.com/services/T1/B2/xyz", "not_https"),
        ("https://example.com/services/T1/B2/xyz", "unknown_host"),
        ("https://hooks.slack.com.evil.example/services/x", "unknown_host"),
        ("https://evilwebhook.office.com/webhookb2/x", "unknown_host"),
        ("https://hooks.slack.com/triggers/T1/2/3", "slack_path"),
        ("https://user:pw@hooks.slack.com/services/T1/B2/xyz", "userinfo"),
        ("http://127.0.0.1:8000/services/T1/B2/xyz", "not_https"),  # loopback is for DEBUG and tests only
        ("https://hooks.slack.com:99999/services/x", "invalid"),
        ("hooks.slack.com/services/x", "not_https"),
        ("https://hooks.slack.com/services/" + "x" * 1000, "too_long"),
    ],
)
def test_anything_else_is_refused_in_words(settings, url, code):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_channel(url)
    assert refused.value.code == code


def test_a_local_address_is_accepted_when_allowed_and_read_by_its_path(settings):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = True
    assert webhooks.webhook_channel("http://127.0.0.1:8123/services/a/b/c") == webhooks.SLACK
    assert webhooks.webhook_channel("http://localhost:8123/webhookb2/x") == webhooks.TEAMS
    with pytest.raises(ValidationError):
        webhooks.webhook_channel("http://127.0.0.1:8123/anything")
    with pytest.raises(ValidationError):
        webhooks.webhook_channel("http://10.0.0.5:8123/services/a/b/c")


def test_a_mask_shows_the_host_and_the_last_four_characters():
    assert webhooks.mask("https://hooks.slack.com/services/T1/B2/abcdWXYZ") == "hooks.slack.com/…WXYZ"
    assert webhooks.mask("") == ""
