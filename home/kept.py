"""A member's steps and an admin's lines, kept in the shared cache under the stamps of what they
show (issue 8, §5: the home page at the size of a large organisation).

A member's list is gathered from six apps in about ten queries; kept, a look costs the person's
enrolments and three cache round trips. It is kept under:
- the person, their time zone, the day and language, and every field of their enrolments and
  their cohorts that the steps read (taken on every request from the one query that loads them);
- the stamp every write to any cohort's enrolments, runs and pairings replaces (programmes/stamps.py:
  a bulk update() of pairings knows no cohort, so it replaces only that one), under which the ids
  of the person's pairings are kept;
- the stamps of those pairings (matching/stamps.py: sessions, plans, action items, goals,
  check-ins, agreements, shared resources, messages, thanks);
- the steps' stamp, which writes to training (modules, completions), reflections, survey answers
  and thanks replace (connected in home/apps.py);
and for KEPT_SECONDS at most: an upcoming session that has begun, a pulse period that opened.

An admin's lines are counts across cohorts; they are kept for ACTIVITY_CACHE_SECONDS under every
cohort's stamp, the flags' stamp and the steps' stamp, so a write shows at once and failed emails or
a pair falling silent within that minute.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from dashboards.cohort_selectors import ACTIVITY_CACHE_SECONDS, flags_stamp
from matching import stamps as pair_stamps
from matching.models import Pairing
from mentorship import stamps
from mentorship.kept import kept_seconds
from people.models import Person
from programmes.models import Cohort
from programmes.selectors import enrolments_of
from programmes.stamps import ANY_COHORT_STAMP_KEY

STEPS_STAMP_KEY = "home-steps-stamp"
KEPT_SECONDS = 300


def _digest(parts) -> str:
    return hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()


def _stamps(keys: list[str]) -> list[str]:
    """The stamps under `keys`, in one round trip when they all exist."""
    found = cache.get_many(keys)
    return [found.get(key) or stamps.current(key) for key in keys]


def member_steps(person: Person, *, today: datetime.date, read) -> tuple:
    """What `read(person, today=today)` returns (picklable), kept as the module docstring says."""
    seconds = min(kept_seconds(), KEPT_SECONDS)
    enrolments = enrolments_of(person)
    if not seconds or not enrolments:
        return read(person, today=today)
    rows = [
        (e.pk, e.role, e.status, e.profile_completed_at, e.cohort_id, e.cohort.state, e.cohort.starts_on)
        + (e.cohort.ends_on, e.cohort.check_in_interval_days, e.cohort.cadence_days)
        for e in enrolments
    ]
    base = [person.pk, person.time_zone, today, get_language(), rows]
    # Stamps are read before the rows they cover: what is kept under them is at least as new.
    base += _stamps([STEPS_STAMP_KEY, ANY_COHORT_STAMP_KEY])
    ids_key = "home-pair-ids:v1:" + _digest(base)
    pairing_ids = cache.get(ids_key)
    if pairing_ids is None:
        mine = [e.pk for e in enrolments]
        pairing_ids = list(
            Pairing.objects.filter(Q(mentor__in=mine) | Q(mentee__in=mine))
            .exclude(cohort__state=Cohort.State.CLOSED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        cache.set(ids_key, pairing_ids, seconds)
    key = "home-steps:v1:" + _digest([base, _stamps([pair_stamps.stamp_key(pk) for pk in pairing_ids])])
    found = cache.get(key)
    if found is None:
        found = read(person, today=today)
        cache.set(key, found, seconds)
    return found


def admin_lines(*, today: datetime.date, read) -> list:
    """What `read(today=today)` returns (picklable), kept as the module docstring says."""
    seconds = min(kept_seconds(), ACTIVITY_CACHE_SECONDS)
    if not seconds:
        return read(today=today)
    parts = [today, get_language(), flags_stamp(), *_stamps([ANY_COHORT_STAMP_KEY, STEPS_STAMP_KEY])]
    key = "home-admin-lines:v1:" + _digest(parts)
    found = cache.get(key)
    if found is None:
        found = read(today=today)
        cache.set(key, found, seconds)
    return found


def _steps_changed(sender, **kwargs) -> None:
    stamps.replace([STEPS_STAMP_KEY])


def connect(models) -> None:
    """From home's ready(): writes to these models replace the steps' stamp."""
    for model in models:
        post_save.connect(_steps_changed, sender=model, dispatch_uid=f"home-steps-save-{model.__name__}")
        post_delete.connect(_steps_changed, sender=model, dispatch_uid=f"home-steps-delete-{model.__name__}")
