"""Issue 11: the pair's messages: sending, the one-email-per-burst rule, read state, access, and
the workspace part and conversation page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Pairing
from notifications.models import Notification
from sessions import messaging
from sessions.models import PairMessage
from tests.conftest import login
from tests.emails import deliver, notices

# Monday 2 November 2026, 10:00 UTC: inside working hours, so the emails are sent at once.
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def conversation_url(pairing):
    return reverse("mentoring_sessions:pairing-messages", args=[pairing.pk])


def send(world, body="Can we look at ticket #4411 on Thursday?", author=None):
    return messaging.message_send(pairing=world.pair, author=author or world.mentee, body=body)


# --- services -------------------------------------------------------------------------------------


def test_a_message_tells_the_other_side_by_email_naming_the_author(frozen):
    message = send(frozen)
    assert (message.author, message.body, message.read_at) == (frozen.mentee, message.body, None)
    assert notices("pair_message") == [(frozen.mentor.pk, f"pair-message:{message.pk}")]
    [email] = deliver()
    assert email.to == frozen.mentor.email
    assert email.subject == "Ada Mentee sent you a message"
    assert "Hi Omar," in email.text and "Can we look at ticket #4411 on Thursday?" in email.text
    assert conversation_url(frozen.pair) in email.text


def test_a_burst_of_messages_is_one_email_until_the_recipient_reads_them(frozen):
    first = send(frozen, "One")
    send(frozen, "Two")
    send(frozen, "Three")
    assert notices("pair_message") == [(frozen.mentor.pk, f"pair-message:{first.pk}")]
    # The mentor opens the workspace: they have read the burst, so the next message is told again.
    messaging.messages_read(pairing=frozen.pair, reader=frozen.mentor)
    fourth = send(frozen, "Four")
    assert notices("pair_message") == sorted(
        [(frozen.mentor.pk, f"pair-message:{first.pk}"), (frozen.mentor.pk, f"pair-message:{fourth.pk}")]
    )
    assert len(deliver()) == 2


def test_each_side_has_its_own_burst(frozen):
    send(frozen, "From the mentee")
    send(frozen, "From the mentor", author=frozen.mentor)
    told = [person for person, _key in notices("pair_message")]
    assert told == sorted([frozen.mentor.pk, frozen.mentee.pk])


def test_reading_marks_only_what_the_reader_received(frozen):
    mine = send(frozen, "Mine")
    theirs = send(frozen, "Theirs", author=frozen.mentor)
    assert messaging.messages_read(pairing=frozen.pair, reader=frozen.mentee) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is None and theirs.read_at == NOW
    assert messaging.messages_read(pairing=frozen.pair, reader=frozen.mentee) == 0


def test_someone_outside_the_pair_cannot_send(frozen):
    with pytest.raises(ValidationError):
        send(frozen, author=frozen.mentor2)
    assert not PairMessage.objects.exists()


def test_an_ended_pairing_takes_no_new_message(frozen):
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, outcome=Pairing.Outcome.COMPLETED, ended_on=frozen.today
    )
    with pytest.raises(ValidationError):
        send(frozen)
    assert not PairMessage.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_a_blank_or_too_long_message_is_refused(frozen, body):
    with pytest.raises(ValidationError):
        send(frozen, body)
    assert not PairMessage.objects.exists()


# --- pages ----------------------------------------------------------------------------------------


def test_workspace_shows_the_latest_messages_new_ones_marked_once(client, frozen):
    send(frozen, "Hello from Ada")
    login(client, frozen.mentor.user)
    first = client.get(frozen.pair.get_absolute_url()).text
    assert "Hello from Ada" in first and "message-new" in first
    # The second look (kept or not) shows them read.
    second = client.get(frozen.pair.get_absolute_url()).text
    assert "Hello from Ada" in second and "message-new" not in second
    # The author sees that it was read.
    login(client, frozen.mentee.user)
    assert "· read" in client.get(frozen.pair.get_absolute_url()).text


def test_sending_from_the_workspace_goes_back_to_it(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(conversation_url(frozen.pair), {"body": "Quick question", "back": "workspace"})
    assert response.status_code == 302
    assert response["Location"].startswith(frozen.pair.get_absolute_url())
    assert PairMessage.objects.get().body == "Quick question"
    assert "Quick question" in client.get(frozen.pair.get_absolute_url()).text


def test_a_blank_message_shows_an_error_and_sends_nothing(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(conversation_url(frozen.pair), {"body": "  ", "back": "workspace"})
    assert response.status_code == 200 and "Write something to send." in response.text
    assert not PairMessage.objects.exists()


def test_the_same_form_posted_twice_sends_once(client, frozen):
    login(client, frozen.mentee.user)
    data = {"body": "Only once", "submission": "A" * 32}
    client.post(conversation_url(frozen.pair), data)
    client.post(conversation_url(frozen.pair), data)
    assert PairMessage.objects.count() == 1


def test_conversation_paginates_newest_first(client, frozen):
    for n in range(messaging.PAGE_SIZE + 3):
        PairMessage.objects.create(
            pairing=frozen.pair,
            author=frozen.mentee,
            body=f"Message number {n:02d}",
            created_at=NOW - datetime.timedelta(minutes=100 - n),
        )
    login(client, frozen.mentor.user)
    page_one = client.get(conversation_url(frozen.pair)).text
    assert "Message number 22" in page_one and "Message number 02" not in page_one
    assert "Page 1 of 2" in page_one
    assert "Message number 02" in client.get(conversation_url(frozen.pair) + "?page=2").text
    assert not PairMessage.objects.filter(read_at__isnull=True).exists()


def test_an_ended_pairing_shows_its_messages_read_only(client, frozen):
    send(frozen, "Before the end")
    Pairing.objects.filter(pk=frozen.pair.pk).update(
        status=Pairing.Status.ENDED, outcome=Pairing.Outcome.COMPLETED, ended_on=frozen.today
    )
    login(client, frozen.mentor.user)
    page = client.get(conversation_url(frozen.pair)).text
    assert "Before the end" in page and "read-only" in page and 'name="body"' not in page
    client.post(conversation_url(frozen.pair), {"body": "After the end"})
    assert PairMessage.objects.count() == 1


@pytest.mark.parametrize("who", ["mentor2", "outsider", "manager", "admin"])
def test_nobody_outside_the_pair_reads_or_sends_messages(client, frozen, who):
    send(frozen, "Private words")
    user = frozen.admin if who == "admin" else getattr(frozen, who).user
    login(client, user)
    assert client.get(conversation_url(frozen.pair)).status_code == 404
    assert client.post(conversation_url(frozen.pair), {"body": "Intruder"}).status_code == 404
    assert PairMessage.objects.count() == 1


# user, pairing, messages count, the page of messages, marking them read (the user's session and
# messages framework aside).
CONVERSATION_QUERIES = 5


@pytest.mark.parametrize("size", [3, 60])
def test_conversation_query_count_does_not_grow_with_messages(
    client, frozen, django_assert_num_queries, size
):
    PairMessage.objects.bulk_create(
        PairMessage(pairing=frozen.pair, author=frozen.mentee, body=f"m{n}") for n in range(size)
    )
    login(client, frozen.mentor.user)
    with django_assert_num_queries(CONVERSATION_QUERIES):
        assert client.get(conversation_url(frozen.pair)).status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_workspace_messages_cost_one_query_whatever_their_number(frozen, django_assert_num_queries, size):
    PairMessage.objects.bulk_create(
        PairMessage(pairing=frozen.pair, author=frozen.mentee, body=f"m{n}", read_at=NOW) for n in range(size)
    )
    pairing = Pairing.objects.select_related("mentor__person", "mentee__person").get(pk=frozen.pair.pk)
    with django_assert_num_queries(1):
        part = messaging.workspace_part(pairing, frozen.mentor)
    assert len(part["pair_messages"]) == min(size, messaging.WORKSPACE_MESSAGES)
    assert part["pair_messages_more"] == (size > messaging.WORKSPACE_MESSAGES)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_messages_sent_at_once_are_one_burst_told_once():
    import threading

    from django.db import connection

    from tests.factories import PairingFactory

    pairing = PairingFactory()
    start = threading.Barrier(4)

    def run(i):
        try:
            start.wait()
            messaging.message_send(pairing=pairing, author=pairing.mentee.person, body=f"Message {i}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert PairMessage.objects.filter(pairing=pairing).count() == 4
    assert Notification.objects.filter(kind="pair_message").count() == 1


@pytest.mark.parametrize("size", [1, 12])
def test_unread_messages_are_a_step_on_the_home_page_in_one_query(frozen, django_assert_num_queries, size):
    for n in range(size):
        send(frozen, f"Message {n}")
    send(frozen, "To the mentee", author=frozen.mentor)
    with django_assert_num_queries(1):
        [item] = messaging.todo_for(frozen.mentor, today=frozen.today)
    expected = (
        "Read 1 new message from Ada Mentee" if size == 1 else f"Read {size} new messages from Ada Mentee"
    )
    assert (item.kind, item.title, item.url) == ("messages", expected, conversation_url(frozen.pair))
    messaging.messages_read(pairing=frozen.pair, reader=frozen.mentor)
    assert messaging.todo_for(frozen.mentor, today=frozen.today) == []
