"""Pair scores as plain arithmetic on arrays: no database, no Django.

A score is 0-100: a weighted mean of work-style fit, interest overlap and how well the mentor's
skills cover the mentee's goal areas. Each part is 0-1 before weighting, and the weights are divided
by their sum, so any positive weights give a 0-100 score.

Work style is judged per trait, and each cohort sets every trait to "similar" (alike scores 1) or
"complementary" (different scores 1); a trait missing from the cohort's modes is "similar".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

DEFAULT_WEIGHTS = {"work_style": 0.3, "interests": 0.3, "goals": 0.4}
# The order people.models.WORK_STYLE_TRAITS reads them in; repeated here so this module stays pure.
DEFAULT_TRAITS = ("communication", "structure", "pace", "feedback")
SIMILAR, COMPLEMENTARY = "similar", "complementary"
# A part that cannot be judged (blank trait, no goal areas) scores neutral rather than zero, so
# people with thin profiles are not pushed to the bottom of everyone's list.
NEUTRAL = 0.5


@dataclass(frozen=True)
class Candidate:
    """What the matcher needs to know about one enrolled person."""

    key: int
    name: str
    work_style: tuple[str, ...]  # one value per trait, "" when unanswered
    interests: frozenset[str] = field(default_factory=frozenset)
    skills: frozenset[str] = field(default_factory=frozenset)
    goal_areas: frozenset[str] = field(default_factory=frozenset)


def complementary_flags(traits: Sequence[str], trait_modes: Mapping[str, str] | None) -> np.ndarray:
    """One bool per trait: True where the cohort wants the pair to differ."""
    modes = trait_modes or {}
    return np.array([modes.get(trait, SIMILAR) == COMPLEMENTARY for trait in traits], dtype=bool)


def _incidence(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    rows = [row for row, items in enumerate(sets) for _ in items]
    cols = [vocabulary[item] for items in sets for item in items]
    matrix = np.zeros((len(sets), len(vocabulary)), dtype=np.float32)
    matrix[rows, cols] = 1.0
    return matrix


def _vocabulary(*groups: list[frozenset[str]]) -> dict[str, int]:
    names = sorted({item for group in groups for items in group for item in items})
    return {name: index for index, name in enumerate(names)}


def _trait_codes(mentees: list[Candidate], mentors: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per trait, shared by both sides: 0 is unanswered, 1.. a distinct answer."""
    n_traits = len((mentees or mentors)[0].work_style) if (mentees or mentors) else 0
    a = np.zeros((len(mentees), n_traits), dtype=np.int16)
    b = np.zeros((len(mentors), n_traits), dtype=np.int16)
    for t in range(n_traits):
        codes: dict[str, int] = {"": 0}
        a[:, t] = [codes.setdefault(m.work_style[t], len(codes)) for m in mentees]
        b[:, t] = [codes.setdefault(m.work_style[t], len(codes)) for m in mentors]
    return a, b


def work_style_fit(
    mentees: list[Candidate], mentors: list[Candidate], complementary: Sequence[bool] | None = None
) -> np.ndarray:
    """Mean over traits of 1 (the pair fits the trait's mode), 0 (it does not) or 0.5 (unanswered).

    People have few distinct combinations of answers (four two-way traits make 81), so the fit is
    worked out once per pair of distinct combinations and then gathered into the full matrix: one
    small table and one indexing pass, whatever the cohort's size.
    """
    if not mentees or not mentors:
        return np.zeros((len(mentees), len(mentors)), dtype=np.float32)
    a, b = _trait_codes(mentees, mentors)
    if a.shape[1] == 0:
        return np.full((len(mentees), len(mentors)), NEUTRAL, dtype=np.float32)
    flags = np.zeros(a.shape[1], dtype=bool) if complementary is None else np.asarray(complementary, bool)
    styles_a, index_a = np.unique(a, axis=0, return_inverse=True)
    styles_b, index_b = np.unique(b, axis=0, return_inverse=True)
    ua, ub = styles_a[:, None, :], styles_b[None, :, :]
    fits = (ua == ub) ^ flags
    table = np.where((ua == 0) | (ub == 0), NEUTRAL, fits).mean(axis=2).astype(np.float32)
    return table[index_a.reshape(-1)[:, None], index_b.reshape(-1)[None, :]]


def interest_overlap(mentees: list[Candidate], mentors: list[Candidate]) -> np.ndarray:
    """Jaccard overlap of interests."""
    vocab = _vocabulary([m.interests for m in mentees], [m.interests for m in mentors])
    a = _incidence([m.interests for m in mentees], vocab)
    b = _incidence([m.interests for m in mentors], vocab)
    shared = a @ b.T
    union = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, shared / union, np.float32(0.0))


