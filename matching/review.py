"""Writes for an admin reviewing matching: pin and forbid pairs, swap two proposed mentors, run a
large cohort in the background, and tell both sides of a published run who they were paired with.

The matcher itself (`services.match_run_create`, `services.match_run_publish`) belongs to
`matching.services`; this module only calls it.
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentorship.emails import send_templated_email
from people.models import WORK_STYLE_TRAITS
from programmes.models import Cohort, Enrolment

from . import scoring, services
from .models import MatchRun, Pairing, PairRule

# Cohorts with more people than this (mentees + mentors) are matched by a Celery worker, so the
# admin's request does not wait on the solver. Overridable per deployment in settings.
DEFAULT_ASYNC_THRESHOLD = 500

# Progress values of a placeholder run (status RUNNING) while Celery matches its cohort.
QUEUED, CLAIMED, DONE = 0, 1, 100
# A published run's `progress` moves from DONE to NOTIFIED when its emails are claimed: the
# model has no other field to claim on, and progress means nothing once a run is published.
NOTIFIED = 101


def _check_pair(*, cohort: Cohort, mentor: Enrolment, mentee: Enrolment) -> None:
    if mentor.cohort_id != cohort.pk or mentee.cohort_id != cohort.pk:
        raise ValidationError(_("Both people must be enrolled in this cohort."))
    if mentor.role != Enrolment.Role.MENTOR or mentee.role != Enrolment.Role.MENTEE:
        raise ValidationError(_("Choose a mentor and a mentee."))


@transaction.atomic
def pair_rule_set(*, cohort: Cohort, mentor: Enrolment, mentee: Enrolment, kind: str, by) -> PairRule:
    """Pin (always pair) or forbid (never pair) a mentor and a mentee for the next runs.

    Setting a rule on a pair replaces the rule it had; pinning a mentee replaces their earlier pin
    (a mentee has one mentor). A pin the hard constraints rule out is refused.
    """
    _check_pair(cohort=cohort, mentor=mentor, mentee=mentee)
    if kind == PairRule.Kind.PIN:
        if not services.allowed_pairs([mentee], [mentor])[0, 0]:
            raise ValidationError(
                _("%(mentee)s cannot be paired with %(mentor)s (themself, their manager or their report).")
                % {"mentee": mentee.person.full_name, "mentor": mentor.person.full_name}
            )
        PairRule.objects.filter(cohort=cohort, mentee=mentee, kind=PairRule.Kind.PIN).exclude(
            mentor=mentor
        ).delete()
    PairRule.objects.filter(cohort=cohort, mentor=mentor, mentee=mentee).delete()
    rule = PairRule(cohort=cohort, mentor=mentor, mentee=mentee, kind=kind, created_by=by)
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def pair_rule_clear(*, cohort: Cohort, mentor: Enrolment, mentee: Enrolment, by) -> int:
    """Remove whatever rule the pair has. Returns how many were removed (0 or 1)."""
    deleted, _detail = PairRule.objects.filter(cohort=cohort, mentor=mentor, mentee=mentee).delete()
    return deleted


def _forbidden_or_pinned_elsewhere(cohort: Cohort, pairs: list[tuple[Enrolment, Enrolment]]) -> str | None:
    rules = PairRule.objects.filter(cohort=cohort, mentee__in=[mentee for _m, mentee in pairs])
    for rule in rules:
        for mentor, mentee in pairs:
            if rule.mentee_id != mentee.pk:
                continue
            if rule.kind == PairRule.Kind.FORBID and rule.mentor_id == mentor.pk:
                return _("%(mentee)s and %(mentor)s are forbidden as a pair.") % {
                    "mentee": mentee.person.full_name,
                    "mentor": mentor.person.full_name,
                }
            if rule.kind == PairRule.Kind.PIN and rule.mentor_id != mentor.pk:
                return _("%(mentee)s is pinned to another mentor.") % {"mentee": mentee.person.full_name}
    return None


def _third_best(scores: np.ndarray, allowed: np.ndarray) -> float:
    """A mentee's third-best allowed score (ties count as top 3, as in services._quality)."""
    options = np.sort(np.where(allowed, scores, -np.inf))
    return float(options[-3]) if options.size >= 3 else -np.inf


