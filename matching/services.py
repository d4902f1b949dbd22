"""Writes for matching: run the matcher on a cohort, publish a run."""

from __future__ import annotations

import inspect
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.models import WORK_STYLE_TRAITS, Person
from programmes.models import Cohort, Enrolment

from . import constraints, scoring, solver
from .models import MatchRun, Pairing, PairRule


def candidate_for(enrolment: Enrolment) -> scoring.Candidate:
    """One enrolment as the scorer sees it (for one-off pairs; whole cohorts load in bulk)."""
    person = enrolment.person
    return scoring.Candidate(
        key=enrolment.pk,
        name=person.full_name,
        work_style=tuple(getattr(person, trait) for trait in WORK_STYLE_TRAITS),
        interests=frozenset(tag.name for tag in person.interests.all()),
        skills=frozenset(tag.name for tag in person.skills.all()),
        goal_areas=frozenset(tag.name for tag in enrolment.goal_areas.all()),
    )


# --- loading a cohort in a fixed number of queries -------------------------------------------------

_PERSON_FIELDS = ("id", "full_name", "hire_date", "team_id", "time_zone", *WORK_STYLE_TRAITS)


@dataclass
class _CohortRows:
    people: dict[int, tuple]  # person id -> _PERSON_FIELDS
    interests: dict[int, set[str]]  # person id -> tag names
    skills: dict[int, set[str]]
    goal_areas: dict[int, set[str]]  # enrolment id -> tag names
    managers: dict[int, int | None]  # every person -> manager, to walk management chains
    pair_rules: list[tuple[int, int, str]]  # (mentee enrolment, mentor enrolment, kind)


def _tag_map(rows) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for owner, name in rows:
        found[owner].add(name)
    return found


def _managers() -> dict[int, int | None]:
    # One narrow query over everyone: chains leave the cohort (a mentee's manager's manager need
    # not be enrolled), and walking ids in Python is far cheaper than a query per level.
    return dict(Person.objects.order_by().values_list("id", "manager_id"))


def _load(cohort: Cohort) -> _CohortRows:
    """Everything scoring and the rules need for the cohort's enrolled people: six queries."""
    in_cohort = {"enrolments__cohort": cohort}
    return _CohortRows(
        people={
            row[0]: row for row in Person.objects.filter(**in_cohort).order_by().values_list(*_PERSON_FIELDS)
        },
        interests=_tag_map(
            Person.interests.through.objects.filter(person__enrolments__cohort=cohort).values_list(
                "person_id", "tag__name"
            )
        ),
        skills=_tag_map(
            Person.skills.through.objects.filter(person__enrolments__cohort=cohort).values_list(
                "person_id", "tag__name"
            )
        ),
        goal_areas=_tag_map(
            Enrolment.goal_areas.through.objects.filter(enrolment__cohort=cohort).values_list(
                "enrolment_id", "tag__name"
            )
        ),
        managers=_managers(),
        pair_rules=list(PairRule.objects.filter(cohort=cohort).values_list("mentee_id", "mentor_id", "kind")),
    )


def _candidates(enrolments: list[Enrolment], rows: _CohortRows) -> list[scoring.Candidate]:
    traits = slice(len(_PERSON_FIELDS) - len(WORK_STYLE_TRAITS), None)
    empty: frozenset[str] = frozenset()
    return [
        scoring.Candidate(
            key=e.pk,
            name=rows.people[e.person_id][1],
            work_style=rows.people[e.person_id][traits],
            interests=frozenset(rows.interests.get(e.person_id, empty)),
            skills=frozenset(rows.skills.get(e.person_id, empty)),
            goal_areas=frozenset(rows.goal_areas.get(e.pk, empty)),
        )
        for e in enrolments
    ]


def _side(enrolments: list[Enrolment], rows: _CohortRows, chains: dict[int, frozenset[int]]):
    people = [rows.people[e.person_id] for e in enrolments]
    return constraints.Side.build(
        person_ids=[p[0] for p in people],
        hire_dates=[p[2] for p in people],
        team_ids=[p[3] for p in people],
        time_zones=[p[4] for p in people],
        chains=[chains[p[0]] for p in people],
    )


def _rules_of(cohort: Cohort) -> constraints.Rules:
    return constraints.Rules(
        min_tenure_gap_days=cohort.min_tenure_gap_days,
        team_rule=cohort.team_rule,
        min_overlap_hours=cohort.min_overlap_hours,
        reference_date=cohort.starts_on,
    )


