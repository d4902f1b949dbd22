import itertools
import random

import numpy as np
import pytest

from matching.solver import assign


def brute_force(scores, capacity, allowed):
    """Best (matched count, total score) over every assignment, by enumeration."""
    n_mentees, n_mentors = scores.shape
    best = (0, 0.0)
    options = [None, *range(n_mentors)]
    for choice in itertools.product(options, repeat=n_mentees):
        load = [0] * n_mentors
        ok = True
        for i, j in enumerate(choice):
            if j is None:
                continue
            if not allowed[i, j]:
                ok = False
                break
            load[j] += 1
        if not ok or any(load[j] > capacity[j] for j in range(n_mentors)):
            continue
        pairs = [(i, j) for i, j in enumerate(choice) if j is not None]
        value = (len(pairs), round(sum(scores[i, j] for i, j in pairs), 6))
        best = max(best, value)
    return best


def check(pairs, scores, capacity, allowed):
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee was matched twice"
    for j, cap in enumerate(capacity):
        assert sum(1 for _, m in pairs if m == j) <= cap
    assert all(allowed[i, j] for i, j in pairs)
    return len(pairs), round(sum(scores[i, j] for i, j in pairs), 6)


@pytest.mark.parametrize("seed", range(60))
def test_assign_matches_brute_force_on_small_random_instances(seed):
    rng = random.Random(seed)
    n_mentees, n_mentors = rng.randint(1, 5), rng.randint(1, 3)
    scores = np.array(
        [[rng.choice([0, 10, 35.5, 50, 80, 100]) for _ in range(n_mentors)] for _ in range(n_mentees)]
    )
    capacity = np.array([rng.randint(0, 2) for _ in range(n_mentors)])
    allowed = np.array([[rng.random() > 0.25 for _ in range(n_mentors)] for _ in range(n_mentees)])
    pairs = assign(scores, capacity, allowed)
    assert check(pairs, scores, capacity, allowed) == brute_force(scores, capacity, allowed)


def test_assign_prefers_matching_more_mentees_over_a_higher_total():
    # Mentee 0 scores 100 with mentor 0, but taking that leaves mentee 1 with nobody.
    scores = np.array([[100.0, 10.0], [90.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert assign(scores, np.array([1, 1]), allowed) == [(0, 1), (1, 0)]


def test_assign_respects_capacity_and_forbidden_pairs():
    scores = np.full((4, 2), 50.0)
    allowed = np.ones((4, 2), dtype=bool)
    allowed[:, 1] = False
    pairs = assign(scores, np.array([2, 5]), allowed)
    assert len(pairs) == 2
    assert {j for _, j in pairs} == {0}


def test_assign_is_deterministic_and_handles_empty_input():
    scores = np.random.default_rng(3).uniform(0, 100, size=(30, 10))
    capacity = np.full(10, 2)
    assert assign(scores, capacity) == assign(scores, capacity)
    assert assign(np.zeros((0, 3)), np.array([1, 1, 1])) == []
    assert assign(np.zeros((2, 2)), np.array([0, 0])) == []


def test_assign_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        assign(np.zeros((2, 2)), np.array([1]))
