"""Writes for matching: run the matcher on a cohort (inline, or in the background under a lease),
steer and publish a run, start single pairs, and mentee-choice requests (ask, withdraw, accept,
decline, and settling the requests an enrolment or a capacity change touches).

Reads live in `selectors`, scores loaded from the database in `scores` (re-exported here for
close-out and the benchmarks), emails in `choice` (requests, through the outbox) and `review`
(published runs).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorship.history import attribute, history_copy, update_with_history
from people.models import WORK_STYLE_TRAITS, Person
from programmes.models import Cohort, Enrolment
from training import selectors as training_selectors
from training.models import TrainingModule

from . import emails, scoring, selectors, solver
from .models import MatchRun, MentorRequest, Pairing, PairRule
from .scores import (  # noqa: F401 - close-out and the benchmarks import these from here
    allowed_pairs,
    candidate_for,
    cohort_scores,
    explain_pair,
    pair_refusal,
    score_cohort,
)

logger = logging.getLogger(__name__)

# Cohorts with more people than this (mentees + mentors) are matched by a Celery worker, so the
# admin's request does not wait on the solver. Overridable per deployment in settings.
DEFAULT_ASYNC_THRESHOLD = 500
# How long a background run may stay queued or running before the sweep calls it failed: far longer
# than the solver takes at 20,000 people, short enough that a dead worker is noticed the same hour.
DEFAULT_RUN_LEASE_SECONDS = 30 * 60


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


def _run_lease() -> datetime.timedelta:
    return datetime.timedelta(
        seconds=getattr(settings, "MATCHING_RUN_LEASE_SECONDS", DEFAULT_RUN_LEASE_SECONDS)
    )


def _matching_refusal(cohort: Cohort) -> str | None:
    if not cohort.can_run_matching:
        return _("Matching can only run while a cohort is enrolling or matching (it is %(state)s).") % {
            "state": cohort.get_state_display()
        }
    return None


# --- the match run ---------------------------------------------------------------------------------


def _quality(scores: np.ndarray, allowed: np.ndarray, pairs: list[tuple[int, int]], n_mentees: int) -> dict:
    """Mean and lowest score, share of mentees matched, and share of matched mentees who got one of
    their three best-scoring allowed mentors (ties count as top 3)."""
    if not pairs:
        return {
            "mean_score": None,
            "lowest_score": None,
            "share_matched": 0.0,
            "share_top3": None,
            "matched": 0,
            "mentees": n_mentees,
        }
    rows = np.array([i for i, _j in pairs])
    cols = np.array([j for _i, j in pairs])
    got = scores[rows, cols]
    options = np.where(allowed[rows], scores[rows], -np.inf)
    k = options.shape[1]
    third_best = np.partition(options, k - 3, axis=1)[:, k - 3] if k >= 3 else np.full(len(rows), -np.inf)
    return {
        "mean_score": round(float(got.mean()), 1),
        "lowest_score": round(float(got.min()), 1),
        "share_matched": round(len(pairs) / n_mentees, 3),
        "share_top3": round(float((got >= third_best).mean()), 3),
        "matched": len(pairs),
        "mentees": n_mentees,
    }


def _untrained(cohort: Cohort, enrolments: list[Enrolment]) -> dict[int, dict]:
    """The people among `enrolments` who have not finished a training module required before
    matching (training's one rule): person id -> {"name", "role"}. A match run leaves them out."""
    missing = training_selectors.missing_required(
        {e.person_id: e.role for e in enrolments},
        cohort.programme_id,
        TrainingModule.Requirement.BEFORE_MATCHING,
    )
    if not missing:
        return {}
    names = dict(Person.objects.filter(pk__in=list(missing)).values_list("pk", "full_name"))
    by_person = {e.person_id: e for e in enrolments}
    return {
        pk: {
            "name": names.get(pk, ""),
            "role": by_person[pk].role,
            "enrolment_id": by_person[pk].pk,
            "modules": [module.title for module in modules],
        }
        for pk, modules in missing.items()
    }


# The names a run keeps of the people it left out for training (the run page links to the full list).
LEFT_OUT_NAMES = 20


def _left_out(untrained: dict[int, dict]) -> dict:
    """What the run page shows of the people left out: how many, and the first names, by name."""
    if not untrained:
        return {}
    people = sorted(untrained.values(), key=lambda p: (p["role"], p["name"]))
    return {
        "left_out_training": len(people),
        "left_out_people": [{"name": p["name"], "role": p["role"]} for p in people[:LEFT_OUT_NAMES]],
    }


def _training_refusal(untrained: dict[int, dict]) -> str:
    return ngettext(
        "%(n)d person has not finished the training required before matching, so nobody can be matched yet.",
        "%(n)d people have not finished the training required before matching, so nobody can be matched yet.",
        len(untrained),
    ) % {"n": len(untrained)}


@transaction.atomic
def match_run_create(*, cohort: Cohort, by, run: MatchRun | None = None) -> MatchRun:
    """Score every unmatched mentee against every mentor of the cohort and save the best assignment
    as a proposed run, with each pair's explanation, each unmatched mentee's reason and the run's
    quality. Pins are honoured first; earlier proposals of the cohort are superseded.

    `run` is a background run its worker holds (RUNNING): the proposal is written into it, and only
    if it is still RUNNING at the end (the sweep may have failed it meanwhile), else nothing is kept.

    The query count does not grow with the cohort: rows are loaded with a fixed set of narrow
    queries and the pairs are written with one bulk insert.
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _refuse(_matching_refusal(cohort))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .only("id", "cohort_id", "person_id", "role", "capacity")
        .order_by("pk")
    )
    active = list(
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).values_list(
            "mentee_id", "mentor_id"
        )
    )
    already_active = {mentee_id for mentee_id, _m in active}
    untrained = _untrained(cohort, [e for e in enrolments if e.pk not in already_active])
    mentees = [
        e
        for e in enrolments
        if e.role == Enrolment.Role.MENTEE and e.pk not in already_active and e.person_id not in untrained
    ]
    mentors = [e for e in enrolments if e.role == Enrolment.Role.MENTOR and e.person_id not in untrained]
    if not mentees:
        if untrained:
            raise ValidationError(_training_refusal(untrained))
        raise ValidationError(_("There are no unmatched mentees in this cohort yet."))
    if not mentors:
        if untrained:
            raise ValidationError(_training_refusal(untrained))
        raise ValidationError(_("Enrol at least one mentor before running matching."))

    used: dict[int, int] = defaultdict(int)
    for _mentee, mentor_id in active:
        used[mentor_id] += 1
    capacity = np.array([max(0, cohort.places_of(m.capacity) - used[m.pk]) for m in mentors], dtype=np.int64)

    scored = score_cohort(cohort, mentees, mentors)
    scores, allowed = scored.scores, scored.rules.allowed
    reasons = list(scored.reasons)

    # Pins first, best-scoring first, so a pinned pair cannot lose its slot to the solver.
    pairs: list[tuple[int, int]] = []
    pinned = sorted(scored.rules.pins.items(), key=lambda pin: -scores[pin[0], max(pin[1], 0)])
    for i, j in pinned:
        if not allowed[i, j] or j < 0:
            continue  # its reason is already in `reasons`
        if capacity[j] > 0:
            capacity[j] -= 1
            pairs.append((i, j))
        else:
            reasons[i] = _("Pinned to %(mentor)s, who has no free slot left") % {
                "mentor": scored.mentor_candidates[j].name
            }
    if pinned:
        allowed_for_solver = allowed.copy()
        allowed_for_solver[[i for i, _j in pinned], :] = False
    else:
        allowed_for_solver = allowed
    pairs += solver.assign(scores, capacity.copy(), allowed_for_solver, fair=cohort.fair_matching)
    pairs.sort()

    matched = {i for i, _j in pairs}
    unmatched = []
    for i, mentee in enumerate(mentees):
        if i in matched:
            continue
        reason = reasons[i]
        if reason is None:
            reason = (
                _("Every mentor allowed for them is already full")
                if not capacity[allowed[i]].any()
                else _("Mentors with free slots were all taken by better-scoring pairs")
            )
        unmatched.append(
            {"enrolment_id": mentee.pk, "name": scored.mentee_candidates[i].name, "reason": reason}
        )

    # Mentees left out for training are unmatched with that reason (publishing needs every mentee
    # accounted for).
    unmatched += [
        {
            "enrolment_id": p["enrolment_id"],
            "name": p["name"],
            "reason": _("Has not finished the training required before matching: %(modules)s")
            % {"modules": ", ".join(p["modules"])},
        }
        for p in sorted(untrained.values(), key=lambda p: p["name"])
        if p["role"] == Enrolment.Role.MENTEE
    ]
    proposals = MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.PROPOSED)
    if run is not None:
        proposals = proposals.exclude(pk=run.pk)
    update_with_history(
        proposals, by=by, reason=_("A new match run replaced it."), status=MatchRun.Status.SUPERSEDED
    )
    now = timezone.now()
    outcome = {
        "status": MatchRun.Status.PROPOSED,
        "unmatched": unmatched,
        "fair": cohort.fair_matching,
        "quality": {**_quality(scores, allowed, pairs, len(mentees)), **_left_out(untrained)},
        "finished_at": now,
    }
    if run is None:
        # No full_clean: its checks are database constraints, and here they would cost eight queries
        # on a page whose query count is pinned.
        run = MatchRun(cohort=cohort, created_by=by, created_at=now, started_at=now, **outcome)
        run.save()
    elif MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(**outcome):
        for field, value in outcome.items():
            setattr(run, field, value)
        # A task: nobody is named.
        history_copy(MatchRun, [run.pk], reason=_("Matching finished in the background."))
    else:
        # The lease ran out and the sweep marked the run failed: its proposal is not wanted.
        raise ValidationError(_("This run took longer than its lease and was marked failed."))
    proposed = Pairing.objects.bulk_create(
        Pairing(
            cohort=cohort,
            match_run=run,
            mentee=mentees[i],
            mentor=mentors[j],
            score=float(scores[i, j]),
            explanation=scoring.explain(
                scored.mentee_candidates[i],
                scored.mentor_candidates[j],
                WORK_STYLE_TRAITS,
                cohort.trait_modes,
            ),
        )
        for i, j in pairs
    )
    history_copy(
        Pairing,
        [pairing.pk for pairing in proposed],
        by=by,
        reason=_("Proposed by match run #%(run)d.") % {"run": run.pk},
        created=True,
    )
    if cohort.state != Cohort.State.MATCHING:
        cohort.state = Cohort.State.MATCHING
        attribute(cohort, by=by, reason=_("Match run #%(run)d.") % {"run": run.pk})
        cohort.save(update_fields=["state"])
    return run


@transaction.atomic
def match_run_publish(*, run: MatchRun, by) -> MatchRun:
    """Make a proposed run's pairs active and the cohort active. In a choice cohort the requests the
    new pairs settle are closed in the same transaction: a mentee now paired has no open request,
    and a mentor now full has none waiting."""
    run = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if not run.is_editable:
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
    newcomers = (
        run.cohort.enrolments.filter(role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE)
        .exclude(pk__in=accounted)
        .count()
    )
    if newcomers:
        raise ValidationError(
            ngettext(
                "%(n)d mentee enrolled after this run and would be left unmatched without a reason: "
                "run matching again.",
                "%(n)d mentees enrolled after this run and would be left unmatched without a reason: "
                "run matching again.",
                newcomers,
            )
            % {"n": newcomers}
        )
    today = timezone.localdate()
    published = _("Published run #%(run)d.") % {"run": run.pk}
    run.pairings.update(status=Pairing.Status.ACTIVE, started_on=today)
    # The pairs became active by one update(), which writes no history of its own.
    history_copy(Pairing, run.pairings.values_list("pk", flat=True), by=by, reason=published)
    run.status = MatchRun.Status.PUBLISHED
    run.published_by = by
    run.published_at = timezone.now()
    run.full_clean()
    attribute(run, by=by, reason=published)
    run.save(update_fields=["status", "published_by", "published_at"])
    emails.match_run_emails_owe(run=run, by=by)
    cohort = run.cohort
    cohort.state = Cohort.State.ACTIVE
    attribute(cohort, by=by, reason=published)
    cohort.save(update_fields=["state"])
    _settle_after_pairing(
        cohort=cohort, pairings=list(run.pairings.select_related("mentor__person", "mentee__person"))
    )
    return run


def pairings_complete(*, cohort: Cohort, by=None) -> int:
    """End every active pairing of a cohort as completed (the cohort is closing)."""
    return update_with_history(
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE),
        by=by,
        reason=_("The cohort closed."),
        status=Pairing.Status.ENDED,
        outcome=Pairing.Outcome.COMPLETED,
        ended_on=timezone.localdate(),
    )


def pairing_start(
    *,
    cohort: Cohort,
    mentor: Enrolment,
    mentee: Enrolment,
    score: float,
    explanation,
    by,
    taken_message: str,
    kind: str = MatchRun.Kind.SINGLE,
) -> Pairing:
    """Start one pair outside a full match run, active from today. A re-match (SINGLE) gets a
    published run of its own that records who made it and when; accepted mentee requests (CHOICE)
    gather in the cohort's one choice run, so the cohort page lists one run however many accepts.

    The caller holds the cohort lock and has checked its own rules; the database still has the
    final word on "one active pairing per mentee", and losing that race says `taken_message`."""
    now = timezone.now()
    run = None
    if kind == MatchRun.Kind.CHOICE:
        run = MatchRun.objects.filter(cohort=cohort, kind=MatchRun.Kind.CHOICE).first()
    if run is None:
        run = MatchRun(
            cohort=cohort,
            kind=kind,
            status=MatchRun.Status.PUBLISHED,
            created_by=by,
            created_at=now,
            started_at=now,
            finished_at=now,
            published_by=by,
            published_at=now,
        )
        run.full_clean()
        run.save()
    pairing = Pairing(
        cohort=cohort,
        match_run=run,
        mentor=mentor,
        mentee=mentee,
        score=score,
        explanation=explanation,
        status=Pairing.Status.ACTIVE,
        started_on=timezone.localdate(now),
    )
    pairing.full_clean()
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError as exc:
        raise ValidationError(taken_message) from exc
    return pairing


# --- matching in the background ------------------------------------------------------------------


def runs_in_background(cohort: Cohort) -> bool:
    threshold = getattr(settings, "MATCHING_ASYNC_THRESHOLD", DEFAULT_ASYNC_THRESHOLD)
    return cohort.enrolments.filter(status=Enrolment.Status.ACTIVE).count() > threshold


def _dispatch(run_id: int) -> None:
    from .tasks import run_matching  # tasks import this module

    try:
        run_matching.delay(run_id)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the admin's request
        # The run stays queued; its lease runs out and the sweep marks it failed, so the admin
        # sees it and starts again.
        logger.exception("Could not queue match run %s", run_id)


@transaction.atomic
def match_run_queue(*, cohort: Cohort, by) -> MatchRun:
    """Record a QUEUED run under a lease and have Celery match the cohort into it once this
    transaction commits. One background run per cohort at a time (a database constraint)."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _refuse(_matching_refusal(cohort))
    if cohort.match_runs.filter(status__in=MatchRun.IN_PROGRESS).exists():
        raise ValidationError(_("Matching is already running for this cohort: wait for it to finish."))
    now = timezone.now()
    run = MatchRun(
        cohort=cohort,
        created_by=by,
        created_at=now,
        status=MatchRun.Status.QUEUED,
        lease_expires_at=now + _run_lease(),
    )
    run.full_clean()
    run.save()
    # After commit, so the worker never looks for a row it cannot see yet.
    transaction.on_commit(lambda: _dispatch(run.pk))
    return run


def match_run_execute(*, run_id: int) -> MatchRun | None:
    """Claim a queued run and match its cohort into it. Returns None if there was nothing to claim.

    The claim (QUEUED -> RUNNING, a fresh lease) commits on its own before the matcher starts, so a
    duplicate or redelivered message finds it taken. While matching, the worker holds the run's
    row; the sweep skips locked rows, so on PostgreSQL it can only fail a run whose worker is gone
    (its transaction then rolled back), and the lease covers the rest.
    """
    now = timezone.now()
    # A task: the history names nobody.
    claimed = update_with_history(
        MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED, lease_expires_at__gt=now),
        reason=_("A worker started matching."),
        status=MatchRun.Status.RUNNING,
        started_at=now,
        lease_expires_at=now + _run_lease(),
    )
    if not claimed:
        return None
    try:
        with transaction.atomic():
            run = (
                MatchRun.objects.select_for_update(of=("self",))
                .select_related("cohort", "created_by")
                .filter(pk=run_id, status=MatchRun.Status.RUNNING)
                .first()
            )
            if run is not None:
                match_run_create(cohort=run.cohort, by=run.created_by, run=run)
    except ValidationError as exc:
        update_with_history(
            MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING),
            status=MatchRun.Status.FAILED,
            error=" ".join(exc.messages),
            finished_at=timezone.now(),
        )
    return MatchRun.objects.get(pk=run_id)