@transaction.atomic
def pairings_swap(*, run: MatchRun, first: Pairing, second: Pairing, by) -> tuple[Pairing, Pairing]:
    """Give two proposed pairs each other's mentor, with fresh scores and explanations.

    Refused on any run but the current proposal, when the two pairs share a mentor, and when a new
    pair would break a rule of the cohort (`services.allowed_pairs`), an admin's pin or forbid.
    Capacity cannot break: each mentor keeps the same number of mentees.
    """
    run = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if run.status != MatchRun.Status.PROPOSED:
        raise ValidationError(_("Only the current proposal can be changed."))
    pairs = {
        p.pk: p
        for p in Pairing.objects.select_related("mentor__person", "mentee__person")
        .prefetch_related(
            "mentor__person__interests",
            "mentor__person__skills",
            "mentor__goal_areas",
            "mentee__person__interests",
            "mentee__person__skills",
            "mentee__goal_areas",
        )
        .filter(match_run=run, pk__in=[first.pk, second.pk])
    }
    if first.pk == second.pk or len(pairs) != 2:
        raise ValidationError(_("Choose two different pairs of this run."))
    first, second = pairs[first.pk], pairs[second.pk]
    if first.mentor_id == second.mentor_id:
        raise ValidationError(_("Both pairs have the same mentor: there is nothing to swap."))

    cohort = run.cohort
    mentees = [first.mentee, second.mentee]
    mentors = [second.mentor, first.mentor]
    refusal = _forbidden_or_pinned_elsewhere(cohort, list(zip(mentors, mentees, strict=True)))
    if refusal:
        raise ValidationError(refusal)
    # Every rule of the cohort (management chain, tenure, team, time zones, pins, forbids), exactly
    # as the matcher applies them.
    allowed = services.allowed_pairs(mentees, mentors, cohort=cohort)
    if not (allowed[0, 0] and allowed[1, 1]):
        raise ValidationError(_("That swap would make a pair the cohort's matching rules do not allow."))

    # Each mentee against every active mentor, so the run's share of top-3 mentors can follow.
    pool = list(
        Enrolment.objects.filter(
            cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE
        ).only("pk", "person_id")
    )
    column = {e.pk: j for j, e in enumerate(pool)}
    if any(m.pk not in column for m in mentors):
        raise ValidationError(_("Both mentors must still be active in this cohort."))
    scores, allowed_all, _reasons = services.cohort_scores(cohort, mentees, pool)
    top3_change = 0
    for i, (old, new) in enumerate(((first.mentor, mentors[0]), (second.mentor, mentors[1]))):
        third_best = _third_best(scores[i], allowed_all[i])
        top3_change += int(scores[i, column[new.pk]] >= third_best) - int(
            scores[i, column[old.pk]] >= third_best
        )

    mentee_candidates = [services.candidate_for(e) for e in mentees]
    mentor_candidates = [services.candidate_for(e) for e in mentors]
    for i, pairing in enumerate((first, second)):
        pairing.mentor = mentors[i]
        pairing.score = float(scores[i, column[mentors[i].pk]])
        pairing.explanation = scoring.explain(
            mentee_candidates[i], mentor_candidates[i], WORK_STYLE_TRAITS, cohort.trait_modes
        )
        pairing.full_clean()
        pairing.save(update_fields=["mentor", "score", "explanation"])

    # The run's headline figures follow its pairs (the same definitions as services._quality).
    all_scores = list(run.pairings.values_list("score", flat=True))
    quality = {
        **run.quality,
        "mean_score": round(sum(all_scores) / len(all_scores), 1),
        "lowest_score": round(min(all_scores), 1),
    }
    if quality.get("share_top3") is not None:
        matched = len(all_scores)
        quality["share_top3"] = round((quality["share_top3"] * matched + top3_change) / matched, 3)
    run.quality = quality
    run.save(update_fields=["quality"])
    return first, second


# --- matching in the background ---------------------------------------------------------------


def cohort_size(cohort: Cohort) -> int:
    return cohort.enrolments.filter(status=Enrolment.Status.ACTIVE).count()


def runs_in_background(cohort: Cohort) -> bool:
    threshold = getattr(settings, "MATCHING_ASYNC_THRESHOLD", DEFAULT_ASYNC_THRESHOLD)
    return cohort_size(cohort) > threshold


