"""The outbox: an email owed by a change is recorded with it, sent once after commit, retried with
backoff, shown as failed when it keeps failing, and sent by the sweep when no worker took it."""

import datetime

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
