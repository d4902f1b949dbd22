from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import solver
from matching.solver import assign

# Few distinct values, so ties are common; one decimal, as scoring produces.
SCORE_VALUES = [0.0, 12.5, 50.0, 50.1, 70.0, 99.9, 100.0]


def enumerate_matchings(scores, capacity, allowed):
    """Every feasible assignment, as (matched count, lowest score, total score), by depth-first search."""
    n_mentees, n_mentors = scores.shape
    load = [0] * n_mentors
    found = []

    def visit(i, count, low, total):
        if i == n_mentees:
            found.append((count, low if count else 0.0, round(total, 6)))
            return
        visit(i + 1, count, low, total)
        for j in range(n_mentors):
            if allowed[i, j] and load[j] < capacity[j]:
                load[j] += 1
                visit(i + 1, count + 1, min(low, scores[i, j]), total + scores[i, j])
                load[j] -= 1

    visit(0, 0, np.inf, 0.0)
    return found


def check(pairs, scores, capacity, allowed):
    """Validate the pairs and return (count, lowest score, total score)."""
    assert pairs == sorted(pairs)
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee was matched twice"
    for j, cap in enumerate(capacity):
        assert sum(1 for _, m in pairs if m == j) <= max(cap, 0)
    assert all(allowed[i, j] for i, j in pairs)
    values = [scores[i, j] for i, j in pairs]
    return len(pairs), min(values, default=0.0), round(sum(values), 6)


def dense_reference(scores, capacity, allowed=None):
    """(count, total) of the optimum by SciPy's dense assignment on the slot-expanded matrix."""
    n_mentees, n_mentors = scores.shape
    allowed = np.ones(scores.shape, dtype=bool) if allowed is None else allowed
    slots = np.repeat(np.arange(n_mentors), np.clip(capacity, 0, n_mentees))
    if n_mentees == 0 or slots.size == 0:
        return 0, 0.0
    bonus = float(scores.sum()) + 1.0
    value = np.where(allowed, scores + bonus, 0.0)[:, slots]
    rows, cols = linear_sum_assignment(value, maximize=True)
    pairs = [(r, slots[c]) for r, c in zip(rows, cols, strict=True) if allowed[r, slots[c]]]
    return len(pairs), round(sum(float(scores[i, j]) for i, j in pairs), 6)


@st.composite
def instances(draw):
    n_mentees = draw(st.integers(0, 6))
    n_mentors = draw(st.integers(1, 4))
    cells = n_mentees * n_mentors
    scores = np.array(draw(st.lists(st.sampled_from(SCORE_VALUES), min_size=cells, max_size=cells)))
    allowed = np.array(draw(st.lists(st.booleans(), min_size=cells, max_size=cells)), dtype=bool)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=n_mentors, max_size=n_mentors)))
    return scores.reshape(n_mentees, n_mentors), capacity, allowed.reshape(n_mentees, n_mentors)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([1, 2, 8]))
def test_assign_matches_brute_force(instance, top_k):
    # With 1 or 2 first candidates per mentee the optimality proof must find and add the pairs
    # that were left out; with 8 every pair of these small instances is a candidate.
    scores, capacity, allowed = instance
    found = enumerate_matchings(scores, capacity, allowed)
    with mock.patch.object(solver, "_TOP_K", top_k):
        plain = assign(scores, capacity, allowed)
        fair = assign(scores, capacity, allowed, fair=True)
    count, _, total = check(plain, scores, capacity, allowed)
    assert (count, total) == max((c, t) for c, _, t in found)
    # fair: most mentees, then the highest lowest score, then the highest total.
    assert check(fair, scores, capacity, allowed) == max(found)


def test_fair_raises_the_lowest_score_at_some_cost_in_total():
    # Max total is 100 + 40 = 140 (lowest 40); the fair matching is 60 + 60 = 120 (lowest 60).
    scores = np.array([[100.0, 60.0], [60.0, 40.0]])
    capacity = np.array([1, 1])
    assert assign(scores, capacity) == [(0, 0), (1, 1)]
    assert assign(scores, capacity, fair=True) == [(0, 1), (1, 0)]


