"""Writes for the outbox: record an email (or a chat post) in the caller's transaction, send it once
after commit, retry with backoff, give up visibly, and let an admin resend.

Why an outbox: the email is owed by the same change that owes it, so it is written in the same
transaction (a rolled-back change owes nothing; a committed one cannot lose its email). Sending
happens after commit, in a worker, so no request waits on SMTP or fails because the broker is
down; the periodic sweep (`outbox_sweep`, run by beat) sends whatever no worker has claimed, so a
broker outage or a killed worker delays a message but never loses it.
"""

import contextlib
import datetime
import hashlib
import logging
import smtplib
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.emails import RenderedEmail, build_email, render_templated_email

from . import webhooks
from .models import Message

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt; after the last, the message is failed for an admin to see.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def claim_lease() -> datetime.timedelta:
    """How long a claimed message belongs to the worker that claimed it: long enough for any SMTP
    conversation; once it runs out, a message whose worker died is sent by the next sweep."""
    return datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)


def _queue_send(message_id: int) -> None:
    from .tasks import send_message

    send_message.delay(message_id)


@dataclass(frozen=True)
class OwedEmail:
    """An email to record: `key` says what it is for; the rest as for `email_enqueue`."""

    key: str
    template: str
    context: dict
    to: str
    attachments: tuple[tuple[str, str, str], ...] = ()
    cohort_id: int | None = None
    # Not before this moment (the recipient's working hours); None: as soon as possible.
    send_at: datetime.datetime | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # Already rendered by the caller (who needed the subject too); otherwise rendered from `template`.
    rendered: RenderedEmail | None = None


def _message(owed: OwedEmail) -> Message:
    rendered = owed.rendered or render_templated_email(template=owed.template, context=owed.context)
    message = Message(
        key=owed.key,
        kind=owed.template,
        to=owed.to,
        subject=rendered.subject[:300],
        text=rendered.text,
        html=rendered.html,
        attachments=[
            {"filename": name, "content": content, "mimetype": mimetype}
            for name, content, mimetype in owed.attachments
        ],
        cohort_id=owed.cohort_id,
        headers=dict(owed.headers),
    )
    if owed.send_at is not None:
        message.next_attempt_at = owed.send_at
    # Field checks only: the key and the status rule are the database's to enforce, and asking it per
    # message would cost a query each in a scan over thousands of pairs.
    message.full_clean(validate_unique=False, validate_constraints=False)
    return message


def email_enqueue(
    *,
    key: str,
    template: str,
    context: dict,
    to: str,
    attachments: Iterable[tuple[str, str, str]] = (),
    cohort_id: int | None = None,
    send_at: datetime.datetime | None = None,
    headers: dict[str, str] | None = None,
) -> Message | None:
    """Record one email to `to`, rendered now from `templates/emails/<template>_*`, to be sent after
    the surrounding transaction commits. Returns the message, or None when `to` is empty.

    A second call with the same `key` records nothing new and returns the first message, so
    callers key a message by what it is for (the object, its revision, the recipient).
    """
    if not to:
        return None
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message = _message(
        OwedEmail(
            key, template, context, to, tuple(attachments), cohort_id, send_at, tuple((headers or {}).items())
        )
    )
    return _record_one(message)


def _record_one(message: Message) -> Message:
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # The unique key, not the lookup above, is what holds under concurrency: a second writer with
        # the same key waits for the first to commit, then finds its row.
        return Message.objects.get(key=message.key)
    _queue_after_commit(message.pk)
    return message


@dataclass(frozen=True)
class OwedPost:
    """A chat post to record: `key` says what it is for (as for emails); `endpoint` is the incoming
    webhook (webhooks.SLACK or TEAMS by `channel`); `text` is plain text, `link` an absolute URL."""

    key: str
    kind: str
    channel: str
    endpoint: str
    text: str
    link: str = ""
    link_label: str = ""
    cohort_id: int | None = None