def match_runs_expire(*, now=None) -> int:
    """Mark failed every queued or running run whose lease has run out (its worker died, or its
    message was lost), so the page says so and matching can be started again. Returns how many.
    Safe to run at any time, as often as wanted (the beat schedule runs it every few minutes)."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            MatchRun.objects.select_for_update(skip_locked=True)
            .filter(status__in=MatchRun.IN_PROGRESS, lease_expires_at__lte=now)
            .values_list("pk", flat=True)
        )
        return update_with_history(
            MatchRun.objects.filter(pk__in=stale, status__in=MatchRun.IN_PROGRESS),
            reason=_("Its lease ran out."),
            status=MatchRun.Status.FAILED,
            finished_at=now,
            error=_("The matching worker stopped before finishing. Start matching again."),
        )


# --- steering a proposal -------------------------------------------------------------------------


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
        if not allowed_pairs([mentee], [mentor])[0, 0]:
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
    rules = PairRule.objects.filter(
        cohort=cohort, mentee__in=[mentee for _m, mentee in pairs]
    ).select_related("mentor__person")
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
                return _("%(mentee)s is pinned to %(pinned)s, so cannot have %(mentor)s.") % {
                    "mentee": mentee.person.full_name,
                    "pinned": rule.mentor.person.full_name,
                    "mentor": mentor.person.full_name,
                }
    return None


def _third_best(scores: np.ndarray, allowed: np.ndarray) -> float:
    """A mentee's third-best allowed score (ties count as top 3, as in _quality)."""
    options = np.sort(np.where(allowed, scores, -np.inf))
    return float(options[-3]) if options.size >= 3 else -np.inf