def _constraints(
    cohort: Cohort, mentees: list[Enrolment], mentors: list[Enrolment], rows: _CohortRows
) -> constraints.Constraints:
    person_ids = {e.person_id for e in mentees} | {e.person_id for e in mentors}
    chains = dict(zip(person_ids, constraints.management_chains(rows.managers, person_ids), strict=True))
    mentee_at = {e.pk: i for i, e in enumerate(mentees)}
    mentor_at = {e.pk: j for j, e in enumerate(mentors)}
    forbidden, pins = [], {}
    for mentee_id, mentor_id, kind in rows.pair_rules:
        if mentee_id not in mentee_at:
            continue  # already paired, withdrawn, or not asked about
        if kind == PairRule.Kind.PIN:
            pins[mentee_at[mentee_id]] = mentor_at.get(mentor_id, -1)
        elif mentor_id in mentor_at:
            forbidden.append((mentee_at[mentee_id], mentor_at[mentor_id]))
    return constraints.build(
        _side(mentees, rows, chains),
        _side(mentors, rows, chains),
        _rules_of(cohort),
        forbidden=forbidden,
        pins=pins,
    )


# --- reasons, in words -----------------------------------------------------------------------------


def _rule_phrase(rule: str, cohort: Cohort) -> str:
    """What breaking one rule means for a single pair (for pins and mixed refusals)."""
    phrases = {
        constraints.SELF: _("the same person"),
        constraints.MANAGER: _("the mentor is in their management chain"),
        constraints.REPORT: _("the mentor reports to them"),
        constraints.TENURE: _("less than %(days)d days' extra tenure") % {"days": cohort.min_tenure_gap_days},
        constraints.TEAM: _("not on their team")
        if cohort.team_rule == Cohort.TeamRule.SAME
        else _("on their own team"),
        constraints.OVERLAP: _("fewer than %(hours)d shared working hours")
        % {"hours": cohort.min_overlap_hours or 0},
        constraints.FORBIDDEN: _("forbidden by an admin"),
    }
    return phrases[rule]


def _exclusion_text(exclusion: constraints.Exclusion, cohort: Cohort, pinned_name: str = "") -> str:
    every = {
        constraints.SELF: _("The only mentor is themself"),
        constraints.MANAGER: _("Every mentor is in their management chain"),
        constraints.REPORT: _("Every mentor reports to them"),
        constraints.TENURE: _("No mentor has enough extra tenure (%(days)d days more than theirs)")
        % {"days": cohort.min_tenure_gap_days},
        constraints.TEAM: _("No mentor is on their team")
        if cohort.team_rule == Cohort.TeamRule.SAME
        else _("Every mentor is on their own team"),
        constraints.OVERLAP: _("No mentor shares %(hours)d working hours with them")
        % {"hours": cohort.min_overlap_hours or 0},
        constraints.FORBIDDEN: _("An admin forbade every mentor for them"),
    }
    if exclusion.rule in every:
        return every[exclusion.rule]
    if exclusion.rule == constraints.PIN_MISSING:
        return _("Pinned to a mentor who is not an active mentor of this cohort")
    if exclusion.rule == constraints.PIN_REFUSED:
        return _("Pinned to %(mentor)s, but the pair breaks a rule: %(rules)s") % {
            "mentor": pinned_name,
            "rules": "; ".join(_rule_phrase(r, cohort) for r in exclusion.failed),
        }
    return _("No mentor meets every rule at once (%(counts)s)") % {
        "counts": "; ".join(
            _("%(rule)s: %(n)d") % {"rule": _rule_phrase(rule, cohort), "n": n}
            for rule, n in exclusion.counts.items()
        )
    }


