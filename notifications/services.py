"""Telling people: one function records a notification for the product's notifications page and,
when the person wants it by email, the email in the outbox, both in the caller's transaction and
both keyed by what they are about, so a repeated request or scan tells nobody twice."""

import dataclasses
import datetime
import functools
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.emails import render_templated_email
from outbox.models import Message
from outbox.services import OwedEmail, emails_enqueue, messages_cancel
from people.models import Person

from . import delivery, links, wording
from .kinds import KINDS, kind_named
from .models import Notification, Preferences, Wording


@dataclass(frozen=True)
class OwedNotice:
    """One notification owed to `person`: `key` says what it is for ("session-moved:12:3:45");
    `url` is the site path it asks them to open; `actor` the person who acted, named in it."""

    kind: str
    person: Person
    key: str
    context: dict = field(default_factory=dict)
    url: str = ""
    actor: Person | None = None
    programme_id: int | None = None
    cohort_id: int | None = None
    attachments: tuple[tuple[str, str, str], ...] = ()


def notify(
    *,
    kind: str,
    person: Person,
    key: str,
    context: dict | None = None,
    url: str = "",
    actor: Person | None = None,
    programme_id: int | None = None,
    cohort_id: int | None = None,
    attachments: Iterable[tuple[str, str, str]] = (),
    now: datetime.datetime | None = None,
) -> Notification | None:
    """Tell one person about one thing (see `notify_many`). Returns the notification, the one
    recorded before under the same key, or None for someone who has left the organisation."""
    ids = notify_many(
        [
            OwedNotice(
                kind=kind,
                person=person,
                key=key,
                context=context or {},
                url=url,
                actor=actor,
                programme_id=programme_id,
                cohort_id=cohort_id,
                attachments=tuple(attachments),
            )
        ],
        now=now,
    )
    return Notification.objects.get(pk=ids[key]) if key in ids else None


def _preferences(person_ids: set[int]) -> dict[int, Preferences]:
    found = {p.person_id: p for p in Preferences.objects.filter(person_id__in=person_ids)}
    return {pk: found.get(pk) or Preferences(person_id=pk) for pk in person_ids}