def test_fair_still_matches_as_many_mentees_as_possible():
    # A threshold above 10 would leave mentee 1 unmatched, so the 10 must stay.
    scores = np.array([[90.0, 80.0], [10.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert assign(scores, np.array([1, 1]), allowed, fair=True) == [(0, 1), (1, 0)]


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


def test_zero_capacities_and_more_mentees_than_slots():
    scores = np.random.default_rng(5).uniform(0, 100, size=(12, 4)).round(1)
    pairs = assign(scores, np.array([0, 2, 0, 1]))
    assert len(pairs) == 3
    assert {j for _, j in pairs} <= {1, 3}
    assert assign(scores, np.array([0, 0, 0, 0])) == []
    assert assign(scores, np.array([-1, 0, 0, 0])) == []


def test_assign_is_deterministic_and_handles_empty_input():
    scores = np.random.default_rng(3).uniform(0, 100, size=(30, 10)).round(1)
    capacity = np.full(10, 2)
    assert assign(scores, capacity) == assign(scores, capacity)
    assert assign(scores, capacity, fair=True) == assign(scores, capacity, fair=True)
    assert assign(np.zeros((0, 3)), np.array([1, 1, 1])) == []
    assert assign(np.zeros((3, 0)), np.zeros(0, dtype=int)) == []
    assert assign(np.zeros((2, 2)), np.array([0, 0])) == []
    assert assign(np.zeros((2, 2)), np.array([1, 1]), np.zeros((2, 2), dtype=bool)) == []


def test_assign_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        assign(np.zeros((2, 2)), np.array([1]))
    with pytest.raises(ValueError):
        assign(np.zeros((2, 2)), np.array([1, 1]), np.ones((2, 3), dtype=bool))
    with pytest.raises(ValueError):
        assign(np.zeros(4), np.array([1, 1, 1, 1]))


def test_medium_instance_equals_the_dense_optimum():
    rng = np.random.default_rng(7)
    scores = rng.uniform(0, 100, size=(400, 150)).round(1)
    capacity = rng.integers(0, 4, size=150)
    allowed = rng.random((400, 150)) > 0.3
    pairs = assign(scores, capacity, allowed)
    count, _, total = check(pairs, scores, capacity, allowed)
    assert (count, total) == dense_reference(scores, capacity, allowed)


def test_popular_mentors_force_candidates_beyond_the_first_few():
    # Every mentee ranks the same 10 mentors (capacity 1) first, so each one's first candidates
    # cannot hold a maximum matching: the optimality check has to add pairs and solve again.
    rng = np.random.default_rng(11)
    scores = rng.uniform(0, 40, size=(60, 40)).round(1)
    scores[:, :10] += 60
    capacity = np.ones(40, dtype=int)
    count, _, total = check(assign(scores, capacity), scores, capacity, np.ones_like(scores, dtype=bool))
    assert (count, total) == dense_reference(scores, capacity) == (40, total)


def test_float32_scores_with_many_decimals_reach_the_dense_optimum():
    # Scoring returns float32 with arbitrary decimals; the solver works at a 1e-6 resolution.
    rng = np.random.default_rng(13)
    scores = rng.uniform(0, 100, size=(120, 50)).astype(np.float32)
    capacity = rng.integers(1, 4, size=50)
    count, _, total = check(assign(scores, capacity), scores, capacity, np.ones(scores.shape, dtype=bool))
    ref_count, ref_total = dense_reference(scores.astype(np.float64), capacity)
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-3)


@pytest.mark.parametrize("seed", range(12))
def test_few_first_candidates_still_reach_the_dense_optimum(seed):
    # One or three candidates per mentee at first: most of the optimum is found by the
    # optimality check adding pairs over several rounds, on varied shapes, masks and capacities.
    rng = np.random.default_rng(seed)
    n_mentees, n_mentors = rng.integers(1, 80), rng.integers(1, 40)
    scores = rng.uniform(0, 100, size=(n_mentees, n_mentors)).round(rng.integers(0, 3))
    if seed % 3 == 0:
        scores[:, : n_mentors // 3] = np.minimum(scores[:, : n_mentors // 3] + 50, 100)
    capacity = rng.integers(0, 4, size=n_mentors)
    allowed = rng.random((n_mentees, n_mentors)) > rng.uniform(0, 0.8)
    for top_k in (1, 3):
        with mock.patch.object(solver, "_TOP_K", top_k):
            pairs = assign(scores, capacity, allowed)
        count, _, total = check(pairs, scores, capacity, allowed)
        assert (count, total) == dense_reference(scores, capacity, allowed)
