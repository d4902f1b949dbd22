"""Pair scores as plain arithmetic on arrays: no database, no Django.

A score is 0-100: a weighted mean of work-style fit, interest overlap and how well the mentor's
skills cover the mentee's goal areas. Each part is 0-1 before weighting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFAULT_WEIGHTS = {"work_style": 0.3, "interests": 0.3, "goals": 0.4}
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


def _incidence(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), len(vocabulary)), dtype=np.float64)
    for row, items in enumerate(sets):
        for item in items:
            matrix[row, vocabulary[item]] = 1.0
    return matrix


def _vocabulary(*groups: list[frozenset[str]]) -> dict[str, int]:
    names = sorted({item for group in groups for items in group for item in items})
    return {name: index for index, name in enumerate(names)}


def work_style_fit(mentees: list[Candidate], mentors: list[Candidate]) -> np.ndarray:
    """Share of traits on which the two are alike (unanswered traits count as neutral)."""
    if not mentees or not mentors:
        return np.zeros((len(mentees), len(mentors)))
    a = np.array([m.work_style for m in mentees], dtype=object)
    b = np.array([m.work_style for m in mentors], dtype=object)
    same = (a[:, None, :] == b[None, :, :]).astype(np.float64)
    unknown = (a[:, None, :] == "") | (b[None, :, :] == "")
    same[unknown] = NEUTRAL
    return same.mean(axis=2) if same.shape[2] else np.full(same.shape[:2], NEUTRAL)


def interest_overlap(mentees: list[Candidate], mentors: list[Candidate]) -> np.ndarray:
    """Jaccard overlap of interests."""
    vocab = _vocabulary([m.interests for m in mentees], [m.interests for m in mentors])
    a = _incidence([m.interests for m in mentees], vocab)
    b = _incidence([m.interests for m in mentors], vocab)
    shared = a @ b.T
    union = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, shared / union, 0.0)


def goal_coverage(mentees: list[Candidate], mentors: list[Candidate]) -> np.ndarray:
    """Share of the mentee's goal areas among the mentor's skills."""
    vocab = _vocabulary([m.goal_areas for m in mentees], [m.skills for m in mentors])
    goals = _incidence([m.goal_areas for m in mentees], vocab)
    skills = _incidence([m.skills for m in mentors], vocab)
    covered = goals @ skills.T
    wanted = goals.sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wanted > 0, covered / wanted, NEUTRAL)


def score_matrix(
    mentees: list[Candidate], mentors: list[Candidate], weights: dict[str, float] | None = None
) -> np.ndarray:
    """(n_mentees x n_mentors) scores in 0-100."""
    weights = weights or DEFAULT_WEIGHTS
    total = sum(weights.values()) or 1.0
    parts = {
        "work_style": work_style_fit(mentees, mentors),
        "interests": interest_overlap(mentees, mentors),
        "goals": goal_coverage(mentees, mentors),
    }
    combined = sum(weights[name] * part for name, part in parts.items())
    return np.round(100.0 * combined / total, 1)


TRAIT_WORDS = {
    "communication": {"written": "written communication", "spoken": "talking things through"},
    "structure": {"structured": "a structured agenda", "flexible": "flexible sessions"},
    "pace": {"steady": "a steady pace", "fast": "a fast pace"},
    "feedback": {"direct": "direct feedback", "gentle": "gentle feedback"},
}


def explain(mentee: Candidate, mentor: Candidate, traits: tuple[str, ...]) -> list[str]:
    """Plain-words reasons for one pair, one line per criterion."""
    lines = []
    shared_styles = [
        TRAIT_WORDS.get(trait, {}).get(a, a)
        for trait, a, b in zip(traits, mentee.work_style, mentor.work_style, strict=True)
        if a and a == b
    ]
    if shared_styles:
        lines.append("Both prefer " + _join(shared_styles))
    else:
        lines.append("Different working styles, which can complement each other")
    shared = sorted(mentee.interests & mentor.interests)
    if shared:
        noun = "interest" if len(shared) == 1 else "interests"
        lines.append(f"Shares {len(shared)} {noun}: {', '.join(shared)}")
    else:
        lines.append("No shared interests listed")
    if mentee.goal_areas:
        covered = sorted(mentee.goal_areas & mentor.skills)
        text = f"Covers {len(covered)} of {len(mentee.goal_areas)} goal areas"
        lines.append(f"{text}: {', '.join(covered)}" if covered else text)
    else:
        lines.append("The mentee has not chosen goal areas yet")
    return lines


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
