"""Writes for reminders: record the reminders that are owed, once per period, and write each one's
email into the outbox in the same transaction (the outbox sends it once, after commit)."""

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, StrIndex, Substr
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from mentorship.chunks import keyset_chunks
from notifications import keys
from notifications.models import Notification, Preferences
from notifications.services import OwedNotice, notify_many
from outbox.services import messages_cancel
from people.models import Person
from sessions.chat import silent_pairs_alert

from .models import Reminder
from .selectors import (
    REMINDED,
    action_items_due,
    goals_due,
    pairings_due_check_in,
    pairings_due_pulse,
    pairings_overdue_for_escalation,
    programme_admins,
    reminder_messages_no_longer_owed,
    scheduled_sessions_upcoming,
)


def check_in_period_key(*, due_on: datetime.date, today: datetime.date, cadence_days: int) -> str:
    """`<due_on>/<n>`: n counts whole cadence periods since the check-in fell due, so a pair that
    stays silent is reminded once per period, and a new session (a new due_on) starts a new key."""
    n = (today - due_on).days // cadence_days
    return f"{due_on.isoformat()}/{n}"


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
    return messages_cancel(unowed)


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


def reminders_scan_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Record every reminder owed now (check-in due and its escalation, upcoming sessions, action
    items and goals due soon or overdue, the admins' weekly digest), tell each person through
    notifications.notify_many (in-app, and an email held for their working hours), and cancel the
    emails no longer owed. Returns the ids
    of the reminders recorded by this scan.

    Safe to run any number of times, even concurrently: the unique (kind, target, period_key)
    constraint turns a second insert of the same reminder into a no-op, a reminder is told only by
    the scan that inserted it, and the notification and outbox keys (`reminder:<kind>:<target>:
    <period>`) hold the same line. Memory stays flat however many pairs there are: each source is
    read a chunk of CHUNK rows at a time (by keyset), and each chunk commits on its own.
    """
    from . import digests

    now = now or timezone.now()
    today = timezone.localdate(now)
    recorded = []
    for owed in _owed_in_chunks(now=now, today=today):
        recorded += record_and_tell(owed, now=now)
        # Let go of this chunk before the next one is read: memory holds one chunk, not two.
        del owed
    recorded += escalations_record_and_tell(now=now, today=today)
    recorded += record_and_tell(digests.admin_digests_owed(now=now, today=today), now=now)
    with transaction.atomic():
        # The cohorts' chat channels hear of pairs silent for twice their cadence (once per stretch).
        silent_pairs_alert(today=today)
        reminders_cancel_unowed()
    return recorded


# Rows per chunk: about 2,000 reminders and their emails per transaction.
CHUNK = 1000
# How long before its date an action item or a goal is "due soon".
DUE_SOON_DAYS = 2
UPCOMING_WITHIN = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Owed:
    """One reminder to record and, if this scan records it, the notice that tells its person."""

    reminder: Reminder
    notice: OwedNotice


def reminder_key(*, kind: str, target: str, period_key: str) -> str:
    return f"reminder:{kind}:{target}:{period_key}"


def owed_reminder(
    *, kind, notice_kind, person, target, period_key, now, context, url, pairing=None, cohort=None
) -> Owed:
    return Owed(
        reminder=Reminder(
            kind=kind,
            target=target,
            period_key=period_key,
            channel=Reminder.Channel.EMAIL,
            pairing=pairing,
            person=person,
            created_at=now,
        ),
        notice=OwedNotice(
            kind=notice_kind,
            person=person,
            key=reminder_key(kind=kind, target=target, period_key=period_key),
            context=context,
            url=url,
            programme_id=cohort.programme_id if cohort else None,
            cohort_id=cohort.pk if cohort else None,
        ),
    )


def _owed_in_chunks(*, now: datetime.datetime, today: datetime.date) -> Iterator[list[Owed]]:
    """What each source owes, a chunk at a time. Each source is read by keyset (mentorship.chunks:
    one plain query per CHUNK rows that are due, nothing held open across the chunks' commits):
    memory holds one chunk whatever the number of pairs, and queries grow only by a fixed number
    per CHUNK rows that are due, never per pair."""
    sources = (
        (pairings_due_check_in(today=today), _check_in_owed),
        (scheduled_sessions_upcoming(now=now, within=UPCOMING_WITHIN), _upcoming_owed),
        (action_items_due(soon_until=today + datetime.timedelta(days=DUE_SOON_DAYS)), _action_item_owed),
        (goals_due(soon_until=today + datetime.timedelta(days=DUE_SOON_DAYS)), _goal_owed),
    )
    for rows, owed_for in sources:
        for chunk in keyset_chunks(rows, size=CHUNK):
            owed = []
            for row in chunk:
                owed += owed_for(row, now=now, today=today)
            yield owed
            del chunk, owed


def record_and_tell(owed: list[Owed], *, now: datetime.datetime) -> list[int]:
    """Record the reminders of one chunk and tell the people of those this call inserted, in one
    transaction and a fixed number of queries. People away today are skipped: the next period's
    reminder finds them back."""
    from outbox.models import Message

    if not owed:
        return []
    # Only what no earlier scan recorded is told: a scan that finds nothing new costs one query a
    # chunk. Two scans at once may both find a reminder new; the unique key then keeps one row, and
    # the notification's and the email's unique keys one of each.
    recorded = set(
        Reminder.objects.filter(
            kind__in={o.reminder.kind for o in owed},
            target__in={o.reminder.target for o in owed},
            period_key__in={o.reminder.period_key for o in owed},
        ).values_list("kind", "target", "period_key")
    )
    fresh = [o for o in owed if (o.reminder.kind, o.reminder.target, o.reminder.period_key) not in recorded]
    fresh = _not_away(fresh, now=now) if fresh else []
    if not fresh:
        return []
    with transaction.atomic():
        # No full_clean(): every field comes from rows the database already validated, and its unique
        # check would cost a query per row for what ON CONFLICT DO NOTHING does in one statement.
        Reminder.objects.bulk_create([o.reminder for o in fresh], ignore_conflicts=True, batch_size=CHUNK)
        notices = [o.notice for o in fresh]
        notify_many(notices, now=now)
        ids = list(
            Reminder.objects.filter(
                kind__in={o.reminder.kind for o in fresh},
                target__in={o.reminder.target for o in fresh},
                period_key__in={o.reminder.period_key for o in fresh},
                created_at=now,
            ).values_list("pk", flat=True)
        )
        # Link each reminder to its email (none for a muted kind or a person without an address), by
        # the shared key, in one UPDATE.
        key = Concat(
            Value("reminder:"),
            OuterRef("kind"),
            Value(":"),
            OuterRef("target"),
            Value(":"),
            OuterRef("period_key"),
            output_field=CharField(),
        )
        Reminder.objects.filter(pk__in=ids).update(
            message=Subquery(Message.objects.filter(key=key).values("pk")[:1])
        )
    return ids


def _not_away(owed: list[Owed], *, now: datetime.datetime) -> list[Owed]:
    """Without the reminders of people who are away today (in their own time zone) or have left."""
    reachable = {person.pk for person in _reachable([o.reminder.person for o in owed], now=now)}
    return [o for o in owed if o.reminder.person.pk in reachable]


def _reachable(people: list[Person], *, now: datetime.datetime) -> list[Person]:
    """Those of `people` who have not left and are not away today, in their own time zone (one query)."""
    today = now.date()
    away_until = dict(
        Preferences.objects.filter(
            person_id__in={person.pk for person in people},
            away_until__gte=today - datetime.timedelta(days=1),
        ).values_list("person_id", "away_until")
    )

    def reachable(person: Person) -> bool:
        if person.has_left(today):
            return False
        back = away_until.get(person.pk)
        return back is None or timezone.localdate(now, person.tzinfo) > back

    return [person for person in people if reachable(person)]


def _check_in_owed(pairing: Pairing, *, now, today) -> list[Owed]:
    cadence = pairing.cohort.cadence_days
    period_key = check_in_period_key(due_on=pairing.due_on, today=today, cadence_days=cadence)
    path = pairing.get_absolute_url()
    owed = []
    for person in pairing.members():
        context = {
            "partner": pairing.partner_of(person),
            "is_mentor": person.pk == pairing.mentor.person_id,
            "has_met": pairing.last_session_on is not None,
            "days_since": pairing.days_since_last_session(pairing.last_session_on, today=today),
            "cadence_days": cadence,
            "cohort": pairing.cohort,
        }
        owed.append(
            owed_reminder(
                kind=Reminder.Kind.CHECK_IN,
                notice_kind="check_in_due",
                person=person,
                target=keys.check_in_target(pairing_id=pairing.pk, person_id=person.pk),
                period_key=period_key,
                now=now,
                context=context,
                url=path,
                pairing=pairing,
                cohort=pairing.cohort,
            )
        )
    return owed


# Pairs listed by name in one admin's escalation email; the rest are counted (the programme health
# page lists them all). Keeps the email readable and the scan's memory flat however many are silent.
ESCALATION_LISTED = 50


def escalation_key(*, admin_id: int, today: datetime.date) -> str:
    return reminder_key(
        kind=Reminder.Kind.CHECK_IN_OVERDUE, target=f"admin:{admin_id}", period_key=f"{today}"
    )


def escalations_record_and_tell(*, now: datetime.datetime, today: datetime.date) -> list[int]:
    """Tell each programme admin, in one email a day, of the pairs newly silent for twice their
    cadence: each pair once per silent stretch (a reminder per pair and admin, keyed by the day the
    stretch began; a new session starts a new one), and again after each further twice-the-cadence.
    Returns the ids of the reminders recorded.

    An admin told today already, or away, has nothing recorded: the pairs wait for the next day's
    email, so none is recorded without being told. One transaction for the whole source (the pairs
    are read a chunk at a time; each admin's list keeps ESCALATION_LISTED of them), so a scan killed
    half-way records nothing and the next one tells them all."""
    admins = _reachable(list(programme_admins()), now=now)
    day_keys = {admin.pk: escalation_key(admin_id=admin.pk, today=today) for admin in admins}
    told = set(Notification.objects.filter(key__in=day_keys.values()).values_list("key", flat=True))
    admins = [admin for admin in admins if day_keys[admin.pk] not in told]
    if not admins:
        return []
    listed: dict[int, list[dict]] = {admin.pk: [] for admin in admins}
    counted: Counter = Counter()
    with transaction.atomic():
        for chunk in keyset_chunks(pairings_overdue_for_escalation(today=today), size=CHUNK):
            owed = [
                _escalation(pairing, admin, now=now, today=today) for pairing in chunk for admin in admins
            ]
            for reminder, pair in _unrecorded(owed):
                counted[reminder.person_id] += 1
                if len(listed[reminder.person_id]) < ESCALATION_LISTED:
                    listed[reminder.person_id].append(pair)
            Reminder.objects.bulk_create(
                [reminder for reminder, _pair in owed], ignore_conflicts=True, batch_size=CHUNK
            )
            del chunk, owed
        notices = [
            _escalation_notice(admin, key=day_keys[admin.pk], pairs=listed[admin.pk], count=counted[admin.pk])
            for admin in admins
            if counted[admin.pk]
        ]
        if not notices:
            return []
        notify_many(notices, now=now)
        return list(
            Reminder.objects.filter(
                kind=Reminder.Kind.CHECK_IN_OVERDUE, person__in=[n.person for n in notices], created_at=now
            ).values_list("pk", flat=True)
        )


def _escalation(pairing: Pairing, admin: Person, *, now, today) -> tuple[Reminder, dict]:
    cadence = pairing.cohort.cadence_days
    return (
        Reminder(
            kind=Reminder.Kind.CHECK_IN_OVERDUE,
            target=keys.check_in_target(pairing_id=pairing.pk, person_id=admin.pk),
            period_key=check_in_period_key(due_on=pairing.overdue_on, today=today, cadence_days=2 * cadence),
            channel=Reminder.Channel.EMAIL,
            pairing=pairing,
            person=admin,
            created_at=now,
        ),
        {
            "pairing": pairing,
            "mentor": pairing.mentor.person,
            "mentee": pairing.mentee.person,
            "days_since": (today - pairing.last_met_on).days,
            "has_met": pairing.last_session_on is not None,
            "cadence_days": cadence,
            "cohort": pairing.cohort,
            "path": pairing.get_absolute_url(),
        },
    )


def _unrecorded(owed: list[tuple[Reminder, dict]]) -> list[tuple[Reminder, dict]]:
    """Those of `owed` no earlier scan recorded (one query)."""
    if not owed:
        return []
    recorded = set(
        Reminder.objects.filter(
            kind=Reminder.Kind.CHECK_IN_OVERDUE,
            target__in={r.target for r, _pair in owed},
            period_key__in={r.period_key for r, _pair in owed},
        ).values_list("target", "period_key")
    )
    return [(r, pair) for r, pair in owed if (r.target, r.period_key) not in recorded]


def _escalation_notice(admin: Person, *, key: str, pairs: list[dict], count: int) -> OwedNotice:
    from notifications.links import absolute

    # One pair: its workspace. Several: the programme health page, which lists them all.
    url = pairs[0]["path"] if count == 1 else reverse("dashboards:health")
    return OwedNotice(
        kind="check_in_overdue",
        person=admin,
        key=key,
        context={
            "pairs": [{**pair, "url": absolute(pair["path"])} for pair in pairs],
            "count": count,
            "more": count - len(pairs),
        },
        url=url,
        # Pairs from several programmes: the product's own wording, not one programme's.
        programme_id=pairs[0]["cohort"].programme_id if count == 1 else None,
        cohort_id=pairs[0]["cohort"].pk if count == 1 else None,
    )


def _upcoming_owed(scheduled, *, now, today) -> list[Owed]:
    """Both sides, once per planned time: a moved session (a new start) is reminded again."""
    pairing = scheduled.pairing
    path = pairing.get_absolute_url()
    owed = []
    for person in pairing.members():
        context = {
            "partner": pairing.partner_of(person),
            "scheduled": scheduled,
            # Naive on purpose: the template's date filter would turn an aware time back into the
            # site's zone.
            "starts_local": scheduled.starts_at.astimezone(person.tzinfo).replace(tzinfo=None),
            "time_zone": person.time_zone or "UTC",
            "cohort": pairing.cohort,
        }
        owed.append(
            owed_reminder(
                kind=Reminder.Kind.SESSION_UPCOMING,
                notice_kind="session_upcoming",
                person=person,
                target=keys.scheduled_session_target(scheduled_id=scheduled.pk, person_id=person.pk),
                period_key=scheduled.starts_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M"),
                now=now,
                context=context,
                url=path,
                pairing=pairing,
                cohort=pairing.cohort,
            )
        )
    return owed


def _due_period(due_on: datetime.date, today: datetime.date) -> str:
    """ "soon" before the date, "overdue" after it: one reminder each, whatever the scans."""
    return "overdue" if due_on < today else "soon"


def _action_item_owed(item, *, now, today) -> list[Owed]:
    pairing = item.pairing
    path = pairing.get_absolute_url()
    period = _due_period(item.due_on, today)
    context = {
        "item": item,
        "is_overdue": period == "overdue",
        "days": abs((item.due_on - today).days),
        "cohort": pairing.cohort,
    }
    return [
        owed_reminder(
            kind=Reminder.Kind.ACTION_ITEM_DUE,
            notice_kind="action_item_due",
            person=item.owner,
            target=keys.action_item_target(item_id=item.pk, person_id=item.owner_id),
            period_key=f"{item.due_on.isoformat()}/{period}",
            now=now,
            context=context,
            url=path,
            pairing=pairing,
            cohort=pairing.cohort,
        )
    ]


def _goal_owed(goal, *, now, today) -> list[Owed]:
    pairing = goal.pairing
    period = _due_period(goal.due_on, today)
    goal_path = reverse("mentoring_sessions:goal-detail", args=[pairing.pk, goal.pk])
    owed = []
    for person in pairing.members():
        context = {
            "goal": goal,
            "is_mentor": person.pk == pairing.mentor.person_id,
            "mentee": pairing.mentee.person,
            "is_overdue": period == "overdue",
            "days": abs((goal.due_on - today).days),
            "cohort": pairing.cohort,
        }
        owed.append(
            owed_reminder(
                kind=Reminder.Kind.GOAL_DUE,
                notice_kind="goal_due",
                person=person,
                target=keys.goal_target(goal_id=goal.pk, person_id=person.pk),
                period_key=f"{goal.due_on.isoformat()}/{period}",
                now=now,
                context=context,
                url=goal_path,
                pairing=pairing,
                cohort=pairing.cohort,
            )
        )
    return owed


def reminders_cancel_unowed() -> int:
    """Cancel the emails still waiting for pairings that have ended (or whose cohort stopped
    running) since their reminder was recorded, e.g. while the broker was down. Returns how many."""
    from outbox.models import Message

    unowed = reminder_messages_no_longer_owed().values("message_id")
    return messages_cancel(Message.objects.filter(pk__in=unowed))
