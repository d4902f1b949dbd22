"""A cohort's chat channel: the webhook setting (validated, masked, never shown in full), posts owed
once per key through the outbox, and the "Send a test message" button."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from outbox.models import Message
from programmes import chat
from programmes.models import Cohort
from tests.conftest import login
from tests.realservers import WebhookServer

pytestmark = pytest.mark.django_db

SECRET = "s3cretT0kenXYZ"
SLACK = f"https://hooks.slack.com/services/T0001/B0001/{SECRET}"


@pytest.fixture
def server(settings):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = True
    with WebhookServer() as running:
        yield running


@pytest.fixture
def posting(world, server):
    world.cohort.chat_webhook_url = server.url(f"/services/T0001/B0001/{SECRET}")
    world.cohort.save()
    world.server = server
    return world


def _settings(cohort):
    return reverse("programmes:cohort-edit", args=[cohort.pk])


def _chat(cohort):
    return reverse("programmes:cohort-chat", args=[cohort.pk])


def _test(cohort):
    return reverse("programmes:cohort-chat-test", args=[cohort.pk])


# --- chat_post ---------------------------------------------------------------------------------


def test_a_post_is_owed_once_per_key_and_sent_after_commit(posting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = chat.chat_post(
            cohort=posting.cohort, key="digest:2026-W45", text="Digest", link="/dashboard/"
        )
        again = chat.chat_post(
            cohort=posting.cohort, key="digest:2026-W45", text="Digest", link="/dashboard/"
        )
    assert first.pk == again.pk
    assert first.key == f"chat:{posting.cohort.pk}:digest:2026-W45"
    assert (first.cohort_id, first.kind, first.channel) == (posting.cohort.pk, "chat:digest", "slack")
    assert posting.server.requests == [
        (
            f"/services/T0001/B0001/{SECRET}",
            {"text": "Digest\n<http://testserver/dashboard/|Open>", "unfurl_links": False},
        )
    ]


def test_nothing_is_owed_by_a_rolled_back_change(posting):
    with pytest.raises(RuntimeError), transaction.atomic():
        chat.chat_post(cohort=posting.cohort, key="x:1", text="t")
        raise RuntimeError
    assert not Message.objects.exists()


def test_a_cohort_without_a_webhook_or_closed_posts_nothing(world, server):
    assert chat.chat_post(cohort=world.cohort, key="x:1", text="t") is None
    world.cohort.chat_webhook_url = server.url("/services/a/b/c")
    world.cohort.state = Cohort.State.CLOSED
    world.cohort.save()
    assert chat.chat_post(cohort=world.cohort, key="x:1", text="t") is None
    assert not Message.objects.exists()


def test_a_local_address_is_not_used_once_local_addresses_are_no_longer_allowed(posting, settings):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = False
    assert posting.cohort.posts_to_chat() is False
    assert chat.chat_post(cohort=posting.cohort, key="x:1", text="t") is None


# --- the setting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"webhook_url": "https://example.com/hook"}, "is not a Slack or Microsoft Teams webhook address"),
        ({"webhook_url": "http://hooks.slack.com/services/a/b/c"}, "must start with https://"),
        ({"webhook_url": "not a url at all"}, "must start with https://"),
        ({"webhook_url": ""}, "Paste the channel"),
    ],
)
def test_the_form_refuses_what_is_not_a_slack_or_teams_webhook(client, world, settings, posted, error):
    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = False
    login(client, world.admin)
    response = client.post(_chat(world.cohort), posted)
    assert response.status_code == 200
    assert error in response.content.decode()
    world.cohort.refresh_from_db()
    assert world.cohort.chat_webhook_url == ""


def test_a_saved_address_is_never_shown_in_full(client, world):
    login(client, world.admin)
    response = client.post(_chat(world.cohort), {"webhook_url": f"  {SLACK} "})
    assert response.status_code == 302 and response.url.endswith("#chat")
    world.cohort.refresh_from_db()
    assert world.cohort.chat_webhook_url == SLACK
    for url in (_settings(world.cohort), reverse("outbox:message-list")):
        page = client.get(url, follow=True).content.decode()
        assert SECRET not in page and "T0001" not in page
    page = client.get(_settings(world.cohort)).content.decode()
    assert "Posting to Slack" in page and "hooks.slack.com/…nXYZ" in page


def test_an_empty_field_keeps_the_address_and_remove_forgets_it(client, world):
    world.cohort.chat_webhook_url = SLACK
    world.cohort.save()
    login(client, world.admin)
    client.post(_chat(world.cohort), {"webhook_url": ""})
    world.cohort.refresh_from_db()
    assert world.cohort.chat_webhook_url == SLACK
    response = client.post(_chat(world.cohort), {"webhook_url": SLACK, "remove": "on"})
    assert "not both" in response.content.decode()
    client.post(_chat(world.cohort), {"remove": "on"})
    world.cohort.refresh_from_db()
    assert world.cohort.chat_webhook_url == ""


def test_a_teams_address_is_saved_as_teams(client, world):
    login(client, world.admin)
    client.post(_chat(world.cohort), {"webhook_url": "https://contoso.webhook.office.com/webhookb2/a/b/c"})
    world.cohort.refresh_from_db()
    assert world.cohort.chat_service == "Microsoft Teams"


def test_a_closed_cohort_keeps_its_setting(client, world):
    world.cohort.state = Cohort.State.CLOSED
    world.cohort.save()
    login(client, world.admin)
    response = client.post(_chat(world.cohort), {"webhook_url": SLACK})
    assert "closed" in response.content.decode()
    world.cohort.refresh_from_db()
    assert world.cohort.chat_webhook_url == ""


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_change_the_webhook_or_send_a_test(client, posting, username):
    login(client, getattr(posting, username).user)
    assert client.post(_chat(posting.cohort), {"remove": "on"}).status_code == 403
    assert client.post(_test(posting.cohort)).status_code == 403
    posting.cohort.refresh_from_db()
    assert posting.cohort.chat_webhook_url and not Message.objects.exists()


def test_the_chat_pages_take_posts_only(client, posting):
    login(client, posting.admin)
    assert client.get(_chat(posting.cohort)).status_code == 405
    assert client.get(_test(posting.cohort)).status_code == 405


# --- the test message ----------------------------------------------------------------------------


def test_send_a_test_message_posts_once_through_the_outbox(
    client, posting, django_capture_on_commit_callbacks
):
    login(client, posting.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_test(posting.cohort), follow=True)
        client.post(_test(posting.cohort))  # a double click: the same minute, the same post
    assert "A test message is on its way" in response.content.decode()
    [message] = Message.objects.all()
    assert message.status == Message.Status.SENT and message.kind == "chat:test"
    [(_path, body)] = posting.server.requests
    assert body["text"].startswith(f"Test message from Mentorship for {posting.cohort}")
    assert f"/cohorts/{posting.cohort.pk}/" in body["text"]


def test_a_test_message_needs_a_webhook(client, world):
    login(client, world.admin)
    response = client.post(_test(world.cohort), follow=True)
    assert "Add a webhook address first" in response.content.decode()
    assert not Message.objects.exists()


def test_a_test_message_a_minute_later_is_a_new_post(posting):
    now = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)
    first = chat.chat_test_send(cohort=posting.cohort, by=posting.admin, now=now)
    second = chat.chat_test_send(
        cohort=posting.cohort, by=posting.admin, now=now + datetime.timedelta(minutes=1)
    )
    assert first.pk != second.pk


def test_the_address_is_kept_out_of_error_reports_and_the_django_admin(client, world):
    from django.contrib.auth import get_user_model

    login(client, world.admin)
    request = client.post(_chat(world.cohort), {"webhook_url": SLACK}).wsgi_request
    assert request.sensitive_post_parameters == ("webhook_url",)
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    login(client, staff)
    page = client.get(reverse("admin:programmes_cohort_change", args=[world.cohort.pk])).content.decode()
    assert SECRET not in page and "hooks.slack.com/…nXYZ" in page
