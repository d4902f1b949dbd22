"""Close-out's messages: a pairing ended early (both sides), close-out begun (reflection and survey
links) and the cohort closed (thanks, and what the product keeps). Each is told through
notifications in the transaction of the change, once per key; the cohort moves are registered on the
cohort lifecycle from CloseoutConfig.ready(), since programmes sits below close-out. A cohort's
messages are owed as a broadcast in that transaction and told after commit, a chunk of people at a
time (notifications.broadcasts)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from matching.models import Pairing
from notifications import keys, links
from notifications.broadcasts import broadcast_owe, keyset_chunks, source
from notifications.models import Broadcast
from notifications.services import OwedNotice, notices_withdraw, notify
from people.models import Person
from programmes.models import Cohort, Enrolment
from programmes.services import transition_tell

from .selectors import REMATCH_STATES

State = Cohort.State


def pairing_ended_tell(*, pairing: Pairing, by: Person | None) -> None:
    """Tell both sides that their pairing ended early; the mentee also hears what happens next (a
    new mentor while the cohort can still re-match). The reason the admin gave stays with the admins:
    it may be about one of the two."""
    pairing = Pairing.objects.select_related("cohort__programme", "mentor__person", "mentee__person").get(
        pk=pairing.pk
    )
    cohort = pairing.cohort
    mentor, mentee = pairing.members()
    for person, role, partner in ((mentor, "mentor", mentee), (mentee, "mentee", mentor)):
        notify(
            kind="pairing_ended",
            person=person,
            key=f"pairing-ended:{pairing.pk}:{person.pk}",
            context={
                "role": role,
                "partner": partner,
                "pairing": pairing,
                "cohort": cohort,
                "programme": cohort.programme,
                "rematch_possible": cohort.state in REMATCH_STATES,
            },
            # An ended pairing takes reflections: the one thing left to do in it.
            url=reverse("closeout:reflection", args=[pairing.pk]),
            actor=by,
            programme_id=cohort.programme_id,
            cohort_id=cohort.pk,
        )


def pairing_reminders_withdraw(*, pairing: Pairing) -> int:
    """Cancel the reminder emails still waiting for the pairing's members (check-ins, pulses, its
    action items, goals and planned sessions): it has ended, so they are owed no more. The scan
    would cancel them too, but only at its next run, and a held email may go out first."""
    from sessions.models import ActionItem, Goal, ScheduledSession

    return notices_withdraw(
        key_prefixes=keys.about_pairing(
            pairing.pk,
            action_item_ids=ActionItem.objects.filter(pairing=pairing, done_at__isnull=True).values_list(
                "pk", flat=True
            ),
            goal_ids=Goal.objects.filter(pairing=pairing).values_list("pk", flat=True),
            scheduled_ids=ScheduledSession.objects.filter(
                pairing=pairing, cancelled_at__isnull=True
            ).values_list("pk", flat=True),
        )
    )


def _taking_part(cohort_id: int):
    return Enrolment.objects.filter(cohort_id=cohort_id, status=Enrolment.Status.ACTIVE)


def _broadcast(kind: str, cohort: Cohort, by: Person | None) -> None:
    """Owe the cohort's people this message: a row now, the telling after commit (a few queries
    whatever the cohort's size; notifications.broadcasts)."""
    broadcast_owe(
        kind=kind,
        key=f"{kind}:cohort:{cohort.pk}",
        cohort_id=cohort.pk,
        people=_taking_part(cohort.pk).count(),
        actor=by,
    )


@transition_tell(State.CONCLUDING)
def closeout_begun_tell(cohort: Cohort, *, by: Person | None = None) -> None:
    _broadcast("closeout_begun", cohort, by)


@transition_tell(State.CLOSED)
def cohort_closed_tell(cohort: Cohort, *, by: Person | None = None) -> None:
    _broadcast("cohort_closed", cohort, by)


@source("closeout_begun")
def closeout_begun_notices(broadcast: Broadcast) -> Iterator[list[OwedNotice]]:
    """Everyone enrolled hears that close-out has begun: a reflection link for each of their pairings
    and the survey link. One notice per person; per chunk of people a fixed number of queries."""
    cohort = Cohort.objects.select_related("programme").get(pk=broadcast.cohort_id)
    survey = reverse("closeout:survey", args=[cohort.pk])
    for enrolments in keyset_chunks(_taking_part(cohort.pk).select_related("person")):
        people = [enrolment.person_id for enrolment in enrolments]
        reflections: dict[int, list[dict]] = {}
        pairings = (
            Pairing.objects.filter(cohort=cohort)
            .filter(Q(mentor__person__in=people) | Q(mentee__person__in=people))
            .exclude(status=Pairing.Status.PROPOSED)
            .select_related("mentor__person", "mentee__person")
            .order_by("pk")
        )
        for pairing in pairings:
            mentor, mentee = pairing.members()
            url = links.absolute(reverse("closeout:reflection", args=[pairing.pk]))
            reflections.setdefault(mentor.pk, []).append({"partner": mentee, "url": url})
            reflections.setdefault(mentee.pk, []).append({"partner": mentor, "url": url})
        yield [
            OwedNotice(
                kind="closeout_begun",
                person=enrolment.person,
                key=f"closeout-begun:{cohort.pk}:{enrolment.person_id}",
                context={
                    "cohort": cohort,
                    "programme": cohort.programme,
                    "role": enrolment.role,
                    "reflections": reflections.get(enrolment.person_id, []),
                    "ends_on": cohort.ends_on,
                },
                url=survey,
                actor=broadcast.actor,
                programme_id=cohort.programme_id,
                cohort_id=cohort.pk,
            )
            for enrolment in enrolments
        ]


@source("cohort_closed")
def cohort_closed_notices(broadcast: Broadcast) -> Iterator[list[OwedNotice]]:
    """Everyone enrolled hears the cohort has closed: thanks, and what the product keeps."""
    cohort = Cohort.objects.select_related("programme").get(pk=broadcast.cohort_id)
    for enrolments in keyset_chunks(_taking_part(cohort.pk).select_related("person")):
        yield [
            OwedNotice(
                kind="cohort_closed",
                person=enrolment.person,
                key=f"cohort-closed:{cohort.pk}:{enrolment.person_id}",
                context={"cohort": cohort, "programme": cohort.programme, "role": enrolment.role},
                url=reverse("mentoring_sessions:pairing-list"),
                actor=broadcast.actor,
                programme_id=cohort.programme_id,
                cohort_id=cohort.pk,
            )
            for enrolment in enrolments
        ]
