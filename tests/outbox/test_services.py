"""The outbox: an email owed by a change is recorded with it, sent once after commit, retried with
backoff, shown as failed when it keeps failing, and sent by the sweep when no worker took it."""

import datetime
import socket

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from outbox import services
from outbox.models import Message

pytestmark = pytest.mark.django_db


def _owe(key="test:1", to="ana@example.com", **extra):
    return services.email_enqueue(
        key=key,
        template="check_in_due",
        context={"recipient": {"first_name": "Ana"}, "partner": "Ben", "cadence_days": 14},
        to=to,
        **extra,
    )


def test_an_email_owed_by_a_rolled_back_change_is_never_recorded():
    with pytest.raises(RuntimeError), transaction.atomic():
        _owe()
        raise RuntimeError("the change failed")
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_an_email_is_sent_after_commit_with_its_attachment(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _owe(attachments=[("a.ics", "BEGIN:VCALENDAR", "text/calendar")], cohort_id=7)
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert mail.outbox[0].attachments[0][:2] == ("a.ics", "BEGIN:VCALENDAR")
    assert mail.outbox[0].extra_headers["Message-ID"] == services.message_id_header(message)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.sent_at and message.cohort_id == 7


def test_the_same_key_twice_records_and_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _owe()
        second = _owe()
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_no_address_owes_nothing():
    assert _owe(to="") is None
    assert not Message.objects.exists()


def test_a_message_already_claimed_by_a_live_worker_is_not_sent_again(django_capture_on_commit_callbacks):
    message = _owe()
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now())
    assert services.message_send(message_id=message.pk) is False
    assert services.outbox_sweep() == []
    assert mail.outbox == []


def test_the_sweep_sends_what_a_dead_worker_claimed_once_the_lease_runs_out(settings):
    message = _owe()
    claimed = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS + 1)
    Message.objects.filter(pk=message.pk).update(claimed_at=claimed, attempts=1)
    assert services.outbox_sweep() == [message.pk]
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == Message.Status.SENT


def test_a_broker_outage_does_not_fail_the_change_and_the_sweep_sends_later(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(message_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(services, "_queue_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        _owe()
    assert mail.outbox == []
    monkeypatch.undo()
    services.outbox_sweep()
    assert len(mail.outbox) == 1


def test_a_failing_send_backs_off_then_fails_visibly_and_an_admin_can_resend(monkeypatch):
    message = _owe()

    def smtp_down(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", smtp_down)
    now = timezone.now()
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        assert services.message_send(message_id=message.pk, now=now) is False
        message.refresh_from_db()
        assert message.attempts == attempt
        if attempt < services.MAX_ATTEMPTS:
            assert message.status == Message.Status.PENDING
            assert message.next_attempt_at == now + services.BACKOFF[attempt - 1]
            # Not due yet: nothing happens before the backoff has passed.
            assert services.message_send(message_id=message.pk, now=now) is False
            now = message.next_attempt_at
    assert message.status == Message.Status.FAILED
    assert "SMTP down" in message.last_error
    assert services.message_send(message_id=message.pk, now=now + datetime.timedelta(days=1)) is False

    monkeypatch.undo()
    services.message_resend(message=message)
    assert services.message_send(message_id=message.pk) is True
    assert len(mail.outbox) == 1


def test_only_a_failed_message_can_be_resent():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.message_resend(message=_owe())


def _smtp_settings(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_a_worker_sends_many_messages_over_one_mail_server_connection(settings, smtp_server):
    handler, port = smtp_server
    _smtp_settings(settings, port)
    services._drop_mail_connection()
    for n in range(3):
        services.email_enqueue(key=f"reuse:{n}", template="nudge", context={}, to=f"p{n}@example.com")
    for message in Message.objects.order_by("pk"):
        assert services.message_send(message_id=message.pk)
    assert handler.count() == 3
    assert handler.greetings == 1


def test_a_connection_the_server_closed_is_reopened_and_the_message_still_goes_once(settings, smtp_server):
    handler, port = smtp_server
    _smtp_settings(settings, port)
    services._drop_mail_connection()
    services.email_enqueue(key="idle:1", template="nudge", context={}, to="a@example.com")
    services.email_enqueue(key="idle:2", template="nudge", context={}, to="b@example.com")
    first, second = Message.objects.order_by("pk")
    assert services.message_send(message_id=first.pk)
    # As a server does after its idle timeout: the socket goes away under the kept connection.
    services._mail.connection.connection.sock.shutdown(socket.SHUT_RDWR)
    assert services.message_send(message_id=second.pk)
    assert handler.count() == 2
    assert handler.greetings == 2
    assert Message.objects.filter(status=Message.Status.SENT).count() == 2
