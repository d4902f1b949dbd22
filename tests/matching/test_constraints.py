"""Hard constraints on plain arrays: one test per rule, plus pins, forbids and the reasons given."""

import datetime

import numpy as np
import pytest

from matching import constraints
from matching.constraints import Rules, Side, build, management_chains, shared_working_hours

HIRED = datetime.date(2020, 1, 1)
REFERENCE = datetime.date(2026, 9, 1)


def side(*people):
    """people: dicts with id and optional hired, team, zone, chain."""
    return Side.build(
        person_ids=[p["id"] for p in people],
        hire_dates=[p.get("hired", HIRED) for p in people],
        team_ids=[p.get("team") for p in people],
        time_zones=[p.get("zone", "UTC") for p in people],
        chains=[p.get("chain", ()) for p in people],
    )


def rules(**kwargs):
    return Rules(reference_date=REFERENCE, **kwargs)


def test_no_one_is_their_own_mentor():
    result = build(side({"id": 1}), side({"id": 1}, {"id": 2}), rules())
    assert result.allowed.tolist() == [[False, True]]


def test_no_mentor_from_the_mentees_management_chain_however_far_up():
    # Mentee 10 reports to 11, who reports to 12; 13 is outside the chain.
    mentee = side({"id": 10, "chain": {11, 12}})
    mentors = side({"id": 11}, {"id": 12}, {"id": 13})
    result = build(mentee, mentors, rules())
    assert result.allowed.tolist() == [[False, False, True]]
    assert result.failed_rules(0, 1) == (constraints.MANAGER,)


def test_no_mentor_for_their_own_reports_direct_or_further_down():
    # The mentee (20) manages mentor 21 directly and mentor 22 through 21.
    mentee = side({"id": 20})
    mentors = side({"id": 21, "chain": {20}}, {"id": 22, "chain": {21, 20}}, {"id": 23})
    result = build(mentee, mentors, rules())
    assert result.allowed.tolist() == [[False, False, True]]
    assert result.failed_rules(0, 1) == (constraints.REPORT,)


def test_management_chains_walk_every_level_and_survive_a_cycle():
    managers = {1: None, 2: 1, 3: 2, 4: 3, 7: 8, 8: 7}
    assert management_chains(managers, [4, 3, 1, 9]) == [
        frozenset({1, 2, 3}),
        frozenset({1, 2}),
        frozenset(),
        frozenset(),
    ]
    assert management_chains(managers, [7]) == [frozenset({8})]


def test_mentor_needs_the_minimum_extra_tenure():
    mentee = side({"id": 1, "hired": datetime.date(2026, 6, 1)})
    mentors = side(
        {"id": 2, "hired": datetime.date(2025, 12, 3)},  # exactly 180 days earlier
        {"id": 3, "hired": datetime.date(2025, 12, 4)},  # one day short
        {"id": 4, "hired": datetime.date(2026, 7, 1)},  # joined after the mentee
    )
    result = build(mentee, mentors, rules(min_tenure_gap_days=180))
    assert result.allowed.tolist() == [[True, False, False]]
    assert build(mentee, mentors, rules(min_tenure_gap_days=0)).allowed.all()


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("any", [True, True, True]), ("same", [True, False, False]), ("different", [False, True, True])],
)
def test_team_rule_keeps_same_or_different_teams(rule, expected):
    mentee = side({"id": 1, "team": 5})
    mentors = side({"id": 2, "team": 5}, {"id": 3, "team": 6}, {"id": 4, "team": None})
    assert build(mentee, mentors, rules(team_rule=rule)).allowed.tolist() == [expected]


def test_shared_working_hours_come_from_utc_offsets_including_across_midnight():
    hours = shared_working_hours(np.array([0.0, 1.0, 5.5, -5.0]), np.array([0.0, 13.0, -10.0]))
    assert hours[0, 0] == 8  # same zone
    assert hours[1, 0] == 7  # one hour apart
    assert hours[2, 0] == 2.5  # India vs UTC
    assert hours[3, 0] == 3  # New York vs London in winter
    assert hours[0, 1] == 0  # UTC vs Auckland summer
    assert hours[1, 2] == 0  # UTC+1 vs Honolulu: 11 hours apart
    # Auckland (+13) and Honolulu (-10): Auckland's Tuesday morning is Honolulu's Monday afternoon.
    assert shared_working_hours(np.array([13.0]), np.array([-10.0]))[0, 0] == 7


def test_time_zone_overlap_rule_uses_each_zones_offset_at_the_reference_date():
    mentees = side({"id": 1, "zone": "Europe/London"}, {"id": 2, "zone": "Asia/Kolkata"})
    mentors = side(
        {"id": 3, "zone": "Europe/Berlin"},  # 1 hour apart in September: 7 shared
        {"id": 4, "zone": "America/New_York"},  # 5 hours apart: 3 shared
        {"id": 5, "zone": "Not/AZone"},  # unknown: cannot be judged, so not ruled out
    )
    result = build(mentees, mentors, rules(min_overlap_hours=3))
    # Kolkata (+5:30) and New York (-4): 9.5 hours apart, nothing shared.
    assert result.allowed.tolist() == [[True, True, True], [True, False, True]]
    assert build(mentees, mentors, rules(min_overlap_hours=4)).allowed[0].tolist() == [True, False, True]


def test_forbidden_pairs_are_removed():
    result = build(side({"id": 1}, {"id": 2}), side({"id": 3}, {"id": 4}), rules(), forbidden=[(0, 1)])
    assert result.allowed.tolist() == [[True, False], [True, True]]
    assert result.failed_rules(0, 1) == (constraints.FORBIDDEN,)


def test_a_pinned_mentee_may_only_have_the_pinned_mentor():
    result = build(side({"id": 1}, {"id": 2}), side({"id": 3}, {"id": 4}), rules(), pins={0: 1})
    assert result.allowed.tolist() == [[False, True], [True, True]]
    assert result.exclusions == [None, None]


def test_a_pin_that_breaks_a_hard_rule_is_refused_with_the_rule_named():
    mentee = side({"id": 1, "chain": {3}})
    result = build(mentee, side({"id": 3}, {"id": 4}), rules(), pins={0: 0})
    assert not result.allowed.any()
    assert result.exclusions[0] == constraints.Exclusion(
        constraints.PIN_REFUSED, failed=(constraints.MANAGER,)
    )
    missing = build(side({"id": 1}), side({"id": 3}), rules(), pins={0: -1})
    assert missing.exclusions[0].rule == constraints.PIN_MISSING


def test_exclusion_names_the_one_rule_that_rules_out_everyone_or_counts_a_mix():
    mentees = side(
        {"id": 1, "chain": {3, 4}},
        {"id": 2, "hired": datetime.date(2019, 6, 1), "chain": {3}},
        {"id": 9, "hired": datetime.date(2026, 1, 1)},
    )
    mentors = side({"id": 3, "hired": datetime.date(2015, 1, 1)}, {"id": 4})
    result = build(mentees, mentors, rules(min_tenure_gap_days=30))
    assert result.exclusions[0] == constraints.Exclusion(constraints.MANAGER, counts={"manager": 2})
    # Mentee 2: one mentor is their manager, the other joined too recently.
    assert result.exclusions[1] == constraints.Exclusion(
        constraints.COMBINED, counts={"manager": 1, "tenure": 1}
    )
    assert result.exclusions[2] is None
