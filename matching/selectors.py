"""Reads for matching pages: runs and their pairs, and mentee-choice mode (suggestions, requests).
Querysets come back already filtered to what the user may see; views turn "not found" into a 404."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Avg, Count, Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from people.roles import person_of
from programmes.models import Cohort, Enrolment

from .models import MatchRun, MentorRequest, Pairing, PairRule
from .scores import candidate_for, cohort_scores, explain_pair

SUGGESTIONS = 5
CHOICE_STATES = (Cohort.State.MATCHING, Cohort.State.ACTIVE)


# --- runs ------------------------------------------------------------------------------------------


def match_runs() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("cohort__programme", "created_by", "published_by")


def match_run_pairings(run: MatchRun):
    return run.pairings.select_related("mentor__person__team", "mentee__person__team").order_by(
        "-score", "pk"
    )


def match_run_page_rows(run: MatchRun):
    """The run's pairs as its page shows them, best first: the columns a row reads (both people's
    names and teams, the score and why), not whole people and enrolments with their answers."""
    return match_run_pairings(run).only(
        "match_run_id",
        "mentor",
        "mentee",
        "score",
        "explanation",
        "mentor__person",
        "mentee__person",
        "mentor__person__full_name",
        "mentee__person__full_name",
        "mentor__person__team",
        "mentee__person__team",
        "mentor__person__team__name",
        "mentee__person__team__name",
    )


def cohort_match_runs(cohort):
    """Every run of a cohort with pairs to compare, newest first (runs in progress or failed left out)."""
    return cohort.match_runs.exclude(status__in=[*MatchRun.IN_PROGRESS, MatchRun.Status.FAILED])


def cohort_pair_rules(cohort):
    return (
        PairRule.objects.filter(cohort=cohort)
        .select_related("mentor__person", "mentee__person")
        .order_by("-kind", "mentee__person__full_name", "pk")  # pins first
    )


def unfinished_profiles(cohort) -> int:
    """How many active people of the cohort have not finished their profile: the matcher scores
    their unknown answers as neutral, so their pairs rest on defaults."""
    return cohort.enrolments.filter(status=Enrolment.Status.ACTIVE, profile_completed_at__isnull=True).count()


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None
    percent: bool = False
    note: str = ""  # how the figure was arrived at, when the page should say

    @property
    def shown(self) -> str:
        if self.value is None:
            return "–"
        return f"{round(100 * self.value)}%" if self.percent else f"{self.value:.1f}"


def share_top3(run: MatchRun) -> float | None:
    """Share of the run's pairs whose mentor is one of the mentee's three best-scoring allowed
    mentors among the cohort's active mentors (ties count as top 3), as the matcher computes it."""
    mentors = list(
        Enrolment.objects.filter(
            cohort=run.cohort_id, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE
        ).only("pk", "person_id")
    )
    column = {m.pk: j for j, m in enumerate(mentors)}
    # The scorer needs only each mentee's pk and person; the pair's mentor and score.
    # (match_run_id too: the related manager reads it to attach the run to each row.)
    pairings = run.pairings.select_related("mentee").only(
        "match_run_id", "mentor_id", "score", "mentee__person_id"
    )
    counted = [p for p in pairings.order_by("pk") if p.mentor_id in column]
    if not counted:
        return None
    mentees = [p.mentee for p in counted]
    scores, allowed, _reasons = cohort_scores(run.cohort, mentees, mentors)
    options = np.sort(np.where(allowed, scores, -np.inf), axis=1)
    third = options[:, -3] if options.shape[1] >= 3 else np.full(len(counted), -np.inf)
    got = np.array([p.score for p in counted])
    return round(float((got >= third).mean()), 3)


def run_pair_aggregates(run: MatchRun) -> dict:
    """{"matched": the run's pairs, "mean" and "lowest": their scores}, in one aggregate (the run
    page's count of pairs too)."""
    return run.pairings.aggregate(matched=Count("pk"), mean=Avg("score"), lowest=Min("score"))