def _post(owed: OwedPost) -> Message:
    message = Message(
        key=owed.key,
        kind=owed.kind,
        channel=owed.channel,
        endpoint=owed.endpoint,
        payload=webhooks.payload(
            channel=owed.channel, text=owed.text, link=owed.link, link_label=owed.link_label
        ),
        subject=owed.text.splitlines()[0][:300] if owed.text else "",
        text=owed.text,
        cohort_id=owed.cohort_id,
    )
    message.full_clean(validate_unique=False, validate_constraints=False)
    return message


def post_enqueue(owed: OwedPost) -> Message | None:
    """Record one chat post, sent after the surrounding transaction commits; once per key, like
    `email_enqueue`. None when there is no webhook to post to."""
    if not owed.endpoint:
        return None
    existing = Message.objects.filter(key=owed.key).first()
    if existing is not None:
        return existing
    return _record_one(_post(owed))


def posts_enqueue(owed: Iterable[OwedPost]) -> dict[str, int]:
    """`post_enqueue` for many posts in a fixed number of queries (for scans over many pairs)."""
    return _record_many([_post(item) for item in owed if item.endpoint])


def emails_enqueue(owed: Iterable[OwedEmail]) -> dict[str, int]:
    """`email_enqueue` for many emails in a fixed number of queries (for scans over many pairs).
    Returns {key: message id} for every key given an address, new or recorded before."""
    return _record_many([_message(item) for item in owed if item.to])


def _record_many(messages: list[Message]) -> dict[str, int]:
    # ON CONFLICT DO NOTHING: a key recorded before (a second scan, a concurrent one) stays as it was.
    Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=1000)
    ids = dict(Message.objects.filter(key__in=[m.key for m in messages]).values_list("key", "pk"))
    pending = list(
        Message.objects.filter(
            pk__in=ids.values(), status=Message.Status.PENDING, claimed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if pending:
        # Queueing an id that is already queued is harmless: the send claims before it sends.
        transaction.on_commit(lambda: _queue_many(pending), robust=True)
    return ids


def _queue_many(message_ids: list[int]) -> None:
    for message_id in message_ids:
        _queue_send(message_id)


def _queue_after_commit(message_id: int) -> None:
    # robust: a broker that is down must not turn a committed change into an error page; the
    # sweep sends the message once the broker is back.
    # (A lambda, not functools.partial: Django logs a robust callback's failure by its __qualname__.)
    transaction.on_commit(lambda: _queue_send(message_id), robust=True)


def message_send(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Claim the message, send it, mark it sent. Returns False if it is not due or someone else has it.

    Not atomic on purpose: the claim commits before the SMTP conversation, so a second worker given
    the same id finds it claimed, and no row lock is held while waiting on the network. Delivery is
    at least once only in one narrow case: a worker killed after the SMTP server accepted the
    message but before `sent` is written. The Message-ID header is stable per message, so mail
    systems that dedupe by it drop that copy.
    """
    now = now or timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, status=Message.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease()))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        _deliver(message)
    except webhooks.PostFailed as error:
        _record_failure(message, error=error, now=now, retry=error.retry, retry_after=error.retry_after)
        return False
    except Exception as error:  # noqa: BLE001 - any failure to hand over is retried, then shown
        _record_failure(message, error=error, now=now)
        return False
    Message.objects.filter(pk=message_id).update(status=Message.Status.SENT, sent_at=timezone.now())
    return True


def _deliver(message: Message) -> None:
    """Hand the message over: to the mail server, or to the chat service's webhook."""
    if message.is_chat:
        webhooks.post(url=message.endpoint, body=message.payload)
        return
    email = build_email(
        rendered=_rendered(message),
        to=[message.to],
        attachments=[(a["filename"], a["content"], a["mimetype"]) for a in message.attachments],
        headers={**message.headers, "Message-ID": message_id_header(message)},
    )
    try:
        email.connection = _mail_connection()
        email.send()
    except smtplib.SMTPServerDisconnected:
        # The server closed a connection that sat idle between messages, before this one was given
        # to it: open a fresh one and hand the message over once more.
        _drop_mail_connection()
        email.connection = _mail_connection()
        try:
            email.send()
        except Exception:
            _drop_mail_connection()
            raise
    except Exception:
        _drop_mail_connection()
        raise


# One mail-server connection per worker process (per thread), kept between messages: opening one
# for each message (connect, EHLO, STARTTLS, AUTH) was most of a send's time. It is keyed by the
# email settings, so a changed setting opens a new one, and dropped after any failure.
_mail = threading.local()


def _mail_settings() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", ""),
        getattr(settings, "EMAIL_USE_TLS", False),
        getattr(settings, "EMAIL_USE_SSL", False),
    )


def _mail_connection():
    key = _mail_settings()
    if getattr(_mail, "key", None) != key or getattr(_mail, "connection", None) is None:
        _drop_mail_connection()
        connection = get_connection()
        connection.open()
        _mail.connection, _mail.key = connection, key
    return _mail.connection


def _drop_mail_connection() -> None:
    connection = getattr(_mail, "connection", None)
    _mail.connection = _mail.key = None
    if connection is not None:
        # A connection that is already broken closes as best it can.
        with contextlib.suppress(Exception):
            connection.close()


def _rendered(message: Message) -> RenderedEmail:
    return RenderedEmail(subject=message.subject, text=message.text, html=message.html)


def message_id_header(message: Message) -> str:
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:24]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<outbox.{message.pk}.{digest}@{domain}>"


def _record_failure(
    message: Message,
    *,
    error: Exception,
    now: datetime.datetime,
    retry: bool = True,
    retry_after: datetime.timedelta | None = None,
) -> None:
    """Try again after the backoff (or the wait the service asked for), or, out of attempts or
    refused for good, mark the message failed with the reason."""
    reason = str(error) if isinstance(error, webhooks.PostFailed) else f"{type(error).__name__}: {error}"
    if message.endpoint:
        # A webhook address is a secret: an error that quotes it (an invalid URL) quotes its mask.
        reason = reason.replace(message.endpoint, webhooks.mask(message.endpoint))
    text = reason[:500]
    logger.warning("outbox: message %s attempt %s failed: %s", message.pk, message.attempts, text)
    if not retry or message.attempts >= MAX_ATTEMPTS:
        Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED, last_error=text)
        return
    wait = BACKOFF[message.attempts - 1]
    if retry_after is not None:
        # The service said when: not sooner, and not later than the longest backoff.
        wait = min(max(retry_after, datetime.timedelta(seconds=1)), BACKOFF[-1])
    Message.objects.filter(pk=message.pk).update(claimed_at=None, last_error=text, next_attempt_at=now + wait)