@transaction.atomic
def notify_many(owed: Iterable[OwedNotice], *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Record each notice once (by key) and its email, in a fixed number of queries however many
    notices there are (scans tell thousands of people at once). Returns {key: notification id} for
    every notice kept, new or recorded before.

    The email waits for the person's working hours (time zone, working days, quiet hours, time away)
    unless its kind says otherwise; a person who muted the kind gets the notification only. People
    who have left the organisation are told nothing.
    """
    now = now or timezone.now()
    today = now.date()
    notices = [item for item in owed if not item.person.has_left(today)]
    if not notices:
        return {}
    known = set(Notification.objects.filter(key__in=[n.key for n in notices]).values_list("key", flat=True))
    # One notice per key: a key given twice in one call is one notification.
    fresh = list({n.key: n for n in notices if n.key not in known}.values())
    preferences = _preferences({n.person.pk for n in fresh})
    overrides = _wordings(fresh)
    settings_url = links.absolute(reverse("notifications:settings"))
    rows, emails = [], []
    for notice in fresh:
        kind = kind_named(notice.kind)
        person = notice.person
        prefs = preferences[person.pk]
        context = {
            **notice.context,
            "recipient": person,
            "first_name": person.first_name,
            "actor": notice.actor,
            "url": links.absolute(notice.url) if notice.url else "",
            "unsubscribe_url": links.unsubscribe_url(person_id=person.pk, kind=kind.name),
            "settings_url": settings_url,
            "kind": kind,
        }
        override = overrides.get((notice.programme_id, kind.name))
        if override is not None:
            rendered = wording.render(
                subject=override.subject,
                text=override.text,
                values=wording.values(context),
                unsubscribe_url=context["unsubscribe_url"],
            )
        else:
            rendered = render_templated_email(template=kind.email_template, context=context)
            rendered = dataclasses.replace(
                rendered,
                text=rendered.text.rstrip("\n")
                + "\n"
                + wording.unsubscribe_footer(context["unsubscribe_url"]),
            )
        rows.append(
            Notification(
                person=person,
                kind=kind.name,
                key=notice.key,
                title=rendered.subject[:300],
                url=notice.url,
                actor=notice.actor,
                programme_id=notice.programme_id,
                cohort_id=notice.cohort_id,
                created_at=now,
            )
        )
        if person.email and prefs.wants_email(kind.name):
            send_at = None
            if kind.waits_for_working_hours:
                at = delivery.deliver_at(now, prefs.availability(person.time_zone))
                send_at = at if at > now else None
            emails.append(
                OwedEmail(
                    key=notice.key,
                    template=kind.email_template,
                    context={},
                    to=person.email,
                    attachments=notice.attachments,
                    cohort_id=notice.cohort_id,
                    send_at=send_at,
                    headers=(
                        ("List-Unsubscribe", f"<{context['unsubscribe_url']}>"),
                        # RFC 8058: a mail client's one-click unsubscribe is a POST to that link.
                        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                    ),
                    rendered=rendered,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    _count_unread(Counter(row.person_id for row in rows))
    if emails:
        emails_enqueue(emails)
    return dict(Notification.objects.filter(key__in=[n.key for n in notices]).values_list("key", "pk"))


def _wordings(notices: list[OwedNotice]) -> dict[tuple[int, str], Wording]:
    """The programmes' own wordings these notices use, in one query (none without a programme)."""
    programme_ids = {n.programme_id for n in notices if n.programme_id}
    if not programme_ids:
        return {}
    found = Wording.objects.filter(programme_id__in=programme_ids, kind__in={n.kind for n in notices})
    return {(w.programme_id, w.kind): w for w in found}


def _count_unread(added: Counter) -> None:
    """Add to each person's unread counter: one UPDATE per distinct number added (almost always one),
    with F() so concurrent notifications to the same person both count.

    Notices whose key a concurrent transaction recorded first are counted here too (the insert skipped
    them after the check above); opening the notifications page and marking read set the counter
    from the rows again, so such a miscount lasts until the person next looks."""
    by_amount: dict[int, list[int]] = {}
    for person_id, amount in added.items():
        by_amount.setdefault(amount, []).append(person_id)
    for amount, person_ids in by_amount.items():
        Person.objects.filter(pk__in=person_ids).update(
            unread_notifications=F("unread_notifications") + amount
        )


def _uncount_unread(*, person: Person, read: int) -> None:
    if read:
        Person.objects.filter(pk=person.pk).update(
            unread_notifications=Greatest(F("unread_notifications") - read, Value(0))
        )


@transaction.atomic
def notices_withdraw(*, key_prefixes: Iterable[str], now: datetime.datetime | None = None) -> int:
    """What is still owed under these keys is no longer true (the action item is done, the goal
    achieved or dropped, the pairing ended): cancel the emails still waiting (held for the person's
    morning, or not yet sent), in the caller's transaction, so "due tomorrow" never arrives after
    "done". Returns how many emails were cancelled.

    The notifications stay on the page, dated: they said what was true when they were recorded,
    and the list is the person's history. Unread ones are marked read, so nothing asks for
    attention any more about something that is over. Key prefixes: notifications.keys."""
    prefixes = list(key_prefixes)
    if not prefixes:
        return 0
    about = Q()
    for prefix in prefixes:
        about |= Q(key__startswith=prefix)
    cancelled = messages_cancel(Message.objects.filter(about))
    unread = dict(Notification.objects.filter(about, read_at__isnull=True).values_list("pk", "person_id"))
    if unread:
        Notification.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=now or timezone.now())
        for person_id, read in Counter(unread.values()).items():
            _uncount_unread(person=Person(pk=person_id), read=read)
    return cancelled


