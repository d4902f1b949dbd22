"""Telling people: one function records a notification for the product's notifications page and,
when the person wants it by email, the email in the outbox, both in the caller's transaction and
both keyed by what they are about, so a repeated request or scan tells nobody twice."""

import datetime
import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.emails import render_templated_email
from outbox.services import OwedEmail, emails_enqueue
from people.models import Person

from . import delivery, links
from .kinds import KINDS, kind_named
from .models import Notification, Preferences


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
    fresh = [n for n in notices if n.key not in known]
    preferences = _preferences({n.person.pk for n in fresh})
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
            "settings_url": links.absolute("/notifications/settings/"),
            "kind": kind,
        }
        rendered = render_templated_email(template=kind.email_template, context=context)
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
    if emails:
        emails_enqueue(emails)
    return dict(Notification.objects.filter(key__in=[n.key for n in notices]).values_list("key", "pk"))


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
