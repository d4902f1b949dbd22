"""Hard constraints as plain arrays: which (mentee, mentor) pairs may be proposed at all, and why a
mentee has no allowed mentor. No database, no Django.

Each rule gives an (n_mentees x n_mentors) boolean matrix (True = the pair passes); `allowed` is
their conjunction. Capacity is not a rule here: it belongs to the solver.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

WORK_START, WORK_END = 9.0, 17.0

# Rule names, in the order a refusal is reported.
SELF, MANAGER, REPORT, TENURE, TEAM, OVERLAP, FORBIDDEN = (
    "self",
    "manager",
    "report",
    "tenure",
    "team",
    "overlap",
    "forbidden",
)
# Why a mentee has no allowed mentor, beyond one rule ruling everyone out.
COMBINED, PIN_REFUSED, PIN_MISSING = "combined", "pin_refused", "pin_missing"


@dataclass(frozen=True)
class Side:
    """One side of the cohort (mentees or mentors) as parallel arrays, one entry per person."""

    person_ids: np.ndarray  # int
    hire_days: np.ndarray  # int: date.toordinal() of the hire date
    team_ids: np.ndarray  # int, 0 when the person has no team
    time_zones: Sequence[str]  # IANA names
    # Ancestors in the management chain: manager, manager's manager, ... (person ids).
    chains: Sequence[Iterable[int]]

    @classmethod
    def build(cls, *, person_ids, hire_dates, team_ids, time_zones, chains) -> Side:
        return cls(
            person_ids=np.asarray(person_ids, dtype=np.int64),
            hire_days=np.array([d.toordinal() for d in hire_dates], dtype=np.int64),
            team_ids=np.array([t or 0 for t in team_ids], dtype=np.int64),
            time_zones=list(time_zones),
            chains=list(chains),
        )

    def __len__(self) -> int:
        return len(self.person_ids)


@dataclass(frozen=True)
class Rules:
    min_tenure_gap_days: int = 0
    team_rule: str = "any"  # any | same | different
    min_overlap_hours: float | None = None
    reference_date: datetime.date = field(default_factory=datetime.date.today)


@dataclass(frozen=True)
class Exclusion:
    """Why one mentee has no allowed mentor: `rule` is one rule name (it alone rules out every
    mentor), COMBINED (`counts` says how many mentors each rule ruled out), PIN_REFUSED (`failed`
    lists the rules the pinned pair breaks) or PIN_MISSING (the pinned mentor is not enrolled)."""

    rule: str
    counts: Mapping[str, int] = field(default_factory=dict)
    failed: tuple[str, ...] = ()


@dataclass
class Constraints:
    rules: dict[str, np.ndarray]
    allowed: np.ndarray
    exclusions: list[Exclusion | None]
    pins: dict[int, int]  # mentee index -> mentor index (-1: the pinned mentor is not in the list)

    def failed_rules(self, i: int, j: int) -> tuple[str, ...]:
        """The rules pair (i, j) breaks, in reporting order (pins and forbids included)."""
        return tuple(name for name, ok in self.rules.items() if not ok[i, j])


def management_chains(managers: Mapping[int, int | None], people: Iterable[int]) -> list[frozenset[int]]:
    """Each person's ancestors, walking `managers` (person id -> manager id). Memoised, and safe on
    a cycle in bad HR data (the walk stops where it would repeat)."""
    memo: dict[int, frozenset[int]] = {}

    def chain(person: int) -> frozenset[int]:
        path, seen, current = [], set(), person
        while current is not None and current not in memo and current not in seen:
            seen.add(current)
            path.append(current)
            current = managers.get(current)
        above = memo.get(current, frozenset()) if current is not None else frozenset()
        # Fill the memo from the top of the walk down, so later walks stop early.
        for node in reversed(path):
            parent = managers.get(node)
            above = (above | {parent}) - {node} if parent is not None else frozenset()
            memo[node] = above
        return memo[person]

    return [chain(p) for p in people]


def utc_offset_hours(zone: str, on: datetime.date) -> float:
    """The zone's UTC offset at noon on `on`, in hours; NaN for an unknown zone."""
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return float("nan")
    moment = datetime.datetime.combine(on, datetime.time(12), tzinfo=info)
    return moment.utcoffset().total_seconds() / 3600


def shared_working_hours(offsets_a: np.ndarray, offsets_b: np.ndarray) -> np.ndarray:
    """Hours of a 09:00-17:00 working day two people share, for every pair of UTC offsets.

    Far-apart zones can share hours across midnight (one's Tuesday morning is the other's Monday
    afternoon), so the other person's day is also tried a day earlier and a day later.
    """
    start_a = (WORK_START - offsets_a)[:, None]
    start_b = (WORK_START - offsets_b)[None, :]
    length = WORK_END - WORK_START
    best = np.zeros((len(offsets_a), len(offsets_b)))
    for shift in (-24.0, 0.0, 24.0):
        shifted = start_b + shift
        overlap = np.minimum(start_a, shifted) + length - np.maximum(start_a, shifted)
        best = np.maximum(best, overlap)
    return np.where(np.isnan(best), np.nan, np.clip(best, 0, length))