@transaction.atomic
def match_run_top3_fill(*, run: MatchRun) -> MatchRun:
    """Store the top-3 share of a run that has none (MatchRun.lacks_top3_share), worked out from
    the cohort's scores as the matcher would have: about a second at 20,000 people, so once, not
    on every view of the run. Safe to run twice: the run is locked and checked again."""
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.lacks_top3_share:
        quality = run.quality if isinstance(run.quality, dict) else {}
        share = selectors.share_top3(run)
        if share is not None:
            run.quality = {**quality, "share_top3": share, "share_top3_worked_out": True}
            run.full_clean()
            # A figure worked out on a page view, not a change anyone made: no history row
            # (simple_history skips a save while this attribute is set).
            run.skip_history_when_saving = True
            try:
                run.save(update_fields=["quality"])
            finally:
                del run.skip_history_when_saving
    return run


@transaction.atomic
def pairings_swap(*, run: MatchRun, first: Pairing, second: Pairing, by) -> tuple[Pairing, Pairing]:
    """Give two proposed pairs each other's mentor, with fresh scores and explanations.

    Refused on any run but the current proposal, when the two pairs share a mentor, and when a new
    pair would break a rule of the cohort, an admin's pin or forbid; the refusal names the rule and
    the people. Capacity cannot break: each mentor keeps the same number of mentees.
    """
    run = MatchRun.objects.select_for_update().select_related("cohort").get(pk=run.pk)
    if not run.is_editable:
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
    _refuse(_forbidden_or_pinned_elsewhere(cohort, list(zip(mentors, mentees, strict=True))))
    # Every rule of the cohort (management chain, tenure, team, time zones, pins, forbids), exactly
    # as the matcher applies them; the refusal names the pair and the rules it breaks.
    for mentee, mentor in zip(mentees, mentors, strict=True):
        broken = pair_refusal(cohort, mentee, mentor)
        if broken:
            raise ValidationError(
                _(
                    "The swap would pair %(mentee)s with %(mentor)s, which this cohort's rules do not "
                    "allow: %(rules)s."
                )
                % {"mentee": mentee.person.full_name, "mentor": mentor.person.full_name, "rules": broken}
            )

    # Each mentee against every active mentor, so the run's share of top-3 mentors can follow.
    pool = list(
        Enrolment.objects.filter(
            cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE
        ).only("pk", "person_id")
    )
    column = {e.pk: j for j, e in enumerate(pool)}
    if any(m.pk not in column for m in mentors):
        raise ValidationError(_("Both mentors must still be active in this cohort."))
    scores, allowed_all, _reasons = cohort_scores(cohort, mentees, pool)
    top3_change = 0
    for i, (old, new) in enumerate(((first.mentor, mentors[0]), (second.mentor, mentors[1]))):
        third_best = _third_best(scores[i], allowed_all[i])
        top3_change += int(scores[i, column[new.pk]] >= third_best) - int(
            scores[i, column[old.pk]] >= third_best
        )

    mentee_candidates = [candidate_for(e) for e in mentees]
    mentor_candidates = [candidate_for(e) for e in mentors]
    for i, pairing in enumerate((first, second)):
        pairing.mentor = mentors[i]
        pairing.score = float(scores[i, column[mentors[i].pk]])
        pairing.explanation = scoring.explain(
            mentee_candidates[i], mentor_candidates[i], WORK_STYLE_TRAITS, cohort.trait_modes
        )
        pairing.full_clean()
        attribute(pairing, by=by, reason=_("Swapped mentors with another pair."))
        pairing.save(update_fields=["mentor", "score", "explanation"])

    # The run's headline figures follow its pairs (the same definitions as _quality).
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


