"""Assign mentees to mentors: as many mentees as possible, then the highest total score.

The problem is a bipartite b-matching (a mentor takes up to `capacity` mentees). It is solved as a
sparse min-cost flow over each mentee's best few candidates, then *proven* optimal for the full,
dense problem with a dual certificate; pairs that break the certificate are added and the flow is
solved again. At 20,000 x 8,000 this needs a few hundred thousand arcs instead of 160 million.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

# How many candidates each mentee starts with. Too few only costs extra rounds (the certificate adds
# what is missing); with 8, random 5,000 x 2,000 instances were proven in one round, 20,000 x 8,000
# in two.
_TOP_K = 8
# Cells handled at once when scanning the dense matrix (4 MB of float64): no temporary is anywhere
# near the full matrix's size, and a band stays in cache.
_CHUNK_CELLS = 1 << 19
# Scores are made integers (OR-Tools wants integer costs). One decimal is what scoring produces;
# finer inputs get a finer scale, and anything finer than 1e-6 is rounded to it.
_SCALES = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)


def assign(
    scores: np.ndarray,
    capacity: np.ndarray,
    allowed: np.ndarray | None = None,
    *,
    fair: bool = False,
) -> list[tuple[int, int]]:
    """Optimal many-to-one assignment.

    `scores` is (n_mentees x n_mentors), scores 0-100; `capacity` has one entry per mentor (negative
    means 0); `allowed` (same shape as scores, bool) removes pairs. Returns sorted (mentee, mentor)
    index pairs such that no mentor exceeds its capacity, no disallowed pair is used, as many
    mentees as possible are matched and, among those matchings, the total score is the highest.
    With `fair=True` the lowest score in the matching is maximised first (still among
    maximum-cardinality matchings), then the total. Deterministic: same input, same output.

    Scores are compared exactly when they have at most six decimals (they are scaled to integers
    by the smallest power of ten that makes them whole, at most 1e6; float32 scores from scoring
    are thus optimal to within 1e-6 per pair). The input is read in bands of rows: besides it,
    memory is a few arrays per candidate pair, never another full-size matrix.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError("scores must be a 2-d array (mentees x mentors)")
    n_mentees, n_mentors = scores.shape
    capacity = np.asarray(capacity)
    if capacity.shape != (n_mentors,):
        raise ValueError("capacity needs one entry per mentor")
    capacity = np.clip(capacity.astype(np.int64), 0, n_mentees)
    if allowed is not None:
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != scores.shape:
            raise ValueError("allowed must have the same shape as scores")
    if n_mentees == 0 or n_mentors == 0 or capacity.sum() == 0:
        return []

    problem = _Problem(scores, capacity, allowed)
    mentees, mentors = problem.solve()
    if fair and mentees.size:
        mentees, mentors = _fair(problem, mentees, mentors)
    order = np.lexsort((mentors, mentees))
    return [(int(i), int(j)) for i, j in zip(mentees[order], mentors[order], strict=True)]