def run_figures(run: MatchRun, pairs: dict | None = None) -> list[Figure]:
    """The run's headline figures. Mean, lowest and share matched come from its pairs (aggregates
    in SQL, `run_pair_aggregates`), so every run (published, made before figures were stored, or one
    pair at a time) shows real numbers; the top-3 share is the matcher's, or for a run without one,
    the one services.match_run_top3_fill worked out (and said so)."""
    pairs = pairs or run_pair_aggregates(run)
    matched = pairs["matched"]
    stored = run.quality if isinstance(run.quality, dict) else {}
    top3_note = ""
    if stored.get("share_top3_worked_out"):
        top3_note = _("Worked out from the scores when this run was first shown, not by the matcher.")
    unmatched = len(run.unmatched)
    return [
        Figure("mean_score", _("Mean score"), round(pairs["mean"], 1) if matched else None),
        Figure("lowest_score", _("Lowest score"), round(pairs["lowest"], 1) if matched else None),
        Figure(
            "share_matched",
            _("Mentees matched"),
            matched / (matched + unmatched) if matched or unmatched else None,
            percent=True,
        ),
        Figure("share_top3", _("Got a top-3 mentor"), stored.get("share_top3"), percent=True, note=top3_note),
    ]


def pair_rules_of(cohort, pairings) -> dict[tuple[int, int], PairRule]:
    """The cohort's pin or forbid on each of `pairings` (a page of a run), by (mentor, mentee)."""
    mentees = {p.mentee_id for p in pairings}
    rules = PairRule.objects.filter(cohort=cohort, mentee_id__in=mentees) if mentees else ()
    return {(r.mentor_id, r.mentee_id): r for r in rules}


# --- mentee choice ---------------------------------------------------------------------------------


def choice_refusal(cohort: Cohort) -> str | None:
    """Why mentees cannot choose in this cohort now, or None."""
    if cohort.matching_mode != Cohort.MatchingMode.CHOICE:
        return _("In this cohort the programme admin assigns mentors; there is nothing to choose.")
    if cohort.state not in CHOICE_STATES:
        return _("Mentees can choose a mentor while the cohort is matching or active (it is %(state)s).") % {
            "state": cohort.get_state_display()
        }
    return None


def mentee_enrolments_of(user) -> QuerySet[Enrolment]:
    """The user's own active mentee enrolments (admins included: this is the mentee's page)."""
    person = person_of(user)
    if person is None:
        return Enrolment.objects.none()
    return Enrolment.objects.select_related("cohort__programme", "person").filter(
        person=person, role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE
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


def mentees_taken(mentor: Enrolment) -> int:
    return Pairing.objects.filter(
        cohort_id=mentor.cohort_id, mentor=mentor, status=Pairing.Status.ACTIVE
    ).count()


def free_slots(mentor: Enrolment, *, cohort: Cohort) -> int:
    """Places the mentor still has. Accepting turns a request into a pairing at once, so only active
    pairings take places; open requests do not reserve one."""
    return cohort.places_of(mentor.capacity) - mentees_taken(mentor)


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
    """The mentee's best mentors: enrolled, allowed by every rule of the cohort, with a free place, a
    score above 0, and not someone who declined them (or whom they parted from) in this cohort; best
    score first. Requests closed for want of a place do not count: a mentor who gains a place is
    suggested again. A constant number of queries, whatever the number of mentors."""
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
        if cohort.places_of(m.capacity) - m.active > 0
    ]
    if not mentors:
        return []
    scores, allowed, _reasons = cohort_scores(cohort, [mentee], mentors)
    ranked = sorted(
        (j for j in range(len(mentors)) if allowed[0, j] and scores[0, j] > 0),
        key=lambda j: (-scores[0, j], mentors[j].person.full_name),
    )
    if limit is not None:
        ranked = ranked[:limit]
    return [
        Suggestion(
            enrolment=mentors[j],
            score=float(scores[0, j]),
            explanation=explain_pair(cohort, candidate_for(mentee), candidate_for(mentors[j])),
            free_slots=cohort.places_of(mentors[j].capacity) - mentors[j].active,
        )
        for j in ranked
    ]


def request_refusal(mentee: Enrolment) -> str | None:
    """Why this mentee cannot ask for a mentor now, or None."""
    refusal = choice_refusal(mentee.cohort)
    if refusal:
        return refusal
    if not mentee.profile_complete:
        return _(
            "Finish your profile first: mentors are suggested from your goals, interests and work style."
        )
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
