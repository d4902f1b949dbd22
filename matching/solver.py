"""Assign mentees to mentors: as many mentees as possible, then the highest total score."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def assign(
    scores: np.ndarray, capacity: np.ndarray, allowed: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """Optimal many-to-one assignment.

    `scores` is (n_mentees x n_mentors), `capacity` has one entry per mentor, `allowed` (same shape
    as scores) removes pairs. Returns sorted (mentee, mentor) index pairs.

    Each mentor is expanded into one column per slot, and every allowed pair is worth its score plus
    a bonus larger than any possible total of scores, so the solver first maximises how many
    mentees are matched and only then the total score.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n_mentees, n_mentors = scores.shape
    capacity = np.asarray(capacity, dtype=np.int64)
    if capacity.shape != (n_mentors,):
        raise ValueError("capacity needs one entry per mentor")
    allowed = np.ones_like(scores, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    if allowed.shape != scores.shape:
        raise ValueError("allowed must have the same shape as scores")
    slots = np.repeat(np.arange(n_mentors), np.clip(capacity, 0, n_mentees))
    if n_mentees == 0 or slots.size == 0:
        return []

    shifted = scores - min(0.0, float(scores.min()))
    bonus = float(shifted.sum()) + 1.0
    value = np.where(allowed, shifted + bonus, 0.0)[:, slots]
    rows, cols = linear_sum_assignment(value, maximize=True)
    pairs = [(int(r), int(slots[c])) for r, c in zip(rows, cols, strict=True) if allowed[r, slots[c]]]
    return sorted(pairs)
