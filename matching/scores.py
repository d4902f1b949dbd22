"""Scores and rules for a cohort's people, loaded from the database in a fixed number of queries:
the reads that match runs, choice-mode suggestions, swaps and close-out's re-matching share. The
arithmetic itself is pure (`scoring`, `constraints`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import WORK_STYLE_TRAITS, Person
from programmes.models import Cohort, Enrolment

from . import constraints, scoring
from .models import PairRule


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


def rule_phrase(rule: str, cohort: Cohort) -> str:
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
            "rules": "; ".join(rule_phrase(r, cohort) for r in exclusion.failed),
        }
    return _("No mentor meets every rule at once (%(counts)s)") % {
        "counts": "; ".join(
            _("%(rule)s: %(n)d") % {"rule": rule_phrase(rule, cohort), "n": n}
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
    scored = score_cohort(cohort, mentees, mentors)
    return scored.scores, scored.rules.allowed, scored.reasons


@dataclass
class Scored:
    scores: np.ndarray
    rules: constraints.Constraints
    reasons: list[str | None]
    mentee_candidates: list[scoring.Candidate]
    mentor_candidates: list[scoring.Candidate]


def score_cohort(cohort: Cohort, mentees: list[Enrolment], mentors: list[Enrolment]) -> Scored:
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
    return Scored(scores, rules, reasons, mentee_candidates, mentor_candidates)


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


def pair_refusal(cohort: Cohort, mentee: Enrolment, mentor: Enrolment) -> str | None:
    """Why the cohort's rules do not allow this one pair, naming the rules broken, or None."""
    rules = _constraints(cohort, [mentee], [mentor], _load(cohort))
    if rules.allowed[0, 0]:
        return None
    failed = rules.failed_rules(0, 0)
    if not failed:  # only a pin to someone else rules the pair out
        return _("the mentee is pinned to another mentor")
    return "; ".join(rule_phrase(rule, cohort) for rule in failed)


def explain_pair(cohort: Cohort, mentee: scoring.Candidate, mentor: scoring.Candidate) -> list[str]:
    """The plain-words reasons for one pair, following the cohort's trait modes."""
    return scoring.explain(mentee, mentor, WORK_STYLE_TRAITS, trait_modes=cohort.trait_modes)