def _fair(problem: _Problem, mentees: np.ndarray, mentors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raise the lowest score as far as it goes without matching fewer mentees, then maximise.

    Whether a threshold t keeps the maximum cardinality is monotone in t (fewer pairs qualify as t
    rises), so a search over the integer score grid finds the highest one. The plain
    optimum's lowest score is feasible, so the search starts there; it ends at the count-th best
    of the mentees' best scores (above it too few mentees have any qualifying pair). Each step is
    a proven maximum cardinality (a max flow and its min cut), much cheaper than a weighted solve.
    The answer is the optimum (count, then total) over pairs scoring at least t, proven as usual.
    """
    count = mentees.size
    rows, cols, _ = problem.first_candidates
    best_per_mentee = np.full(problem.n_mentees, np.iinfo(np.int64).min)
    np.maximum.at(best_per_mentee, rows, problem.int_scores(rows, cols))
    plain_lowest = int(problem.int_scores(mentees, mentors).min())
    lo, hi = plain_lowest, max(plain_lowest, int(np.sort(best_per_mentee)[-count]))
    # Galloping up from the plain optimum first: often (a mentee with one possible mentor) the
    # lowest score cannot rise at all, and one step settles it instead of ~27 on a 1e6 grid.
    step = 1
    while lo < hi:
        mid = min(lo + step, hi)
        if problem.max_cardinality(mid, count) != count:
            hi = mid - 1
            break
        lo, step = mid, step * 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if problem.max_cardinality(mid, count) == count:
            lo = mid
        else:
            hi = mid - 1
    if lo == plain_lowest:
        return mentees, mentors  # the plain optimum already has the highest lowest score
    return problem.solve(threshold=lo)


class _Problem:
    """One instance, scanned once; `solve` can be called again with a score threshold (fairness)."""

    def __init__(self, scores: np.ndarray, capacity: np.ndarray, allowed: np.ndarray | None):
        self.scores = scores
        self.capacity = capacity
        self.allowed = allowed
        self.n_mentees, self.n_mentors = scores.shape
        self.chunk_rows = max(1, _CHUNK_CELLS // self.n_mentors)
        # One pass over the dense matrix finds the integer scale, score bounds and the candidates.
        self.scale = _SCALES[0]
        self.min_int_score, self.max_int_score = 0, 0
        self.first_candidates = self._candidates(None)
        self.has_pairs = self.first_candidates[0].size > 0
        # Why this bonus. Every matched pair is worth (score - min score) + BONUS. Take a
        # non-maximum matching M; with a maximum one it differs by at least one augmenting path,
        # which holds fewer than L = min(mentees, slots) pairs of M. Switching along the path gains
        # BONUS and loses at most L * (max - min) in score, so if BONUS exceeds that, M is never
        # optimal: the optimum matches as many as possible, and among those the shifted total
        # (total - count * min) is highest, i.e. the total score. Integer arithmetic keeps it exact.
        spread = self.max_int_score - self.min_int_score
        self.bonus = min(self.n_mentees, int(capacity.sum())) * spread + 1

    # --- scanning the dense input, a band of rows at a time -------------------------------------

    def _block(self, rows: np.ndarray, threshold: int | None = None) -> np.ndarray:
        """Scores of these rows as float64, -inf where the pair is not allowed (or below threshold)."""
        block = np.array(self.scores[rows], dtype=np.float64)
        if self.allowed is not None:
            block[~self.allowed[rows]] = -np.inf
        if threshold is not None:
            block[np.rint(block * self.scale) < threshold] = -np.inf
        return block

    def int_scores(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        """Scores of these pairs on the integer grid (score x scale, rounded)."""
        return np.rint(np.asarray(self.scores[mentees, mentors], dtype=np.float64) * self.scale).astype(
            np.int64
        )

    def _weights(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        """The flow's (maximised) weight of each pair: shifted integer score plus the bonus."""
        return self.int_scores(mentees, mentors) - self.min_int_score + self.bonus

    # --- solve and prove -------------------------------------------------------------------------

    def solve(self, threshold: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Optimal (mentees, mentors) arrays over the allowed pairs scoring at least `threshold`."""
        if not self.has_pairs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        if threshold is None:
            edge_rows, edge_cols, cutoff = (a.copy() for a in self.first_candidates)
        else:
            edge_rows, edge_cols, cutoff = self._candidates(threshold)
        while True:
            mentees, mentors = self._solve_sparse(edge_rows, edge_cols)
            new_rows, new_cols = self._violations(mentees, mentors, edge_rows, edge_cols, cutoff, threshold)
            if new_rows.size == 0:
                return mentees, mentors
            edge_rows = np.concatenate([edge_rows, new_rows])
            edge_cols = np.concatenate([edge_cols, new_cols])
            # Those rows now have their violators as arcs; the cheap bound no longer covers them.
            cutoff[np.unique(new_rows)] = np.inf

    def _candidates(self, threshold: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mentee's best k allowed mentors, and the best score it was not given (its cutoff).

        The first call (no threshold) also settles the integer scale and bounds on the scores.
        Bands of rows go through two reused buffers: fresh temporaries per band cost more in
        page faults than the arithmetic.
        """
        first = threshold is None
        n, m = self.n_mentees, self.n_mentors
        k = min(_TOP_K, m)
        rows_out, cols_out = [], []
        cutoff = np.full(n, -np.inf)
        lo, hi = np.inf, -np.inf
        buffer = np.empty((self.chunk_rows, m))
        spare = np.empty((self.chunk_rows, m))
        spare2 = np.empty((self.chunk_rows, m)) if first else None
        for start in range(0, n, self.chunk_rows):
            stop = min(start + self.chunk_rows, n)
            block, work = buffer[: stop - start], spare[: stop - start]
            np.copyto(block, self.scores[start:stop])
            mask = None if self.allowed is None else ~self.allowed[start:stop]
            if first:
                if mask is not None:
                    np.copyto(block, 0.0, where=mask)  # only bounds are wanted here; 0 is in 0-100
                lo, hi = min(lo, float(block.min())), max(hi, float(block.max()))
                self._widen_scale(block, work, spare2[: stop - start])
            if mask is not None:
                np.copyto(block, -np.inf, where=mask)
            if threshold is not None:
                np.multiply(block, self.scale, out=work)
                block[np.rint(work, out=work) < threshold] = -np.inf
            if k < m:
                # Partitioning at m - k - 1 puts the k best last, the (k+1)-th best just before.
                part = np.argpartition(block, m - k - 1, axis=1)[:, m - k - 1 :]
                top = part[:, 1:]
                cutoff[start:stop] = np.take_along_axis(block, part[:, :1], axis=1)[:, 0]
            else:
                top = np.broadcast_to(np.arange(m), block.shape)
            keep = np.isfinite(np.take_along_axis(block, top, axis=1))
            rows_out.append(np.broadcast_to(np.arange(start, stop)[:, None], top.shape)[keep])
            cols_out.append(top[keep])
        if first:
            self.min_int_score = int(np.floor(lo * self.scale))
            self.max_int_score = int(np.ceil(hi * self.scale))
        return np.concatenate(rows_out), np.concatenate(cols_out), cutoff

    def _widen_scale(self, block: np.ndarray, work: np.ndarray, rounded: np.ndarray) -> None:
        """Grow the scale (a power of ten) until every score of this band is an integer multiple."""
        while self.scale < _SCALES[-1]:
            np.multiply(block, self.scale, out=work)
            # Rounding error of each scaled score, in place; float noise (0.3 * 10) is tolerated.
            error = np.subtract(work, np.rint(work, out=rounded), out=work)
            tolerance = 1e-6 * self.scale
            if error.max() <= tolerance and error.min() >= -tolerance:
                return
            self.scale *= 10

    def _solve_sparse(self, edge_rows: np.ndarray, edge_cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Max-cardinality, then max-score b-matching on the given arcs (OR-Tools, integer costs).

        source -> mentee (cap 1) -> mentor (cap 1, cost -score) -> sink (cap = capacity). OR-Tools'
        max-flow-with-min-cost gives the same lexicographic optimum as the bonus weights, but with
        costs spanning the score range rather than BONUS its cost scaling took about half the time.
        (Its node potentials are not exposed, hence `_duals`.)
        """
        n, m = self.n_mentees, self.n_mentors
        source, sink = n + m, n + m + 1
        flow = min_cost_flow.SimpleMinCostFlow()
        tails = np.concatenate([np.full(n, source), edge_rows, n + np.arange(m)])
        heads = np.concatenate([np.arange(n), n + edge_cols, np.full(m, sink)])
        caps = np.concatenate([np.ones(n + edge_rows.size, np.int64), self.capacity])
        costs = np.concatenate(
            [
                np.zeros(n, np.int64),
                self.min_int_score - self.int_scores(edge_rows, edge_cols),
                np.zeros(m, np.int64),
            ]
        )
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        supplies = np.zeros(n + m + 2, np.int64)
        supplies[source], supplies[sink] = n, -n
        flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        used = flow.flows(np.arange(n, n + edge_rows.size)) > 0
        return edge_rows[used], edge_cols[used]

    def max_cardinality(self, threshold: int, enough: int) -> int:
        """How many mentees can be matched using only allowed pairs scoring at least `threshold`.

        Max flow over the candidate pairs that qualify, then a proof for the whole matrix: the
        min cut's source side S (mentees with S-mentors) is a vertex cover of the candidate pairs
        of the flow's size (Koenig), and it covers every pair too unless some pruned pair joins
        a mentee in S to a mentor outside S. Such a pair needs a score >= threshold, so only the
        mentees in S whose cutoff reaches the threshold are rescanned; pairs found are added.
        A flow of `enough` needs no proof (the caller knows no more is possible): it is returned.
        """
        n, m = self.n_mentees, self.n_mentors
        rows, cols, cutoff = self.first_candidates
        keep = self.int_scores(rows, cols) >= threshold
        rows, cols = rows[keep], cols[keep]
        with np.errstate(invalid="ignore"):
            may_have_more = np.rint(cutoff * self.scale) >= threshold
        source, sink = n + m, n + m + 1
        while True:
            flow = max_flow.SimpleMaxFlow()
            tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)])
            heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)])
            caps = np.concatenate([np.ones(n + rows.size, np.int64), self.capacity])
            flow.add_arcs_with_capacity(tails, heads, caps)
            if flow.solve(source, sink) != flow.OPTIMAL:  # pragma: no cover
                raise RuntimeError("max flow failed")
            if flow.optimal_flow() >= enough:
                return int(flow.optimal_flow())
            side = np.zeros(n + m + 2, dtype=bool)
            side[np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)] = True
            suspects = np.flatnonzero(side[:n] & may_have_more)
            new_rows, new_cols = [], []
            have = np.sort(rows.astype(np.int64) * m + cols)
            for start in range(0, suspects.size, self.chunk_rows):
                chunk = suspects[start : start + self.chunk_rows]
                block = self._block(chunk, threshold)
                r, c = np.nonzero(np.isfinite(block) & ~side[n : n + m][None, :])
                r = chunk[r]
                fresh = ~_isin_sorted(r.astype(np.int64) * m + c, have)
                new_rows.append(r[fresh])
                new_cols.append(c[fresh])
            if not new_rows or sum(a.size for a in new_rows) == 0:
                return int(flow.optimal_flow())
            rows = np.concatenate([rows, *new_rows])
            cols = np.concatenate([cols, *new_cols])

    def _duals(self, mentees: np.ndarray, mentors: np.ndarray, edge_rows: np.ndarray, edge_cols: np.ndarray):
        """Dual prices (u per mentee, v per mentor) proving the matching optimal on these arcs.

        LP dual of max sum w x: u_i + v_j >= w_ij on every arc, u, v >= 0, with u_i = 0 for an
        unmatched mentee, v_j = 0 for a mentor with a free slot and u_i + v_j = w_ij on matched pairs.
        Writing u_i = w_i,m(i) - v_m(i) turns the arc constraints into differences between mentor
        prices, v_j >= v_m(i) + w_ij - w_i,m(i), solved as longest paths (Bellman-Ford, vectorised);
        the flow being optimal means there is no positive cycle. The smallest such v is taken.
        """
        n, m = self.n_mentees, self.n_mentors
        match = np.full(n, -1)
        match[mentees] = mentors
        w_match = np.zeros(n, np.int64)
        w_match[mentees] = self._weights(mentees, mentors)
        w_edge = self._weights(edge_rows, edge_cols)
        owner = match[edge_rows]
        free = owner < 0
        price = np.zeros(m, np.int64)
        np.maximum.at(price, edge_cols[free], w_edge[free])
        arcs = (owner >= 0) & (owner != edge_cols)
        src, dst, gain = owner[arcs], edge_cols[arcs], w_edge[arcs] - w_match[edge_rows[arcs]]
        for _ in range(m + 1):
            new = price.copy()
            np.maximum.at(new, dst, price[src] + gain)
            if np.array_equal(new, price):
                break
            price = new
        else:  # pragma: no cover - would mean the flow was not optimal
            raise RuntimeError("no dual prices: the sparse flow was not optimal")
        u = np.where(match >= 0, w_match - price[np.maximum(match, 0)], 0)
        if (u < 0).any() or (price[self._free_mentors(mentors)] > 0).any():  # pragma: no cover
            raise RuntimeError("dual prices inconsistent with the sparse flow")
        return u, price

    def _free_mentors(self, mentors: np.ndarray) -> np.ndarray:
        """Mentors with a slot left in this matching (their price must be 0)."""
        load = np.bincount(mentors, minlength=self.n_mentors)
        return load < self.capacity

    def _violations(self, mentees, mentors, edge_rows, edge_cols, cutoff, threshold):
        """Pruned pairs whose reduced cost is negative (u_i + v_j < w_ij): the proof's only gaps.

        A pruned pair scores at most the mentee's cutoff and its mentor's price is at least min(v), so
        a mentee with u_i + min(v) >= cutoff has no violated pair; only the others are rescanned
        against the dense scores. (When mentors are scarce their prices are high, so min(v) matters.)
        """
        u, v = self._duals(mentees, mentors, edge_rows, edge_cols)
        shift = self.bonus - self.min_int_score
        # -inf: nothing was pruned; +inf: pairs were added to this row, so always rescan it.
        with np.errstate(invalid="ignore"):
            cutoff_w = np.rint(cutoff * self.scale) + shift
        suspects = np.flatnonzero(u + v.min() < cutoff_w)
        if suspects.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        key = edge_rows.astype(np.int64) * self.n_mentors + edge_cols
        have = np.sort(key)
        new_rows, new_cols = [], []
        for start in range(0, suspects.size, self.chunk_rows):
            rows = suspects[start : start + self.chunk_rows]
            block = self._block(rows, threshold)
            w = np.rint(block * self.scale) + shift  # -inf stays -inf: never a violation
            slack = w - v[None, :] - u[rows, None]
            r, c = np.nonzero(slack > 0)
            if r.size == 0:
                continue
            rr, cc = rows[r], c
            fresh = ~_isin_sorted(rr.astype(np.int64) * self.n_mentors + cc, have)
            rr, cc, s = rr[fresh], cc[fresh], slack[r[fresh], c[fresh]]
            # The worst few violators per mentee are enough to make progress each round.
            order = np.lexsort((cc, -s, rr))
            rr, cc = rr[order], cc[order]
            first = np.r_[0, np.flatnonzero(np.diff(rr)) + 1]
            rank = np.arange(rr.size) - np.repeat(first, np.diff(np.r_[first, rr.size]))
            pick = rank < _TOP_K
            new_rows.append(rr[pick])
            new_cols.append(cc[pick])
        if not new_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(new_rows), np.concatenate(new_cols)


def _isin_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(values.shape, dtype=bool)
    pos = np.clip(np.searchsorted(sorted_keys, values), 0, sorted_keys.size - 1)
    return sorted_keys[pos] == values