def _overlap_ok(mentees: Side, mentors: Side, rules: Rules) -> np.ndarray:
    # Few distinct zones: work out zone x zone once, then gather by zone code.
    zones, codes = np.unique(
        np.array(list(mentees.time_zones) + list(mentors.time_zones), dtype=object).astype(str),
        return_inverse=True,
    )
    codes = codes.reshape(-1)
    offsets = np.array([utc_offset_hours(z, rules.reference_date) for z in zones])
    hours = shared_working_hours(offsets, offsets)
    # An unknown zone cannot be judged, so it does not rule anyone out.
    ok = np.isnan(hours) | (hours >= rules.min_overlap_hours - 1e-9)
    return ok[codes[: len(mentees)][:, None], codes[len(mentees) :][None, :]]


def _chain_matrix(rows: Side, cols: Side) -> np.ndarray:
    """(len(rows) x len(cols)): True where the column person is in the row person's chain."""
    position = {int(p): j for j, p in enumerate(cols.person_ids)}
    hits = [(i, position[a]) for i, chain in enumerate(rows.chains) for a in chain if a in position]
    found = np.zeros((len(rows), len(cols)), dtype=bool)
    if hits:
        r, c = zip(*hits, strict=True)
        found[list(r), list(c)] = True
    return found


def build(
    mentees: Side,
    mentors: Side,
    rules: Rules,
    *,
    forbidden: Iterable[tuple[int, int]] = (),
    pins: Mapping[int, int] | None = None,
) -> Constraints:
    """Every rule's matrix, `allowed`, and why each mentee with no allowed mentor has none.

    `forbidden` holds (mentee index, mentor index) pairs; `pins` maps a mentee index to the index of
    the only mentor they may have (-1 when that mentor is not among `mentors`). A pin never
    overrides a hard rule: a pinned pair that breaks one is reported, not proposed.
    """
    n, m = len(mentees), len(mentors)
    checks: dict[str, np.ndarray] = {
        SELF: mentees.person_ids[:, None] != mentors.person_ids[None, :],
        MANAGER: ~_chain_matrix(mentees, mentors),
        REPORT: ~_chain_matrix(mentors, mentees).T,
    }
    if rules.min_tenure_gap_days:
        checks[TENURE] = mentors.hire_days[None, :] <= mentees.hire_days[:, None] - rules.min_tenure_gap_days
    if rules.team_rule == "same":
        checks[TEAM] = (mentees.team_ids[:, None] == mentors.team_ids[None, :]) & (
            mentees.team_ids[:, None] != 0
        )
    elif rules.team_rule == "different":
        checks[TEAM] = (mentees.team_ids[:, None] != mentors.team_ids[None, :]) | (
            mentees.team_ids[:, None] == 0
        )
    if rules.min_overlap_hours:
        checks[OVERLAP] = _overlap_ok(mentees, mentors, rules)
    forbidden = list(forbidden)
    if forbidden:
        checks[FORBIDDEN] = np.ones((n, m), dtype=bool)
        r, c = zip(*forbidden, strict=True)
        checks[FORBIDDEN][list(r), list(c)] = False

    allowed = np.ones((n, m), dtype=bool)
    for ok in checks.values():
        allowed &= ok
    pins = dict(pins or {})
    exclusions: list[Exclusion | None] = [None] * n
    for i, j in pins.items():
        keep = allowed[i, j] if j >= 0 else False
        allowed[i, :] = False
        if keep:
            allowed[i, j] = True
        elif j < 0:
            exclusions[i] = Exclusion(PIN_MISSING)
        else:
            exclusions[i] = Exclusion(
                PIN_REFUSED, failed=tuple(name for name, ok in checks.items() if not ok[i, j])
            )
    for i in np.flatnonzero(~allowed.any(axis=1)):
        if exclusions[i] is None:
            exclusions[i] = _exclusion(checks, int(i))
    return Constraints(rules=checks, allowed=allowed, exclusions=exclusions, pins=pins)


def _exclusion(checks: dict[str, np.ndarray], i: int) -> Exclusion:
    counts = {name: int((~ok[i]).sum()) for name, ok in checks.items()}
    width = next(iter(checks.values())).shape[1]
    for name, ruled_out in counts.items():
        if ruled_out == width and width:
            return Exclusion(name, counts={name: ruled_out})
    return Exclusion(COMBINED, counts={name: c for name, c in counts.items() if c})