def outbox_sweep(*, now: datetime.datetime | None = None, limit: int = 1000) -> list[int]:
    """Queue a send for every pending message that is due and unclaimed (or whose claim expired).
    Run by beat; also how a message recorded while the broker was down goes out."""
    from .selectors import messages_due

    due = messages_due(now=now or timezone.now(), lease=claim_lease())
    ids = list(due.values_list("pk", flat=True)[:limit])
    for message_id in ids:
        try:
            _queue_send(message_id)
        except Exception:  # noqa: BLE001 - the broker is down: the next sweep tries again
            logger.warning("outbox: broker unavailable; %s messages wait for the next sweep", len(ids))
            break
    return ids


def messages_cancel(messages) -> int:
    """Cancel those of `messages` (a queryset) still waiting to be sent: what they said is no longer
    owed (its pairing ended, its cohort stopped, the item it reminds of is done). A worker that has
    already claimed one may still send it; nothing claims a cancelled one. Returns how many."""
    return Message.objects.filter(pk__in=messages.values("pk"), status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED
    )


@transaction.atomic
def message_resend(*, message: Message) -> Message:
    """Put a failed message back in line, with its attempts reset."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not message.can_resend:
        raise ValidationError(_("Only a message that failed can be sent again."))
    message.status = Message.Status.PENDING
    message.attempts = 0
    message.claimed_at = None
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "claimed_at", "next_attempt_at"])
    _queue_after_commit(message.pk)
    return message