# --- mentee choice: requests -----------------------------------------------------------------------


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
    _refuse(selectors.request_refusal(mentee))
    chosen = next((s for s in selectors.suggestions(mentee, limit=None) if s.enrolment.pk == mentor.pk), None)
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
    emails.mentor_request_email_owe(mentor_request=mentor_request, kind="requested")
    return mentor_request


@transaction.atomic
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
    """The mentor says no. Final for this pair in this cohort: the mentor is not suggested again."""
    mentor_request = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    if not mentor_request.is_open:
        raise ValidationError(_("This request is no longer open."))
    mentor_request.status = MentorRequest.Status.DECLINED
    mentor_request.decided_at = timezone.now()
    mentor_request.reason = note.strip()
    mentor_request.full_clean()
    mentor_request.save(update_fields=["status", "decided_at", "reason"])
    emails.mentor_request_email_owe(
        mentor_request=mentor_request, kind="declined", note=mentor_request.reason
    )
    return mentor_request


class NoFreePlace(ValidationError):
    """The mentor's last place went to someone else; the request has been closed with that reason."""


def mentor_request_accept(*, mentor_request: MentorRequest, by) -> Pairing:
    """Accept: the pairing is active from today. If the mentor has no free place (another accept got
    there first), the request is closed with that reason, the mentee is told and may ask again,
    and NoFreePlace is raised, worded for the mentor, once that closure is committed."""
    pairing, refusal = _accept(mentor_request_id=mentor_request.pk, by=by)
    if refusal:
        raise NoFreePlace(refusal)
    return pairing


