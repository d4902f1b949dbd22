"""Writes for matching: run the matcher on a cohort, publish a run."""

from __future__ import annotations

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import WORK_STYLE_TRAITS
from programmes.models import Cohort, Enrolment

from . import scoring, solver
from .models import MatchRun, Pairing


def candidate_for(enrolment: Enrolment) -> scoring.Candidate:
    person = enrolment.person
    return scoring.Candidate(
        key=enrolment.pk,
        name=person.full_name,
        work_style=tuple(getattr(person, trait) for trait in WORK_STYLE_TRAITS),
        interests=frozenset(tag.name for tag in person.interests.all()),
        skills=frozenset(tag.name for tag in person.skills.all()),
        goal_areas=frozenset(tag.name for tag in enrolment.goal_areas.all()),
    )


def allowed_pairs(mentees: list[Enrolment], mentors: list[Enrolment]) -> np.ndarray:
    """Hard constraints: no one mentors themself, their own manager or their own report."""
    mentee_people = np.array([e.person_id for e in mentees])
    mentee_managers = np.array([e.person.manager_id or 0 for e in mentees])
    mentor_people = np.array([e.person_id for e in mentors])
    mentor_managers = np.array([e.person.manager_id or 0 for e in mentors])
    same_person = mentee_people[:, None] == mentor_people[None, :]
    mentor_is_manager = mentee_managers[:, None] == mentor_people[None, :]
    mentee_is_manager = mentor_managers[None, :] == mentee_people[:, None]
    return ~(same_person | mentor_is_manager | mentee_is_manager)


@transaction.atomic
def match_run_create(*, cohort: Cohort, by) -> MatchRun:
    """Score every mentee against every mentor of the cohort and save the best assignment
    as a proposed run. Earlier proposals of the cohort are superseded."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort.can_run_matching:
        raise ValidationError(
            _("Matching can only run while a cohort is enrolling or matching (it is %(state)s).")
            % {"state": cohort.get_state_display()}
        )
    enrolments = list(
        cohort.enrolments.filter(status=Enrolment.Status.ACTIVE)
        .select_related("person")
        .prefetch_related(Prefetch("person__interests"), Prefetch("person__skills"), "goal_areas")
    )
    already_active = set(
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).values_list(
            "mentee_id", flat=True
        )
    )
    mentees = [e for e in enrolments if e.role == Enrolment.Role.MENTEE and e.pk not in already_active]
    mentors = [e for e in enrolments if e.role == Enrolment.Role.MENTOR]
    if not mentees:
        raise ValidationError(_("There are no unmatched mentees in this cohort yet."))
    if not mentors:
        raise ValidationError(_("Enrol at least one mentor before running matching."))

    taken = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
    used = {m.pk: 0 for m in mentors}
    for mentor_id in taken.values_list("mentor_id", flat=True):
        used[mentor_id] = used.get(mentor_id, 0) + 1
    per_mentor = [min(m.capacity, cohort.max_mentees_per_mentor) for m in mentors]
    capacity = np.array([max(0, cap - used[m.pk]) for m, cap in zip(mentors, per_mentor, strict=True)])

    mentee_candidates = [candidate_for(e) for e in mentees]
    mentor_candidates = [candidate_for(e) for e in mentors]
    scores = scoring.score_matrix(mentee_candidates, mentor_candidates, cohort.weights)
    allowed = allowed_pairs(mentees, mentors)
    pairs = solver.assign(scores, capacity, allowed)

    MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.PROPOSED).update(
        status=MatchRun.Status.SUPERSEDED
    )
    matched = {i for i, _j in pairs}
    unmatched = [
        {
            "enrolment_id": mentees[i].pk,
            "name": mentees[i].person.full_name,
            "reason": _("No mentor with a free slot is allowed for this mentee")
            if allowed[i].any()
            else _("Every mentor is ruled out (their manager, their report or themself)"),
        }
        for i in range(len(mentees))
        if i not in matched
    ]
    run = MatchRun.objects.create(cohort=cohort, created_by=by, unmatched=unmatched)
    Pairing.objects.bulk_create(
        Pairing(
            cohort=cohort,
            match_run=run,
            mentee=mentees[i],
            mentor=mentors[j],
            score=float(scores[i, j]),
            explanation=scoring.explain(mentee_candidates[i], mentor_candidates[j], WORK_STYLE_TRAITS),
        )
        for i, j in pairs
    )
    if cohort.state != Cohort.State.MATCHING:
        cohort.state = Cohort.State.MATCHING
        cohort.save(update_fields=["state"])
    return run


@transaction.atomic
def match_run_publish(*, run: MatchRun, by) -> MatchRun:
    """Make a proposed run's pairs active and the cohort active."""
    run = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if run.status != MatchRun.Status.PROPOSED:
        raise ValidationError(_("Only the current proposal can be published."))
    if not run.pairings.exists():
        raise ValidationError(_("This run has no pairs to publish."))
    accounted = set(run.pairings.values_list("mentee_id", flat=True)) | {
        u["enrolment_id"] for u in run.unmatched
    }
    accounted |= set(
        Pairing.objects.filter(cohort=run.cohort, status=Pairing.Status.ACTIVE).values_list(
            "mentee_id", flat=True
        )
    )
    newcomers = run.cohort.enrolments.filter(
        role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE
    ).exclude(pk__in=accounted)
    if newcomers.exists():
        raise ValidationError(
            _(
                "%(n)d mentee(s) enrolled after this run and would be left unmatched without a reason: "
                "run matching again."
            )
            % {"n": newcomers.count()}
        )
    today = timezone.localdate()
    run.pairings.update(status=Pairing.Status.ACTIVE, started_on=today)
    run.status = MatchRun.Status.PUBLISHED
    run.published_by = by
    run.published_at = timezone.now()
    run.full_clean()
    run.save(update_fields=["status", "published_by", "published_at"])
    cohort = run.cohort
    cohort.state = Cohort.State.ACTIVE
    cohort.save(update_fields=["state"])
    return run


def pairings_complete(*, cohort: Cohort) -> int:
    """End every active pairing of a cohort as completed (the cohort is closing)."""
    return Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).update(
        status=Pairing.Status.ENDED,
        outcome=Pairing.Outcome.COMPLETED,
        ended_on=timezone.localdate(),
    )
