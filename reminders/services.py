"""Writes for reminders: record the reminders that are owed, and send one of them exactly once
(as far as SMTP allows; see `reminder_send`)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from mentorship.emails import send_templated_email
from people.models import Person

from .models import Reminder
from .selectors import pairings_due_check_in, pairings_due_pulse, reminders_pending

# How long a claimed reminder belongs to the worker that claimed it. Long enough for any SMTP
# conversation to finish; short enough that a reminder whose worker died goes out the same hour.
CLAIM_LEASE = datetime.timedelta(minutes=15)


def check_in_period_key(*, due_on: datetime.date, today: datetime.date, cadence_days: int) -> str:
    """`<due_on>/<n>`: n counts whole cadence periods since the check-in fell due, so a pair that
    stays silent is reminded once per period, and a new session (a new due_on) starts a new key."""
    n = (today - due_on).days // cadence_days
    return f"{due_on.isoformat()}/{n}"


def check_in_target(*, pairing_id: int, person_id: int) -> str:
    return f"pairing:{pairing_id}/person:{person_id}"


def _reachable(person: Person, today: datetime.date) -> bool:
    return bool(person.email) and not person.has_left(today)


def pulse_reminders_record(*, now: datetime.datetime | None = None) -> int:
    """Record a pulse reminder for each member of each pairing whose current pulse period has begun
    (period 1 onwards: period 0 is the pair's first interval). Returns how many rows were offered.

    Sending is left to `reminders_scan_due`, which queues every pending reminder whatever its kind;
    beat's scan task calls this first. Safe to repeat: the period key is the index of the interval
    since the pairing started, so a second scan in the same period inserts nothing.
    """
    from sessions.checkins import period_key, pulse_period

    now = now or timezone.now()
    today = timezone.localdate(now)
    owed = []
    for pairing in pairings_due_pulse(today=today):
        n = pulse_period(pairing, today=today)
        if not n:
            continue
        for person in (pairing.mentor.person, pairing.mentee.person):
            if not _reachable(person, today):
                continue
            owed.append(
                Reminder(
                    kind=Reminder.Kind.PULSE,
                    target=check_in_target(pairing_id=pairing.pk, person_id=person.pk),
                    period_key=period_key(n),
                    channel=Reminder.Channel.EMAIL,
                    pairing=pairing,
                    person=person,
                    created_at=now,
                )
            )
    # As in reminders_scan_due: ON CONFLICT DO NOTHING is the once-per-period guarantee.
    Reminder.objects.bulk_create(owed, ignore_conflicts=True)
    return len(owed)


@transaction.atomic
def reminders_scan_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Record a check-in reminder for each member of each overdue pairing, then queue a send for
    every reminder still owed. Returns the ids queued.

    Safe to run any number of times, even concurrently: the unique (kind, target, period_key)
    constraint turns a second insert of the same reminder into a no-op, and `reminder_send` claims
    before sending, so a reminder queued twice is still sent once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)

    owed = []
    for pairing in pairings_due_check_in(today=today):
        period_key = check_in_period_key(
            due_on=pairing.due_on, today=today, cadence_days=pairing.cohort.cadence_days
        )
        for person in (pairing.mentor.person, pairing.mentee.person):
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

    # Every pending reminder, not only the ones inserted now: this is also how a reminder whose
    # send failed, or whose worker died, is retried once its claim has expired.
    pending = list(reminders_pending(now=now, lease=CLAIM_LEASE).values_list("pk", flat=True))
    # Imported here because tasks import this module.
    from .tasks import send_reminder

    # After commit, so a worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: [send_reminder.delay(pk) for pk in pending])
    return pending


def reminder_send(*, reminder_id: int, now: datetime.datetime | None = None) -> bool:
    """Claim the reminder, send it, mark it sent. Returns False if it was sent or is being sent.

    Deliberately not atomic: the claim must commit before the SMTP conversation starts, so that a
    second worker handed the same id (a duplicate queue entry, a redelivered message) finds it
    claimed, and so no row lock is held while we wait on the network.

    Trade-off: delivery is at least once, not exactly once. If the worker dies after the SMTP
    server accepted the message but before `sent_at` is written, the reminder looks unsent; once
    the claim's lease (CLAIM_LEASE) runs out, the next scan sends it again. The alternative, marking
    it sent before sending, would lose the reminder instead; a duplicate nudge is the cheaper error.
    """
    now = now or timezone.now()
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now)
    )
    if not claimed:
        return False

    reminder = (
        Reminder.objects.select_related(
            "person",
            "pairing__cohort__programme",
            "pairing__mentor__person",
            "pairing__mentee__person",
        )
        .annotate(last_met_on=Max("pairing__sessions__held_on"))
        .get(pk=reminder_id)
    )
    today = timezone.localdate(now)
    if reminder.kind == Reminder.Kind.CHECK_IN:
        template, context = "check_in_due", _check_in_context(reminder, today=today)
    elif reminder.kind == Reminder.Kind.PULSE:
        template, context = "pulse_check_in", _pulse_context(reminder)
    else:
        raise ValueError(f"No email for reminder kind {reminder.kind!r}")
    send_templated_email(template=template, context=context, to=[reminder.person.email])
    Reminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now())
    return True


def _check_in_context(reminder: Reminder, *, today: datetime.date) -> dict:
    pairing: Pairing = reminder.pairing
    is_mentor = reminder.person_id == pairing.mentor.person_id
    return {
        "recipient": reminder.person,
        "partner": pairing.mentee.person if is_mentor else pairing.mentor.person,
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
    is_mentor = reminder.person_id == pairing.mentor.person_id
    token = pulse_token(pairing_id=pairing.pk, person_id=reminder.person_id, period=period)
    return {
        "recipient": reminder.person,
        "partner": pairing.mentee.person if is_mentor else pairing.mentor.person,
        "cohort": pairing.cohort,
        "answer_by": period_ends_on(pairing, period),
        "checkin_url": settings.SITE_URL + reverse("mentoring_sessions:checkin-answer", args=[token]),
    }
