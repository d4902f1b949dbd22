"""Writes for reminders: record the reminders that are owed, once per period, and write each one's
email into the outbox in the same transaction (the outbox sends it once, after commit)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import IntegerField, Value
from django.db.models.functions import Cast, StrIndex, Substr
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from notifications.services import OwedNotice, notify_many
from people.models import Person

from .models import Reminder
from .selectors import (
    REMINDED,
    pairings_due_check_in,
    pairings_due_pulse,
    reminder_messages_no_longer_owed,
    reminders_without_message,
)


def check_in_period_key(*, due_on: datetime.date, today: datetime.date, cadence_days: int) -> str:
    """`<due_on>/<n>`: n counts whole cadence periods since the check-in fell due, so a pair that
    stays silent is reminded once per period, and a new session (a new due_on) starts a new key."""
    n = (today - due_on).days // cadence_days
    return f"{due_on.isoformat()}/{n}"


def check_in_target(*, pairing_id: int, person_id: int) -> str:
    return f"pairing:{pairing_id}/person:{person_id}"


def _reachable(person: Person, today: datetime.date) -> bool:
    return bool(person.email) and not person.has_left(today)


# Pairings read per round trip, and members offered per batch: the scan's memory stays flat however
# many pairings are due, at a fixed few queries per batch.
PULSE_BATCH = 2000


def pulse_key(*, pairing_id: int, person_id: int, period: int) -> str:
    return f"pulse:{pairing_id}:{person_id}:{period}"


@transaction.atomic
def pulse_reminders_record(*, now: datetime.datetime | None = None) -> int:
    """Tell each member of each pairing whose current pulse period has begun (period 1 onwards:
    period 0 is the pair's first interval) that its pulse check-in is open, through notify_many
    (kind "pulse"): the email carries one signed link per score. Returns how many were offered.

    Safe to repeat: the notification key names the pairing, the person and the period (the index
    of the interval since the pairing started), so a second scan in the same period tells nobody.
    """
    from sessions.checkins import pulse_period

    now = now or timezone.now()
    today = timezone.localdate(now)
    offered = 0
    batch: list[tuple[Pairing, Person, int]] = []
    for pairing in pairings_due_pulse(today=today).iterator(chunk_size=PULSE_BATCH):
        n = pulse_period(pairing, today=today)
        if not n:
            continue
        batch.extend((pairing, person, n) for person in pairing.members())
        if len(batch) >= PULSE_BATCH:
            offered += _pulse_offer(batch, now=now)
            batch = []
    if batch:
        offered += _pulse_offer(batch, now=now)
    pulse_emails_cancel_unowed()
    return offered


def _pulse_offer(batch: list[tuple[Pairing, Person, int]], *, now: datetime.datetime) -> int:
    """Offer one batch's pulses; returns how many were offered. Those told already this period are
    left out before their links are signed and their emails rendered: every scan of the period
    after the first meets them all again, and skipping them keeps those scans cheap (notify_many
    would skip them too, by key, after the work)."""
    from notifications.models import Notification

    keys = {pulse_key(pairing_id=g.pk, person_id=p.pk, period=n): (g, p, n) for g, p, n in batch}
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [_pulse_notice(g, person=p, period=n) for key, (g, p, n) in keys.items() if key not in told]
    if fresh:
        notify_many(fresh, now=now)
    return len(batch)


def pulse_emails_cancel_unowed() -> int:
    """Cancel the pulse emails still waiting in the outbox (held for the person's morning, or the
    broker was down) whose pairing is no longer reminded: ended, or its cohort stopped running.
    Returns how many. The pairing is the second part of the email's key (`pulse_key`)."""
    from outbox.models import Message

    rest = Substr("key", len("pulse:") + 1)
    pairing_id = Cast(Substr(rest, 1, StrIndex(rest, Value(":")) - 1), IntegerField())
    unowed = (
        Message.objects.filter(key__startswith="pulse:", status=Message.Status.PENDING)
        .annotate(pairing_id=pairing_id)
        .exclude(pairing_id__in=Pairing.objects.filter(REMINDED).values("pk"))
    )
    return Message.objects.filter(pk__in=unowed.values("pk"), status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED
    )


def _pulse_notice(pairing: Pairing, *, person: Person, period: int):
    from sessions.checkins import period_ends_on
    from sessions.links import pulse_answer_urls

    urls = pulse_answer_urls(person_id=person.pk, pairing_id=pairing.pk, period=period)
    return OwedNotice(
        kind="pulse",
        person=person,
        key=pulse_key(pairing_id=pairing.pk, person_id=person.pk, period=period),
        context={
            "partner": pairing.partner_of(person),
            "cohort": pairing.cohort,
            "answer_by": period_ends_on(pairing, period),
            "answer_urls": sorted(urls.items()),
        },
        url=reverse("mentoring_sessions:checkin-create", args=[pairing.pk]),
        programme_id=pairing.cohort.programme_id,
        cohort_id=pairing.cohort_id,
    )


@transaction.atomic
def reminders_scan_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Record a check-in reminder for each member of each overdue pairing, then write the email of
    every reminder not yet in the outbox. Returns the ids of the reminders written.

    Safe to run any number of times, even concurrently: the unique (kind, target, period_key)
    constraint turns a second insert of the same reminder into a no-op, and the outbox's unique key
    (`reminder:<id>`) does the same for its email.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)

    owed = []
    for pairing in pairings_due_check_in(today=today):
        period_key = check_in_period_key(
            due_on=pairing.due_on, today=today, cadence_days=pairing.cohort.cadence_days
        )
        for person in pairing.members():
            if not _reachable(person, today):
                continue
            owed.append(
                Reminder(
                    kind=Reminder.Kind.CHECK_IN,
                    target=check_in_target(pairing_id=pairing.pk, person_id=person.pk),
                    period_key=period_key,
                    channel=Reminder.Channel.EMAIL,
                    pairing=pairing,
                    person=person,
                    created_at=now,
                )
            )
    # No full_clean(): every field comes from rows the database already validated, and its unique
    # check would cost a query per row for what ON CONFLICT DO NOTHING does in one statement.
    Reminder.objects.bulk_create(owed, ignore_conflicts=True)

    written = reminders_write_messages(now=now)
    reminders_cancel_unowed()
    return written