@transaction.atomic
def match_run_queue(*, cohort: Cohort, by) -> MatchRun:
    """Record a placeholder run (RUNNING, progress 0) and have Celery match the cohort once this
    transaction commits. The placeholder later points at the run the matcher made."""
    if not cohort.can_run_matching:
        raise ValidationError(
            _("Matching can only run while a cohort is enrolling or matching (it is %(state)s).")
            % {"state": cohort.get_state_display()}
        )
    placeholder = MatchRun.objects.create(
        cohort=cohort, created_by=by, status=MatchRun.Status.RUNNING, progress=QUEUED
    )
    # Imported here because tasks import this module.
    from .tasks import run_matching

    # After commit, so the worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: run_matching.delay(placeholder.pk))
    return placeholder


def match_run_from_placeholder(*, run_id: int) -> MatchRun | None:
    """Claim a queued placeholder, run the matcher, and point the placeholder at the result.

    The claim (progress 0 -> 1, still RUNNING) commits on its own before the matcher starts, so a
    duplicate or redelivered message finds it taken and returns None. A worker that dies after the
    claim leaves the placeholder RUNNING at 1%: the admin starts matching again (the matcher
    serialises runs of one cohort itself), which is cheaper than risking two workers on one run.
    """
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING, progress=QUEUED).update(
        progress=CLAIMED
    )
    if not claimed:
        return None
    placeholder = MatchRun.objects.select_related("cohort", "created_by").get(pk=run_id)
    try:
        with transaction.atomic():
            result = services.match_run_create(cohort=placeholder.cohort, by=placeholder.created_by)
            placeholder.status = MatchRun.Status.SUPERSEDED
            placeholder.progress = DONE
            placeholder.quality = {"result_run_id": result.pk}
            placeholder.save(update_fields=["status", "progress", "quality"])
    except ValidationError as exc:
        placeholder.status = MatchRun.Status.FAILED
        placeholder.progress = DONE
        placeholder.quality = {"error": " ".join(exc.messages)}
        placeholder.save(update_fields=["status", "progress", "quality"])
    return placeholder


def result_run_id(run: MatchRun) -> int | None:
    """The run a finished placeholder points at (None for an ordinary run)."""
    return run.quality.get("result_run_id") if isinstance(run.quality, dict) else None


# --- telling people -------------------------------------------------------------------------------


def match_run_notify(*, run_id: int) -> int:
    """Email everyone in a published run once: each mentor their mentees, each mentee their mentor
    and why. Returns the number of emails sent.

    The claim is per run (progress 100 -> 101 on a PUBLISHED run) and commits before the first
    email, so a retried or duplicated task sends nothing. Trade-off: delivery is at most once; if
    the worker dies halfway, the rest are not sent (they can read their pairing in the app). A
    second welcome email to the whole cohort was judged the worse error, and the model has no
    per-pairing field to claim on.
    """
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.PUBLISHED, progress=DONE).update(
        progress=NOTIFIED
    )
    if not claimed:
        return 0
    pairings = list(
        Pairing.objects.filter(match_run_id=run_id)
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .order_by("mentee__person__full_name", "pk")
    )
    by_mentor: dict[int, list[Pairing]] = {}
    for pairing in pairings:
        by_mentor.setdefault(pairing.mentor_id, []).append(pairing)

    sent = 0
    for pairing in pairings:
        person = pairing.mentee.person
        if person.email:
            sent += send_templated_email(
                template="match_published_mentee",
                context={
                    "recipient": person,
                    "mentor": pairing.mentor.person,
                    "pairing": pairing,
                    "cohort": pairing.cohort,
                    "pairing_url": settings.SITE_URL + pairing.get_absolute_url(),
                },
                to=[person.email],
            )
    for mentor_pairings in by_mentor.values():
        person = mentor_pairings[0].mentor.person
        if person.email:
            sent += send_templated_email(
                template="match_published_mentor",
                context={
                    "recipient": person,
                    "pairings": [
                        {"pairing": p, "url": settings.SITE_URL + p.get_absolute_url()}
                        for p in mentor_pairings
                    ],
                    "cohort": mentor_pairings[0].cohort,
                },
                to=[person.email],
            )
    return sent