def _full_for_mentor(mentor: Enrolment, mentee: Enrolment) -> str:
    return _(
        "Your places are all taken, so %(mentee)s's request has been closed and they can ask someone "
        "else. Raise your capacity if you would like to take them on."
    ) % {"mentee": mentee.person.full_name}


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
    # Read the request only now: a concurrent accept may have closed it while we waited.
    mentor_request = (
        MentorRequest.objects.select_for_update(of=("self",))
        .select_related("mentee__person")
        .get(pk=mentor_request_id)
    )
    cohort = mentor.cohort
    mentee = mentor_request.mentee
    already_paired = _("%(name)s already has a mentor.") % {"name": mentee.person.full_name}
    if not mentor_request.is_open:
        # Say why in the mentor's words: the mentee was paired meanwhile, or the mentor's last place
        # went to another accept (which closed this request), or someone else decided it.
        accepted = mentor_request.status == MentorRequest.Status.ACCEPTED
        if not accepted and selectors.active_pairing_of(mentee) is not None:
            raise ValidationError(already_paired)
        full = selectors.free_slots(mentor, cohort=cohort) <= 0
        if mentor_request.status == MentorRequest.Status.CLOSED and full:
            return None, _full_for_mentor(mentor, mentee)
        raise ValidationError(_("This request is no longer open."))
    _refuse(selectors.choice_refusal(cohort))
    if selectors.free_slots(mentor, cohort=cohort) <= 0:
        _close_open_requests(MentorRequest.objects.filter(mentor=mentor), no_free_place_message(mentor))
        return None, _full_for_mentor(mentor, mentee)
    if mentee.status != Enrolment.Status.ACTIVE or mentor.status != Enrolment.Status.ACTIVE:
        raise ValidationError(_("One of you is no longer enrolled in this cohort."))
    if selectors.active_pairing_of(mentee) is not None:
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
        kind=MatchRun.Kind.CHOICE,
    )
    mentor_request.status = MentorRequest.Status.ACCEPTED
    mentor_request.decided_at = now
    mentor_request.save(update_fields=["status", "decided_at"])
    emails.mentor_request_email_owe(mentor_request=mentor_request, kind="accepted")
    _settle_after_pairing(cohort=cohort, pairings=[pairing])
    return pairing, None