def reminders_cancel_unowed() -> int:
    """Cancel the emails still waiting for pairings that have ended (or whose cohort stopped
    running) since their reminder was recorded, e.g. while the broker was down. Returns how many."""
    from outbox.models import Message

    unowed = reminder_messages_no_longer_owed().values("message_id")
    return Message.objects.filter(pk__in=unowed, status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED
    )


def reminders_write_messages(*, now: datetime.datetime) -> list[int]:
    """Write the email of every reminder recorded but not yet in the outbox, and link it; returns
    the ids of those reminders. In the caller's transaction: a reminder and its email commit together,
    and the outbox sends it (once, however often this runs) after commit."""
    from outbox.services import OwedEmail, emails_enqueue

    today = timezone.localdate(now)
    reminders = list(reminders_without_message())
    owed = []
    for reminder in reminders:
        if reminder.kind == Reminder.Kind.CHECK_IN:
            template, context = "check_in_due", _check_in_context(reminder, today=today)
        elif reminder.kind == Reminder.Kind.PULSE:
            template, context = "pulse_check_in", _pulse_context(reminder)
        else:
            raise ValueError(f"No email for reminder kind {reminder.kind!r}")
        owed.append(
            OwedEmail(
                key=f"reminder:{reminder.pk}",
                template=template,
                context=context,
                to=reminder.person.email,
                cohort_id=reminder.pairing.cohort_id if reminder.pairing else None,
            )
        )
    message_ids = emails_enqueue(owed)
    for reminder in reminders:
        reminder.message_id = message_ids.get(f"reminder:{reminder.pk}")
    Reminder.objects.bulk_update([r for r in reminders if r.message_id], ["message"], batch_size=1000)
    return [r.pk for r in reminders if r.message_id]


def _check_in_context(reminder: Reminder, *, today: datetime.date) -> dict:
    pairing: Pairing = reminder.pairing
    is_mentor = reminder.person_id == pairing.mentor.person_id
    return {
        "recipient": reminder.person,
        "partner": pairing.partner_of(reminder.person),
        "is_mentor": is_mentor,
        "has_met": reminder.last_met_on is not None,
        "days_since": pairing.days_since_last_session(reminder.last_met_on, today=today),
        "cadence_days": pairing.cohort.cadence_days,
        "cohort": pairing.cohort,
        "pairing_url": settings.SITE_URL + pairing.get_absolute_url(),
    }


def _pulse_context(reminder: Reminder) -> dict:
    from sessions.checkins import period_ends_on, pulse_token

    pairing: Pairing = reminder.pairing
    period = int(reminder.period_key)
    token = pulse_token(pairing_id=pairing.pk, person_id=reminder.person_id, period=period)
    return {
        "recipient": reminder.person,
        "partner": pairing.partner_of(reminder.person),
        "cohort": pairing.cohort,
        "answer_by": period_ends_on(pairing, period),
        "checkin_url": settings.SITE_URL + reverse("mentoring_sessions:checkin-answer", args=[token]),
    }
