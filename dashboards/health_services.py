"""The programme-health table's one write: nudge the selected pairs (a notification and its email,
through notifications.notify_many: working hours, preferences and unsubscribe apply)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Pairing
from notifications.models import Notification
from notifications.services import OwedNotice, notify_many
from people.roles import person_of
from sessions.models import MentoringSession


@dataclass
class NudgeOutcome:
    nudged: list[Pairing] = field(default_factory=list)  # emailed now
    already: list[Pairing] = field(default_factory=list)  # nudged earlier today: nothing sent again
    skipped: list[Pairing] = field(default_factory=list)  # not active: nothing to nudge
    emails: int = 0  # notices recorded now (each with its email, unless the person muted nudges)


def nudge_key(*, pairing: Pairing, person, today: datetime.date) -> str:
    """One nudge per member and pair a day: a double submit, a second admin or a retry on the same
    day finds the key taken and sends nothing again; tomorrow's nudge is a new email."""
    return f"nudge:{pairing.pk}:{person.pk}:{today.isoformat()}"


def _sender(user):
    """(the admin's person, if any; the name the nudge gives them)."""
    person = person_of(user)
    return person, (person.full_name if person else user.get_full_name()) or _("Your programme admin")


@transaction.atomic
def pairings_nudge(*, pairings, by, today: datetime.date | None = None) -> NudgeOutcome:
    """Tell both members of each active pairing in `pairings` a nudge to meet, from `by` (a
    programme admin's user): recorded in this transaction, its email sent after commit in the
    person's working hours. A fixed number of queries, however many pairs are chosen."""
    today = today or timezone.localdate()
    latest = MentoringSession.objects.filter(pairing=OuterRef("pk")).order_by("-held_on", "-pk")
    chosen = list(
        Pairing.objects.filter(pk__in=[p.pk for p in pairings])
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .annotate(last_session_on=Subquery(latest.values("held_on")[:1]))
        .order_by("mentee__person__full_name", "pk")
    )
    outcome = NudgeOutcome()
    active = []
    for pairing in chosen:
        (active if pairing.is_active else outcome.skipped).append(pairing)
    keys = {
        pairing.pk: [nudge_key(pairing=pairing, person=person, today=today) for person in pairing.members()]
        for pairing in active
    }
    taken = set(
        Notification.objects.filter(
            key__in=[key for pair_keys in keys.values() for key in pair_keys]
        ).values_list("key", flat=True)
    )
    actor, sender = _sender(by)
    owed = []
    for pairing in active:
        if all(key in taken for key in keys[pairing.pk]):
            outcome.already.append(pairing)
            continue
        outcome.nudged.append(pairing)
        days_since = pairing.days_since_last_session(pairing.last_session_on, today=today)
        for person, key in zip(pairing.members(), keys[pairing.pk], strict=True):
            if key in taken:
                continue
            owed.append(
                OwedNotice(
                    kind="nudge",
                    person=person,
                    key=key,
                    context={
                        "partner": pairing.partner_of(person),
                        "is_mentor": person.pk == pairing.mentor.person_id,
                        "sender": sender,
                        "has_met": pairing.last_session_on is not None,
                        "days_since": days_since,
                        "cadence_days": pairing.cohort.cadence_days,
                        "cohort": pairing.cohort,
                    },
                    url=pairing.get_absolute_url(),
                    actor=actor,
                    programme_id=pairing.cohort.programme_id,
                    cohort_id=pairing.cohort_id,
                )
            )
    if owed:
        notify_many(owed)
    outcome.emails = len(owed)
    return outcome
