"""Reads for close-out: who can be re-matched with whom, reflections, and the cohort's figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from matching import selectors as matching_selectors
from matching.models import Pairing
from matching.services import candidate_for, cohort_scores, explain_pair
from mentorship.figures import round_average
from mentorship.todo import TodoItem
from people.roles import person_of
from programmes.models import Cohort, Enrolment
from sessions.selectors import pairings_for

from .models import Reflection, SurveyResponse, Thanks
from .reasons import EndReason

# Figures from fewer people than this are withheld, so no one's answer can be singled out.
MIN_GROUP = 5
TOP_MENTORS = 5


# --- ending and re-matching ---------------------------------------------------------------------


def cohort_for_admin(pk: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)


def pairing_for_admin(pk: int) -> Pairing:
    return get_object_or_404(
        Pairing.objects.select_related("cohort__programme", "mentor__person__team", "mentee__person__team"),
        pk=pk,
    )


def mentee_enrolment(pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "person__team"),
        pk=pk,
        role=Enrolment.Role.MENTEE,
    )


def active_pairing_of(mentee: Enrolment) -> Pairing | None:
    return (
        Pairing.objects.filter(cohort_id=mentee.cohort_id, mentee=mentee, status=Pairing.Status.ACTIVE)
        .select_related("mentor__person")
        .first()
    )


def previous_mentor_ids(mentee: Enrolment) -> set[int]:
    """Mentors this mentee has already been with in the cohort and parted from."""
    return set(
        Pairing.objects.filter(
            cohort_id=mentee.cohort_id, mentee=mentee, status=Pairing.Status.ENDED
        ).values_list("mentor_id", flat=True)
    )


def free_slots(mentor: Enrolment, *, cohort: Cohort) -> int:
    return matching_selectors.free_slots(mentor, cohort=cohort)


@dataclass(frozen=True)
class MentorOption:
    enrolment: Enrolment
    score: float
    explanation: list[str]
    free_slots: int


def rematch_options(mentee: Enrolment, limit: int = TOP_MENTORS) -> list[MentorOption]:
    """The best mentors for an unmatched mentee: enrolled, with a free slot, allowed by the hard
    constraints and not someone the mentee has already parted from; best score first."""
    cohort = mentee.cohort
    mentee = (
        Enrolment.objects.select_related("person")
        .prefetch_related(Prefetch("person__interests"), Prefetch("person__skills"), "goal_areas")
        .get(pk=mentee.pk)
    )
    excluded = previous_mentor_ids(mentee)
    mentors = [
        m
        for m in Enrolment.objects.filter(
            cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE
        )
        .exclude(pk__in=excluded)
        .annotate(
            active=Count("pairings_as_mentor", filter=Q(pairings_as_mentor__status=Pairing.Status.ACTIVE))
        )
        .select_related("person__team")
        .prefetch_related(Prefetch("person__interests"), Prefetch("person__skills"), "goal_areas")
        .order_by("pk")
        if cohort.places_of(m.capacity) - m.active > 0
    ]
    if not mentors:
        return []
    # The same rules and scores as a match run: forbids, tenure gap, team and time-zone rules.
    scores, allowed, _reasons = cohort_scores(cohort, [mentee], mentors)
    allowed_js = [j for j in range(len(mentors)) if allowed[0, j]]
    ranked = sorted(allowed_js, key=lambda j: (-scores[0, j], mentors[j].person.full_name))[:limit]
    mentee_candidate = candidate_for(mentee)
    return [
        MentorOption(
            enrolment=mentors[j],
            score=float(scores[0, j]),
            explanation=explain_pair(cohort, mentee_candidate, candidate_for(mentors[j])),
            free_slots=cohort.places_of(mentors[j].capacity) - mentors[j].active,
        )
        for j in ranked
    ]


# --- reflections and the survey -----------------------------------------------------------------


def reflection_pairing_for(user, pk: int) -> Pairing:
    """The pairing, if the user is one of its two members; 404 to everyone else."""
    return get_object_or_404(pairings_for(user), pk=pk)


def reflections_of(pairing: Pairing, person) -> tuple[Reflection | None, Reflection | None]:
    """(mine, theirs). Theirs is only returned once both sides have written."""
    mine = theirs = None
    for reflection in Reflection.objects.filter(pairing=pairing):
        if reflection.person_id == person.pk:
            mine = reflection
        else:
            theirs = reflection
    return mine, (theirs if mine else None)


def thanks_of(pairing: Pairing) -> Thanks | None:
    return Thanks.objects.filter(pairing=pairing).first()


def survey_enrolment_for(user, cohort_pk: int) -> Enrolment:
    """The user's enrolment in the cohort; 404 to anyone not enrolled in it."""
    person = person_of(user)
    return get_object_or_404(
        Enrolment.objects.select_related("cohort__programme"),
        cohort_id=cohort_pk,
        person=person,
        status=Enrolment.Status.ACTIVE,
    )