def _close_open_requests(requests, reason: str, *, tell_mentee: bool = True) -> int:
    """Close the open requests among `requests`, recording `reason`; each mentee is emailed it
    unless `tell_mentee` is False (they left the cohort, or were just told of their new mentor)."""
    waiting = list(
        requests.select_for_update(of=("self",))
        .filter(status=MentorRequest.Status.REQUESTED)
        .values_list("pk", flat=True)
    )
    MentorRequest.objects.filter(pk__in=waiting).update(
        status=MentorRequest.Status.CLOSED, decided_at=timezone.now(), reason=reason[:300]
    )
    if tell_mentee:
        for closed in MentorRequest.objects.filter(pk__in=waiting):
            emails.mentor_request_email_owe(mentor_request=closed, kind="closed", note=reason)
    return len(waiting)


def _settle_after_pairing(*, cohort: Cohort, pairings: list[Pairing]) -> None:
    """New active pairs settle requests: the mentees' own open requests close (they have a mentor
    now), and a mentor left with no free place has their waiting requests closed for that reason."""
    if not pairings:
        return
    _close_open_requests(
        MentorRequest.objects.filter(cohort=cohort, mentee__in=[p.mentee_id for p in pairings]),
        _("You have been paired with a mentor."),
        tell_mentee=False,
    )
    for mentor in {p.mentor_id: p.mentor for p in pairings}.values():
        if selectors.free_slots(mentor, cohort=cohort) <= 0:
            _close_open_requests(MentorRequest.objects.filter(mentor=mentor), no_free_place_message(mentor))