def cohort_scores(
    cohort: Cohort, mentees: list[Enrolment], mentors: list[Enrolment]
) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Score every (mentee, mentor) pair of a cohort with all of its rules.

    Returns `scores` (n_mentees x n_mentors, 0-100, one decimal), `allowed` (same shape, bool: the
    hard rules, the admin's forbidden pairs, and pins — a pinned mentee may only have their pinned
    mentor) and `reasons`: one entry per mentee, None when some mentor is allowed, otherwise why
    none is. Capacity is not applied: callers subtract active pairings from each mentor's capacity.
    Runs a fixed number of queries whatever the size; the enrolments only need `pk` and `person_id`.
    """
    scored = _score(cohort, mentees, mentors)
    return scored.scores, scored.rules.allowed, scored.reasons


@dataclass
class _Scored:
    scores: np.ndarray
    rules: constraints.Constraints
    reasons: list[str | None]
    mentee_candidates: list[scoring.Candidate]
    mentor_candidates: list[scoring.Candidate]


def _score(cohort: Cohort, mentees: list[Enrolment], mentors: list[Enrolment]) -> _Scored:
    rows = _load(cohort)
    mentee_candidates = _candidates(mentees, rows)
    mentor_candidates = _candidates(mentors, rows)
    scores = scoring.score_matrix(
        mentee_candidates,
        mentor_candidates,
        cohort.weights,
        traits=WORK_STYLE_TRAITS,
        trait_modes=cohort.trait_modes,
    )
    rules = _constraints(cohort, mentees, mentors, rows)
    reasons = [
        None
        if exclusion is None
        else _exclusion_text(
            exclusion,
            cohort,
            mentor_candidates[rules.pins[i]].name if rules.pins.get(i, -1) >= 0 else "",
        )
        for i, exclusion in enumerate(rules.exclusions)
    ]
    return _Scored(scores, rules, reasons, mentee_candidates, mentor_candidates)


def allowed_pairs(
    mentees: list[Enrolment], mentors: list[Enrolment], *, cohort: Cohort | None = None
) -> np.ndarray:
    """Which pairs may be made. Without `cohort`: no one mentors themself, anyone in their management
    chain, or anyone they manage (directly or further down). With `cohort`: every rule of the
    cohort, pins and forbidden pairs included (as in `cohort_scores`)."""
    if cohort is not None:
        return _constraints(cohort, mentees, mentors, _load(cohort)).allowed
    managers = _managers()
    person_ids = [e.person_id for e in mentees + mentors]
    chains = dict(zip(person_ids, constraints.management_chains(managers, person_ids), strict=True))

    def side(enrolments):
        return constraints.Side.build(
            person_ids=[e.person_id for e in enrolments],
            hire_dates=[timezone.localdate()] * len(enrolments),
            team_ids=[0] * len(enrolments),
            time_zones=["UTC"] * len(enrolments),
            chains=[chains[e.person_id] for e in enrolments],
        )

    return constraints.build(side(mentees), side(mentors), constraints.Rules()).allowed


# --- the match run ---------------------------------------------------------------------------------


def _solve(scores: np.ndarray, capacity: np.ndarray, allowed: np.ndarray, *, fair: bool):
    # The solver gained `fair` in issue 4; stay callable against a solver without it.
    if "fair" in inspect.signature(solver.assign).parameters:
        return solver.assign(scores, capacity, allowed, fair=fair)
    return solver.assign(scores, capacity, allowed)


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


@transaction.atomic
def match_run_create(*, cohort: Cohort, by) -> MatchRun:
    """Score every unmatched mentee against every mentor of the cohort and save the best assignment
    as a proposed run, with each pair's explanation, each unmatched mentee's reason and the run's
    quality. Pins are honoured first; earlier proposals of the cohort are superseded.

    The query count does not grow with the cohort: rows are loaded with a fixed set of narrow
    queries and the pairs are written with one bulk insert.
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort.can_run_matching:
        raise ValidationError(
            _("Matching can only run while a cohort is enrolling or matching (it is %(state)s).")
            % {"state": cohort.get_state_display()}
        )
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
    mentees = [e for e in enrolments if e.role == Enrolment.Role.MENTEE and e.pk not in already_active]
    mentors = [e for e in enrolments if e.role == Enrolment.Role.MENTOR]
    if not mentees:
        raise ValidationError(_("There are no unmatched mentees in this cohort yet."))
    if not mentors:
        raise ValidationError(_("Enrol at least one mentor before running matching."))

    used: dict[int, int] = defaultdict(int)
    for _mentee, mentor_id in active:
        used[mentor_id] += 1
    capacity = np.array(
        [max(0, min(m.capacity, cohort.max_mentees_per_mentor) - used[m.pk]) for m in mentors], dtype=np.int64
    )

    scored = _score(cohort, mentees, mentors)
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
    pairs += _solve(scores, capacity.copy(), allowed_for_solver, fair=cohort.fair_matching)
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

    MatchRun.objects.filter(cohort=cohort, status=MatchRun.Status.PROPOSED).update(
        status=MatchRun.Status.SUPERSEDED
    )
    run = MatchRun(
        cohort=cohort,
        created_by=by,
        unmatched=unmatched,
        fair=cohort.fair_matching,
        quality=_quality(scores, allowed, pairs, len(mentees)),
    )
    run.save()
    Pairing.objects.bulk_create(
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
        n = newcomers.count()
        raise ValidationError(
            ngettext(
                "%(n)d mentee enrolled after this run and would be left unmatched without a reason: "
                "run matching again.",
                "%(n)d mentees enrolled after this run and would be left unmatched without a reason: "
                "run matching again.",
                n,
            )
            % {"n": n}
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


def pairing_start(
    *, cohort: Cohort, mentor: Enrolment, mentee: Enrolment, score: float, explanation, by, taken_message: str
) -> Pairing:
    """Start one pair outside a full match run (a re-match, an accepted mentee request): a published
    run of its own records who made it and when, and the pairing is active from today.

    The caller holds the cohort lock and has checked its own rules; the database still has the
    final word on "one active pairing per mentee", and losing that race says `taken_message`."""
    now = timezone.now()
    run = MatchRun(
        cohort=cohort,
        status=MatchRun.Status.PUBLISHED,
        created_by=by,
        created_at=now,
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


def explain_pair(cohort: Cohort, mentee: scoring.Candidate, mentor: scoring.Candidate) -> list[str]:
    """The plain-words reasons for one pair, following the cohort's trait modes."""
    return scoring.explain(mentee, mentor, WORK_STYLE_TRAITS, trait_modes=cohort.trait_modes)