def survey_response_of(enrolment: Enrolment) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(cohort_id=enrolment.cohort_id, person_id=enrolment.person_id).first()


# --- the cohort's close-out figures -------------------------------------------------------------


@dataclass(frozen=True)
class SurveyFigures:
    """One group's survey figures. `shown` is False below MIN_GROUP responses: then the average and
    NPS are None, and only the count and rate may be shown."""

    responses: int
    enrolled: int
    average_satisfaction: float | None
    nps: int | None
    promoters: int | None
    detractors: int | None

    @property
    def shown(self) -> bool:
        return self.average_satisfaction is not None

    @property
    def response_rate(self) -> int | None:
        """Percent of the enrolled people who answered."""
        return round(100 * self.responses / self.enrolled) if self.enrolled else None


@dataclass(frozen=True)
class SurveySummary:
    overall: SurveyFigures
    mentors: SurveyFigures
    mentees: SurveyFigures
    min_group: int = MIN_GROUP


def nps(promoters: int, detractors: int, responses: int) -> int | None:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), -100..100."""
    if not responses:
        return None
    return round(100 * (promoters - detractors) / responses)


def _figures(row: dict, prefix: str, enrolled: int) -> SurveyFigures:
    responses = row[f"{prefix}_n"]
    if responses < MIN_GROUP:
        return SurveyFigures(responses, enrolled, None, None, None, None)
    promoters, detractors = row[f"{prefix}_promoters"], row[f"{prefix}_detractors"]
    return SurveyFigures(
        responses=responses,
        enrolled=enrolled,
        average_satisfaction=round_average(row[f"{prefix}_satisfaction"]),
        nps=nps(promoters, detractors, responses),
        promoters=promoters,
        detractors=detractors,
    )


def survey_summary(cohort: Cohort) -> SurveySummary:
    """The end-of-cohort survey in aggregate, overall and per role, in two queries."""
    groups = {"all": Q(), "mentor": Q(role=Enrolment.Role.MENTOR), "mentee": Q(role=Enrolment.Role.MENTEE)}
    aggregates = {}
    for prefix, where in groups.items():
        aggregates[f"{prefix}_n"] = Count("pk", filter=where)
        aggregates[f"{prefix}_satisfaction"] = Avg("satisfaction", filter=where)
        aggregates[f"{prefix}_promoters"] = Count("pk", filter=where & Q(recommend__gte=9))
        aggregates[f"{prefix}_detractors"] = Count("pk", filter=where & Q(recommend__lte=6))
    row = SurveyResponse.objects.filter(cohort=cohort).aggregate(**aggregates)
    enrolled = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE).aggregate(
        all=Count("pk"),
        mentor=Count("pk", filter=Q(role=Enrolment.Role.MENTOR)),
        mentee=Count("pk", filter=Q(role=Enrolment.Role.MENTEE)),
    )
    return SurveySummary(
        overall=_figures(row, "all", enrolled["all"]),
        mentors=_figures(row, "mentor", enrolled["mentor"]),
        mentees=_figures(row, "mentee", enrolled["mentee"]),
    )


@dataclass(frozen=True)
class PairingOutcomes:
    active: int
    completed: int
    ended_early: int
    reasons: list[tuple[str, int]]  # (label, count), every category, in the order of EndReason
    reflections: int


def pairing_outcomes(cohort: Cohort) -> PairingOutcomes:
    """How the cohort's pairings ended, with early endings tallied by reason, in two queries."""
    early = Q(status=Pairing.Status.ENDED, outcome=Pairing.Outcome.ENDED_EARLY)
    known = [r for r in EndReason if r != EndReason.OTHER]
    # A reason is stored as "Category" or "Category: details"; anything else counts as "other".
    by_reason = {
        r.name: Count("pk", filter=early & (Q(end_reason=r.value) | Q(end_reason__startswith=f"{r.value}:")))
        for r in known
    }
    row = Pairing.objects.filter(cohort=cohort).aggregate(
        active=Count("pk", filter=Q(status=Pairing.Status.ACTIVE)),
        completed=Count("pk", filter=Q(status=Pairing.Status.ENDED, outcome=Pairing.Outcome.COMPLETED)),
        ended_early=Count("pk", filter=early),
        **by_reason,
    )
    reasons = [(r.label, row[r.name]) for r in known]
    reasons.append((EndReason.OTHER.label, row["ended_early"] - sum(row[r.name] for r in known)))
    return PairingOutcomes(
        active=row["active"],
        completed=row["completed"],
        ended_early=row["ended_early"],
        reasons=reasons,
        reflections=Reflection.objects.filter(pairing__cohort=cohort).count(),
    )