@transaction.atomic
def mentor_requests_settle(*, enrolment: Enrolment, reason: str = "") -> int:
    """Close every open request this enrolment's present state no longer allows; returns how many.

    Call it after any change to an enrolment or a mentor's capacity (withdrawal, a move to another
    cohort, a new capacity): an enrolment that is no longer active closes every request it is part
    of (a mentee whose mentor left is told, and may ask someone else); a mentor whose places are
    all taken closes the requests waiting on them; a mentee who has a mentor closes their own.
    `reason` overrides the wording sent to mentees.
    """
    enrolment = Enrolment.objects.select_related("cohort", "person").get(pk=enrolment.pk)
    mine = (
        MentorRequest.objects.filter(mentor=enrolment)
        if enrolment.role == Enrolment.Role.MENTOR
        else MentorRequest.objects.filter(mentee=enrolment)
    )
    if enrolment.status != Enrolment.Status.ACTIVE:
        if enrolment.role == Enrolment.Role.MENTOR:
            said = reason or _("%(name)s is no longer mentoring in %(cohort)s; pick another mentor.") % {
                "name": enrolment.person.full_name,
                "cohort": enrolment.cohort.name,
            }
            return _close_open_requests(mine, said)
        return _close_open_requests(mine, reason or _("The mentee left the cohort."), tell_mentee=False)
    if enrolment.role == Enrolment.Role.MENTOR:
        if selectors.free_slots(enrolment, cohort=enrolment.cohort) <= 0:
            return _close_open_requests(mine, reason or no_free_place_message(enrolment))
        return 0
    if selectors.active_pairing_of(enrolment) is not None:
        return _close_open_requests(
            mine, reason or _("You have been paired with a mentor."), tell_mentee=False
        )
    return 0