def goal_coverage(mentees: list[Candidate], mentors: list[Candidate]) -> np.ndarray:
    """Share of the mentee's goal areas among the mentor's skills."""
    vocab = _vocabulary([m.goal_areas for m in mentees], [m.skills for m in mentors])
    goals = _incidence([m.goal_areas for m in mentees], vocab)
    skills = _incidence([m.skills for m in mentors], vocab)
    covered = goals @ skills.T
    wanted = goals.sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wanted > 0, covered / wanted, np.float32(NEUTRAL))


def score_matrix(
    mentees: list[Candidate],
    mentors: list[Candidate],
    weights: Mapping[str, float] | None = None,
    *,
    traits: Sequence[str] = DEFAULT_TRAITS,
    trait_modes: Mapping[str, str] | None = None,
) -> np.ndarray:
    """(n_mentees x n_mentors) scores in 0-100, one decimal."""
    weights = weights or DEFAULT_WEIGHTS
    total = float(sum(weights.values())) or 1.0
    combined = np.zeros((len(mentees), len(mentors)), dtype=np.float64)
    if weights.get("work_style"):
        flags = complementary_flags(traits, trait_modes) if trait_modes else None
        fit = work_style_fit(mentees, mentors, flags)
        combined += (weights["work_style"] / total) * fit
    if weights.get("interests"):
        combined += (weights["interests"] / total) * interest_overlap(mentees, mentors)
    if weights.get("goals"):
        combined += (weights["goals"] / total) * goal_coverage(mentees, mentors)
    # The parts are float32 (half the memory at 5,000 x 2,000); the sum is float64, and clipping
    # keeps rounding noise from leaving 0-100.
    return np.clip(np.round(combined * 100.0, 1), 0.0, 100.0)


TRAIT_WORDS = {
    "communication": {"written": "written communication", "spoken": "talking things through"},
    "structure": {"structured": "a structured agenda", "flexible": "flexible sessions"},
    "pace": {"steady": "a steady pace", "fast": "a fast pace"},
    "feedback": {"direct": "direct feedback", "gentle": "gentle feedback"},
}


def explain(
    mentee: Candidate,
    mentor: Candidate,
    traits: Sequence[str] = DEFAULT_TRAITS,
    trait_modes: Mapping[str, str] | None = None,
) -> list[str]:
    """Plain-words reasons for one pair: work style (following the cohort's trait modes), shared
    interests, goal areas covered. The mentee's answer comes first in a complementary line."""
    modes = trait_modes or {}
    lines = []
    alike, complements, clashes = [], [], []
    for trait, a, b in zip(traits, mentee.work_style, mentor.work_style, strict=True):
        if not a or not b:
            continue
        complementary = modes.get(trait, SIMILAR) == COMPLEMENTARY
        if complementary and a != b:
            complements.append(f"Complement each other on {trait}: {a} and {b}")
        elif not complementary and a == b:
            alike.append(TRAIT_WORDS.get(trait, {}).get(a, a))
        else:
            clashes.append(trait)
    if alike:
        lines.append("Both prefer " + _join(alike))
    lines.extend(complements)
    if not alike and not complements:
        if clashes:
            lines.append("Work styles do not fit on " + _join(clashes))
        else:
            lines.append("Work styles not known yet")
    shared = sorted(mentee.interests & mentor.interests, key=str.lower)
    if shared:
        noun = "interest" if len(shared) == 1 else "interests"
        lines.append(f"Shares {len(shared)} {noun}: {', '.join(shared)}")
    else:
        lines.append("No shared interests listed")
    if mentee.goal_areas:
        covered = sorted(mentee.goal_areas & mentor.skills, key=str.lower)
        text = f"Covers {len(covered)} of {len(mentee.goal_areas)} goal areas"
        lines.append(f"{text}: {', '.join(covered)}" if covered else text)
    else:
        lines.append("The mentee has not chosen goal areas yet")
    return lines


# Lines of `explain` that say something the pair has in common; the others ("Work styles not known
# yet", "No shared interests listed", "Covers 0 of 3 goal areas") describe a gap in the profiles and
# are for the admin reviewing a run, never for the people paired.
_REASON_PREFIXES = ("Both prefer ", "Complement each other on ", "Shares ")


def reasons_to_share(explanation: Sequence[str]) -> list[str]:
    """The lines of an explanation worth telling the pair: only what they really have in common."""
    return [
        line
        for line in explanation
        if line.startswith(_REASON_PREFIXES) or (line.startswith("Covers ") and ": " in line)
    ]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