# --- why a close-out action is not possible (None: it is) -------------------------------------------
# Pages ask these to explain themselves; services ask them again, under locks, before writing.


def closed_refusal(cohort: Cohort) -> str | None:
    if cohort.is_read_only:
        return _("This cohort is closed; its close-out is read-only.")
    return None


def end_refusal(pairing: Pairing) -> str | None:
    if refusal := closed_refusal(pairing.cohort):
        return refusal
    if not pairing.is_active:
        return _("Only an active pairing can be ended; this one is %(status)s.") % {
            "status": pairing.get_status_display().lower()
        }
    return None


REMATCH_STATES = (Cohort.State.MATCHING, Cohort.State.ACTIVE)


def rematch_refusal(mentee: Enrolment, *, active_pairing: Pairing | None = None) -> str | None:
    """Why the mentee cannot be re-matched now, before looking at mentors."""
    cohort = mentee.cohort
    if refusal := closed_refusal(cohort):
        return refusal
    if cohort.state not in REMATCH_STATES:
        return _("Re-matching is only possible while a cohort is matching or active; it is %(state)s.") % {
            "state": cohort.get_state_display().lower()
        }
    if mentee.status != Enrolment.Status.ACTIVE:
        return _("%(name)s is not enrolled any more (%(status)s).") % {
            "name": mentee.person.full_name,
            "status": mentee.get_status_display().lower(),
        }
    if active_pairing is not None:
        return _("%(name)s already has an active mentor: %(mentor)s.") % {
            "name": mentee.person.full_name,
            "mentor": active_pairing.mentor.person.full_name,
        }
    return None


def reflection_refusal(pairing: Pairing) -> str | None:
    if refusal := closed_refusal(pairing.cohort):
        return refusal
    if not pairing.accepts_reflection:
        return _("Reflections open when the cohort is concluding or when your mentorship has ended.")
    return None


def survey_refusal(cohort: Cohort) -> str | None:
    if cohort.is_read_only:
        return _("The survey is closed: this cohort has ended. Thank you to everyone who answered.")
    if not cohort.is_concluding:
        return _("The end-of-cohort survey opens when the cohort is concluding (it is %(state)s).") % {
            "state": cohort.get_state_display().lower()
        }
    return None


def thanks_refusal(pairing: Pairing) -> str | None:
    """Thanks open when reflections do (the pairing ended, or its cohort is concluding) and stay
    editable until the cohort closes."""
    if pairing.cohort.is_read_only:
        return _("This cohort is closed; thanks can no longer be written or changed.")
    if not pairing.accepts_reflection:
        return _("You can thank your mentor when your mentorship ends or the cohort is concluding.")
    return None


def todo_for(person, *, today) -> list[TodoItem]:
    """The home page's steps of close-out for `person`: as a mentee, thanking each mentor whose
    pairing is at its close (ended, or its cohort concluding, and not closed) and not yet thanked.
    One query."""
    closing = (
        Pairing.objects.filter(mentee__person=person, thanks__isnull=True)
        .filter(
            Q(status=Pairing.Status.ENDED)
            | Q(status=Pairing.Status.ACTIVE, cohort__state=Cohort.State.CONCLUDING)
        )
        .exclude(cohort__state=Cohort.State.CLOSED)
        .select_related("mentor__person", "cohort")
        .order_by("cohort__ends_on", "pk")
    )
    return [
        TodoItem(
            kind="thanks",
            title=_("Thank %(name)s for their mentoring") % {"name": pairing.mentor.person.full_name},
            url=reverse("closeout:thanks", args=[pairing.pk]),
            due=pairing.cohort.ends_on,
            pairing_id=pairing.pk,
            detail=_("A few words, for them only."),
        )
        for pairing in closing
    ]
