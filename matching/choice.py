"""Mentee-choice mode (issue 4): reads and writes in one module.

A mentee sees their best suggested mentors and asks one of them (one open request at a time, a
database constraint). Requests do not reserve a place: several mentees may ask the same mentor. The
mentor accepts or declines; accepting makes the pairing active at once, in a published one-pair
MatchRun (as closeout's re-match does), and is where capacity is enforced, under a lock on the
mentor's enrolment row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.emails import send_templated_email
from people.roles import person_of
from programmes.models import Cohort, Enrolment

from .models import MentorRequest, Pairing
from .services import candidate_for, cohort_scores, explain_pair, pairing_start

logger = logging.getLogger(__name__)

SUGGESTIONS = 5
OPEN_STATES = (Cohort.State.MATCHING, Cohort.State.ACTIVE)


# --- reads ---------------------------------------------------------------------------------------


def choice_refusal(cohort: Cohort) -> str | None:
    """Why mentees cannot choose in this cohort now, or None."""
    if cohort.matching_mode != Cohort.MatchingMode.CHOICE:
        return _("In this cohort the programme admin assigns mentors; there is nothing to choose.")
    if cohort.state not in OPEN_STATES:
        return _("Mentees can choose a mentor while the cohort is matching or active (it is %(state)s).") % {
            "state": cohort.get_state_display()
        }
    return None


def mentee_enrolment_for(user, pk: int) -> Enrolment:
    """The user's own mentee enrolment; 404 for anyone else (admins included: this is the mentee's page)."""
    person = person_of(user)
    if person is None:
        raise Http404
    return get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "person"),
        pk=pk,
        person=person,
        role=Enrolment.Role.MENTEE,
        status=Enrolment.Status.ACTIVE,
    )


def requests_for_mentor(user) -> QuerySet[MentorRequest]:
    """Every request addressed to the user as a mentor, newest first; none for a user without a person."""
    person = person_of(user)
    if person is None:
        return MentorRequest.objects.none()
    return MentorRequest.objects.filter(mentor__person=person).select_related(
        "cohort__programme", "mentee__person__team", "mentor__person"
    )


def requests_of_mentee(user) -> QuerySet[MentorRequest]:
    person = person_of(user)
    if person is None:
        return MentorRequest.objects.none()
    return MentorRequest.objects.filter(mentee__person=person).select_related("cohort", "mentor__person")


def active_pairing_of(mentee: Enrolment) -> Pairing | None:
    return (
        Pairing.objects.filter(cohort_id=mentee.cohort_id, mentee=mentee, status=Pairing.Status.ACTIVE)
        .select_related("mentor__person")
        .first()
    )


def open_request_of(mentee: Enrolment) -> MentorRequest | None:
    return (
        MentorRequest.objects.filter(
            cohort_id=mentee.cohort_id, mentee=mentee, status=MentorRequest.Status.REQUESTED
        )
        .select_related("mentor__person")
        .first()
    )


def _slots(capacity: int, cohort: Cohort) -> int:
    return min(capacity, cohort.max_mentees_per_mentor)


def free_slots(mentor: Enrolment, *, cohort: Cohort) -> int:
    """Places the mentor still has. Accepting turns a request into a pairing at once, so only active
    pairings take places; open requests do not reserve one."""
    taken = Pairing.objects.filter(cohort=cohort, mentor=mentor, status=Pairing.Status.ACTIVE).count()
    return _slots(mentor.capacity, cohort) - taken


def _scores(cohort: Cohort, mentees: list[Enrolment], mentors: list[Enrolment]):
    """(scores, allowed) for mentees x mentors under every rule of the cohort (tenure gap, team and
    time-zone rules, management chains, the admin's pinned and forbidden pairs). Capacity is applied
    by the callers."""
    scores, allowed, _reasons = cohort_scores(cohort, mentees, mentors)
    return scores, allowed


def _explain(cohort: Cohort, mentee: Enrolment, mentor: Enrolment) -> list[str]:
    return explain_pair(cohort, candidate_for(mentee), candidate_for(mentor))


@dataclass(frozen=True)
class Suggestion:
    enrolment: Enrolment
    score: float
    explanation: list[str]
    free_slots: int


def _with_profile(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return queryset.select_related("person__team").prefetch_related(
        Prefetch("person__interests"), Prefetch("person__skills"), "goal_areas"
    )


def suggestions(mentee: Enrolment, limit: int | None = SUGGESTIONS) -> list[Suggestion]:
    """The mentee's best mentors: enrolled, allowed by every rule of the cohort, with a free place, and
    not someone who declined them (or whom they parted from) in this cohort; best score first.
    A constant number of queries, whatever the number of mentors."""
    cohort = mentee.cohort
    mentee = _with_profile(Enrolment.objects.filter(pk=mentee.pk)).get()
    excluded = set(
        MentorRequest.objects.filter(
            cohort=cohort, mentee=mentee, status=MentorRequest.Status.DECLINED
        ).values_list("mentor_id", flat=True)
    ) | set(
        Pairing.objects.filter(cohort=cohort, mentee=mentee, status=Pairing.Status.ENDED).values_list(
            "mentor_id", flat=True
        )
    )
    mentors = [
        m
        for m in _with_profile(
            Enrolment.objects.filter(
                cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE
            )
            .exclude(pk__in=excluded)
            .annotate(
                active=Count("pairings_as_mentor", filter=Q(pairings_as_mentor__status=Pairing.Status.ACTIVE))
            )
            .order_by("pk")
        )
        if _slots(m.capacity, cohort) - m.active > 0
    ]
    if not mentors:
        return []
    scores, allowed = _scores(cohort, [mentee], mentors)
    ranked = sorted(
        (j for j in range(len(mentors)) if allowed[0, j]),
        key=lambda j: (-scores[0, j], mentors[j].person.full_name),
    )
    if limit is not None:
        ranked = ranked[:limit]
    return [
        Suggestion(
            enrolment=mentors[j],
            score=float(scores[0, j]),
            explanation=_explain(cohort, mentee, mentors[j]),
            free_slots=_slots(mentors[j].capacity, cohort) - mentors[j].active,
        )
        for j in ranked
    ]


def request_refusal(mentee: Enrolment) -> str | None:
    """Why this mentee cannot ask for a mentor now, or None."""
    refusal = choice_refusal(mentee.cohort)
    if refusal:
        return refusal
    pairing = active_pairing_of(mentee)
    if pairing is not None:
        return _("You already have a mentor: %(name)s.") % {"name": pairing.mentor.person.full_name}
    open_request = open_request_of(mentee)
    if open_request is not None:
        return _(
            "You have already asked %(name)s. Wait for their answer, or withdraw the request to ask "
            "someone else."
        ) % {"name": open_request.mentor.person.full_name}
    return None


@dataclass(frozen=True)
class Overview:
    by_status: dict[str, list[MentorRequest]]
    counts: dict[str, int]
    without_request: list[Enrolment]


def cohort_overview(cohort: Cohort) -> Overview:
    """Requests grouped by status, and the active mentees who are unpaired and have no open request.
    Three queries, whatever the size of the cohort."""
    requests = list(
        MentorRequest.objects.filter(cohort=cohort)
        .select_related("mentee__person", "mentor__person")
        .order_by("-created_at", "pk")
    )
    by_status = {status: [] for status, _label in MentorRequest.Status.choices}
    for request in requests:
        by_status[request.status].append(request)
    busy = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).values("mentee_id")
    asking = MentorRequest.objects.filter(cohort=cohort, status=MentorRequest.Status.REQUESTED).values(
        "mentee_id"
    )
    without_request = list(
        cohort.enrolments.filter(role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE)
        .exclude(pk__in=busy)
        .exclude(pk__in=asking)
        .select_related("person__team")
        .order_by("person__full_name")
    )
    return Overview(
        by_status=by_status,
        counts={status: len(rows) for status, rows in by_status.items()},
        without_request=without_request,
    )


# --- writes --------------------------------------------------------------------------------------


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


def no_free_place_message(mentor: Enrolment) -> str:
    return _("%(name)s has no free place any more; pick another mentor.") % {"name": mentor.person.full_name}


@transaction.atomic
def mentor_request_create(*, mentee: Enrolment, mentor: Enrolment, by) -> MentorRequest:
    """Ask one mentor. Every rule is checked again here, whatever the page showed; the mentor is
    emailed once the request is committed."""
    # Locking the mentee's row serialises one mentee's double-clicks; the partial unique constraint
    # (one open request per mentee) is the final word against any other writer.
    mentee = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort", "person")
        .get(pk=mentee.pk, role=Enrolment.Role.MENTEE)
    )
    _refuse(request_refusal(mentee))
    chosen = next((s for s in suggestions(mentee, limit=None) if s.enrolment.pk == mentor.pk), None)
    if chosen is None:
        raise ValidationError(
            _("You cannot ask this mentor: they have no free place, or they are not open to you.")
        )
    mentor_request = MentorRequest(
        cohort=mentee.cohort,
        mentee=mentee,
        mentor=chosen.enrolment,
        score=chosen.score,
        explanation=chosen.explanation,
    )
    mentor_request.full_clean()
    try:
        with transaction.atomic():
            mentor_request.save()
    except IntegrityError as exc:
        raise ValidationError(_("You already have an open request.")) from exc
    _notify(mentor_request.pk, "requested")
    return mentor_request


def mentor_request_withdraw(*, mentor_request: MentorRequest, by) -> None:
    """The mentee takes back an open request. One conditional update: a request the mentor decided in
    the meantime stays decided."""
    changed = MentorRequest.objects.filter(
        pk=mentor_request.pk, status=MentorRequest.Status.REQUESTED
    ).update(status=MentorRequest.Status.WITHDRAWN, decided_at=timezone.now())
    if not changed:
        raise ValidationError(_("This request is no longer open."))


@transaction.atomic
def mentor_request_decline(*, mentor_request: MentorRequest, note: str = "", by) -> MentorRequest:
    mentor_request = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    if mentor_request.status != MentorRequest.Status.REQUESTED:
        raise ValidationError(_("This request is no longer open."))
    mentor_request.status = MentorRequest.Status.DECLINED
    mentor_request.decided_at = timezone.now()
    mentor_request.full_clean()
    mentor_request.save(update_fields=["status", "decided_at"])
    _notify(mentor_request.pk, "declined", note=note.strip())
    return mentor_request


class NoFreePlace(ValidationError):
    """The mentor's last place went to someone else; the request has been declined with this reason."""


def mentor_request_accept(*, mentor_request: MentorRequest, by) -> Pairing:
    """Accept: the pairing is active from today. If the mentor has no free place (another accept got
    there first), the request is declined with that reason, the mentee is told and may ask again,
    and NoFreePlace is raised once that decline is committed."""
    pairing, refusal = _accept(mentor_request_id=mentor_request.pk, by=by)
    if refusal:
        raise NoFreePlace(refusal)
    return pairing


@transaction.atomic
def _accept(*, mentor_request_id: int, by) -> tuple[Pairing | None, str | None]:
    mentor_id, cohort_id = MentorRequest.objects.values_list("mentor_id", "cohort_id").get(
        pk=mentor_request_id
    )
    # Admin re-matches and match runs lock the cohort row; taking it first serialises accepts with
    # them too, so nothing else can fill this mentor's place between our count and our insert.
    Cohort.objects.select_for_update().filter(pk=cohort_id).first()
    # The lock that makes capacity hold: every accept for this mentor queues here, and counts the
    # mentor's pairings only once it holds the row, so two accepts cannot both take the last place.
    mentor = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("cohort", "person").get(pk=mentor_id)
    )
    # Read the request only now: a concurrent accept may have declined it while we waited.
    mentor_request = (
        MentorRequest.objects.select_for_update(of=("self",))
        .select_related("mentee__person")
        .get(pk=mentor_request_id)
    )
    cohort = mentor.cohort
    if mentor_request.status == MentorRequest.Status.DECLINED and free_slots(mentor, cohort=cohort) <= 0:
        return None, no_free_place_message(mentor)
    if mentor_request.status != MentorRequest.Status.REQUESTED:
        raise ValidationError(_("This request is no longer open."))
    _refuse(choice_refusal(cohort))
    if free_slots(mentor, cohort=cohort) <= 0:
        reason = no_free_place_message(mentor)
        _decline_open_requests(mentor, reason)
        return None, reason
    mentee = mentor_request.mentee
    if mentee.status != Enrolment.Status.ACTIVE or mentor.status != Enrolment.Status.ACTIVE:
        raise ValidationError(_("One of you is no longer enrolled in this cohort."))
    already_paired = _("%(name)s already has a mentor.") % {"name": mentee.person.full_name}
    if active_pairing_of(mentee) is not None:
        raise ValidationError(already_paired)

    now = timezone.now()
    pairing = pairing_start(
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        score=mentor_request.score,
        explanation=mentor_request.explanation,
        by=by,
        taken_message=already_paired,
    )
    mentor_request.status = MentorRequest.Status.ACCEPTED
    mentor_request.decided_at = now
    mentor_request.save(update_fields=["status", "decided_at"])
    _notify(mentor_request.pk, "accepted")
    if free_slots(mentor, cohort=cohort) <= 0:
        # Requests still waiting on this mentor can no longer be met: free those mentees to ask again.
        _decline_open_requests(mentor, no_free_place_message(mentor))
    return pairing, None


