"""The email log: programme admins see what was sent, waits or failed (with why) and resend what failed."""

import pytest
from django.urls import reverse

from outbox.models import Message
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = reverse("outbox:message-list")


def _message(n, **fields):
    defaults = {
        "key": f"k{n}",
        "kind": "invitation",
        "to": f"p{n}@example.com",
        "subject": f"Hello {n}",
        "text": "t",
    }
    return Message.objects.create(**(defaults | fields))


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_see_the_email_log(client, world, username):
    failed = _message(1, status=Message.Status.FAILED, attempts=5)
    login(client, getattr(world, username).user)
    assert client.get(URL).status_code == 403
    assert client.post(reverse("outbox:message-resend", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == Message.Status.FAILED


def test_admin_sees_a_failed_email_with_its_error_and_sends_it_again(
    client, world, django_capture_on_commit_callbacks
):
    from django.core import mail

    failed = _message(
        1, status=Message.Status.FAILED, attempts=5, last_error="SMTPRecipientsRefused: no such user"
    )
    _message(2, status=Message.Status.PENDING)
    login(client, world.admin)

    page = client.get(URL, {"status": "failed"})

    assert "1 message failed." in page.text
    assert "no such user" in page.text and "p1@example.com" in page.text
    assert "p2@example.com" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox:message-resend", args=[failed.pk]), follow=True)
    assert "on its way again" in response.text
    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT
    assert [m.to for m in mail.outbox] == [["p1@example.com"]]


def test_resending_an_email_that_did_not_fail_is_refused_in_words(client, world):
    sent = _message(1, status=Message.Status.PENDING)
    login(client, world.admin)
    response = client.post(reverse("outbox:message-resend", args=[sent.pk]), follow=True)
    assert "Only a message that failed can be sent again." in response.text


@pytest.mark.parametrize("cohort", ["abc", "²", "1" * 25, "-1"])
def test_a_bad_cohort_filter_is_refused_in_words(client, world, cohort):
    login(client, world.admin)
    response = client.get(URL, {"cohort": cohort})
    assert response.status_code == 200
    assert "invalid-feedback" in response.text


def test_filters_by_cohort_and_address(client, world):
    _message(1, cohort_id=world.cohort.pk)
    _message(2, cohort_id=world.cohort.pk + 1)
    login(client, world.admin)
    page = client.get(URL, {"cohort": world.cohort.pk, "q": "p1@"})
    assert "p1@example.com" in page.text and "p2@example.com" not in page.text


@pytest.mark.parametrize("messages", [3, 30])
def test_email_log_query_count_does_not_grow_with_messages(
    client, world, messages, django_assert_num_queries
):
    for n in range(messages):
        _message(
            n,
            status=Message.Status.FAILED if n % 2 else Message.Status.SENT,
            sent_at=None if n % 2 else "2026-11-02T09:00Z",
        )
    login(client, world.admin)
    # user (with person and roles), then the page's count, rows, failed count
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200


def test_a_failed_chat_post_is_listed_with_its_reason_and_a_masked_webhook(client, world):
    _message(
        1,
        to="",
        channel=Message.Channel.SLACK,
        endpoint="https://hooks.slack.com/services/T1/B2/s3cretToken",
        subject="At risk: Ana and Ben",
        status=Message.Status.FAILED,
        attempts=1,
        last_error="HTTP 404: no_service",
    )
    _message(2)
    login(client, world.admin)
    page = client.get(URL, {"channel": "slack"}).content.decode()
    assert "HTTP 404: no_service" in page and "Slack (hooks.slack.com/…oken)" in page
    assert "s3cret" not in page and "p2@example.com" not in page