@transaction.atomic
def notification_open(*, notification: Notification, now: datetime.datetime | None = None) -> Notification:
    """Mark `notification` read (once: opening it again changes nothing)."""
    read = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    _uncount_unread(person=notification.person, read=read)
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, person: Person, now: datetime.datetime | None = None) -> int:
    """Mark every unread notification of `person` read; returns how many were unread."""
    read = Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    _uncount_unread(person=person, read=read)
    return read


def unread_recount(*, person: Person) -> int:
    """Set the counter from the rows, as the notifications page does, so a miscount heals. One
    statement (the count is a subquery), which writes only when the counter was wrong."""
    unread = (
        Notification.objects.filter(person=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counted = Coalesce(Subquery(unread), Value(0))
    healed = (
        Person.objects.filter(pk=person.pk)
        .exclude(unread_notifications=counted)
        .update(unread_notifications=counted)
    )
    if healed:
        person.refresh_from_db(fields=["unread_notifications"])
    return person.unread_notifications


@transaction.atomic
def wording_save(*, programme_id: int, kind: str, subject: str, text: str, by: Person | None) -> Wording:
    """Use this subject and text for `kind` in the programme from now on (placeholders checked)."""
    kind_named(kind)
    found = Wording.objects.select_for_update().filter(programme_id=programme_id, kind=kind).first()
    wording_row = found or Wording(programme_id=programme_id, kind=kind)
    wording_row.subject, wording_row.text, wording_row.updated_by = subject, text, by
    wording_row.full_clean()
    wording_row.save()
    return wording_row


@transaction.atomic
def wording_reset(*, programme_id: int, kind: str) -> bool:
    """Back to the product's own wording for `kind` in the programme; False if it had none of its own."""
    deleted, _ = Wording.objects.filter(programme_id=programme_id, kind=kind).delete()
    return bool(deleted)


@transaction.atomic
def email_mute(*, person: Person, kind: str) -> Preferences:
    """Stop emailing `person` about `kind` (they still see it on their notifications page)."""
    prefs, _ = Preferences.objects.select_for_update().get_or_create(person=person)
    if kind not in prefs.muted_kinds:
        prefs.muted_kinds = [*prefs.muted_kinds, kind]
        prefs.full_clean()
        prefs.save()
    return prefs


@transaction.atomic
def preferences_save(
    *,
    person: Person,
    time_zone: str,
    working_days: Iterable[int],
    quiet_start: datetime.time,
    quiet_end: datetime.time,
    away_until: datetime.date | None,
    emailed_kinds: Iterable[str],
) -> Preferences:
    """Save how and when `person` wants to hear from the product (the settings page). Kinds not in
    `emailed_kinds` are muted: still recorded on the notifications page, never emailed. A muted
    name that is not a registered kind (any more) is kept as it is."""
    if time_zone not in available_time_zones():
        raise ValidationError({"time_zone": _("Pick a time zone from the list, such as Europe/Berlin.")})
    days = {int(day) for day in working_days}
    if not days or not days <= set(range(7)):
        raise ValidationError({"working_days": _("Pick at least one working day.")})
    emailed = set(emailed_kinds)
    prefs, _created = Preferences.objects.select_for_update().get_or_create(person=person)
    prefs.working_days = sum(1 << day for day in days)
    prefs.quiet_start = quiet_start
    prefs.quiet_end = quiet_end
    prefs.away_until = away_until
    prefs.muted_kinds = [name for name in KINDS if name not in emailed] + [
        name for name in prefs.muted_kinds if name not in KINDS
    ]
    prefs.full_clean()
    prefs.save()
    if person.time_zone != time_zone:
        person.time_zone = time_zone
        # Only the time zone is validated: the settings page changes nothing else of the person, and
        # an unrelated field imported long ago must not stop them saving their preferences.
        person.full_clean(exclude=[f.name for f in Person._meta.fields if f.name != "time_zone"])
        person.save(update_fields=["time_zone"])
    return prefs


@functools.cache
def available_time_zones() -> tuple[str, ...]:
    """The IANA zone names this machine knows, sorted (the settings page's picker offers them)."""
    return tuple(sorted(zoneinfo.available_timezones()))