def _decline_open_requests(mentor: Enrolment, reason: str) -> None:
    waiting = list(
        MentorRequest.objects.select_for_update(of=("self",))
        .filter(mentor=mentor, status=MentorRequest.Status.REQUESTED)
        .values_list("pk", flat=True)
    )
    MentorRequest.objects.filter(pk__in=waiting).update(
        status=MentorRequest.Status.DECLINED, decided_at=timezone.now()
    )
    for pk in waiting:
        _notify(pk, "declined", note=reason)


# --- email ---------------------------------------------------------------------------------------

# Which status each email announces; the task sends nothing if the request has moved on.
EMAIL_STATUS = {
    "requested": MentorRequest.Status.REQUESTED,
    "accepted": MentorRequest.Status.ACCEPTED,
    "declined": MentorRequest.Status.DECLINED,
}


def _notify(mentor_request_id: int, kind: str, note: str = "") -> None:
    # After commit, so the worker finds the row, and only for a transition that really happened:
    # each transition above runs once (a status check under a row lock), so each email is queued once.
    transaction.on_commit(lambda: send_mentor_request_email.delay(mentor_request_id, kind, note))


def mentor_request_email(*, mentor_request_id: int, kind: str, note: str = "") -> bool:
    """Send the email for one transition of one request. Returns False if the request is no longer in
    the state the email announces (withdrawn before the worker ran, say)."""
    mentor_request = (
        MentorRequest.objects.select_related("cohort__programme", "mentee__person", "mentor__person")
        .filter(pk=mentor_request_id)
        .first()
    )
    if mentor_request is None or mentor_request.status != EMAIL_STATUS[kind]:
        return False
    to_mentor = kind == "requested"
    recipient = (mentor_request.mentor if to_mentor else mentor_request.mentee).person
    if not recipient.email:
        return False
    if to_mentor:
        link = reverse("choice:requests")
    elif kind == "accepted":
        pairing = (
            Pairing.objects.filter(
                cohort=mentor_request.cohort, mentee=mentor_request.mentee, status=Pairing.Status.ACTIVE
            )
            .only("pk")
            .first()
        )
        link = pairing.get_absolute_url() if pairing else reverse("home")
    else:
        link = reverse("choice:suggestions", args=[mentor_request.mentee_id])
    send_templated_email(
        template=f"mentor_request_{kind}",
        context={
            "request": mentor_request,
            "cohort": mentor_request.cohort,
            "recipient": recipient,
            "mentor": mentor_request.mentor.person,
            "mentee": mentor_request.mentee.person,
            "goals": mentor_request.mentee.goals,
            "note": note,
            "url": settings.SITE_URL + link,
        },
        to=[recipient.email],
    )
    return True


@shared_task(name="matching.choice.send_mentor_request_email")
def send_mentor_request_email(mentor_request_id: int, kind: str, note: str = "") -> bool:
    return mentor_request_email(mentor_request_id=mentor_request_id, kind=kind, note=note)
