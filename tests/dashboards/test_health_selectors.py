"""The programme-health table's figures, against the hand-worked data set in health_fixtures."""

import datetime

import pytest

from dashboards.health_selectors import SORTS, HealthFilters, health_page, health_rows
from matching.models import Pairing
from sessions.models import FlagResolution
from tests.dashboards.health_fixtures import EXPECTED, TODAY, build_health
from tests.factories import MatchRunFactory, PairingFactory, SessionFactory


@pytest.fixture
def health(world):
    return build_health(world)


def rows(**filters):
    return list(health_rows(filters=HealthFilters(**filters), today=TODAY))


def by_mentee(found):
    return {row.mentee_name: row for row in found}


def test_each_column_matches_the_figures_worked_out_by_hand(health):
    found = by_mentee(rows())
    assert set(found) == set(EXPECTED)
    for mentee, expected in EXPECTED.items():
        row = found[mentee]
        assert {column: getattr(row, column) for column in expected} == expected, mentee


def test_proposed_pairings_are_not_in_the_table(world, health):
    proposal = PairingFactory(match_run=MatchRunFactory(cohort=world.cohort), status=Pairing.Status.PROPOSED)
    assert proposal.pk not in {row.pk for row in rows()}


def test_cadence_is_the_cohorts_own_and_its_last_day_still_counts(health):
    # Cy's pair met 30 days ago: kept with its cohort's 30 days; a day later it is missed.
    assert by_mentee(rows())["Cy Mentee"].cadence_kept is True
    tomorrow = health_rows(filters=HealthFilters(), today=TODAY + datetime.timedelta(days=1))
    assert by_mentee(tomorrow)["Cy Mentee"].cadence_kept is False


def test_a_pair_that_never_met_keeps_its_cadence_from_its_start(world, health):
    Pairing.objects.filter(pk=world.pair2.pk).update(started_on=datetime.date(2026, 10, 19))
    assert by_mentee(rows())["Bo Mentee"].cadence_kept is True
    Pairing.objects.filter(pk=world.pair2.pk).update(started_on=datetime.date(2026, 10, 18))
    assert by_mentee(rows())["Bo Mentee"].cadence_kept is False


def test_the_row_agrees_with_the_models_overdue_rule(world, health):
    for row in rows(status="active"):
        pairing = Pairing.objects.select_related("cohort").get(pk=row.pk)
        assert row.cadence_kept is not pairing.is_overdue_for_session(row.last_session_on, today=TODAY)


def test_a_resolved_flag_is_not_open_and_resolving_adas_closes_hers(world, health):
    assert by_mentee(rows())["Cy Mentee"].open_flags == 0
    FlagResolution.objects.create(checkin=health.ada_flag, resolved_by=world.admin, note="Talked to Ada")
    assert by_mentee(rows())["Ada Mentee"].open_flags == 0


@pytest.mark.parametrize(
    ("sort", "mentees"),
    [
        ("mentee", ["Ada Mentee", "Bo Mentee", "Cy Mentee", "Eve Mentee"]),
        ("-mentee", ["Eve Mentee", "Cy Mentee", "Bo Mentee", "Ada Mentee"]),
        ("mentor", ["Dee Mentor", "Kai Mentor", "Lin Mentor", "Omar Mentor"]),
        ("cohort", ["Autumn 2026", "Autumn 2026", "Leaders 2026", "Leaders 2026"]),
        # Never met: last, whichever way.
        ("last_session", ["Eve Mentee", "Cy Mentee", "Ada Mentee", "Bo Mentee"]),
        ("-last_session", ["Ada Mentee", "Cy Mentee", "Eve Mentee", "Bo Mentee"]),
        ("sessions", ["Bo Mentee", "Cy Mentee", "Ada Mentee", "Eve Mentee"]),
        ("-sessions", ["Eve Mentee", "Ada Mentee", "Cy Mentee", "Bo Mentee"]),
        # Missed before kept; an ended pair (no cadence) last.
        ("cadence", ["Bo Mentee", "Ada Mentee", "Cy Mentee", "Eve Mentee"]),
        ("pulse", ["Eve Mentee", "Cy Mentee", "Ada Mentee", "Bo Mentee"]),
        ("-pulse", ["Ada Mentee", "Cy Mentee", "Eve Mentee", "Bo Mentee"]),
        ("-flags", ["Ada Mentee", "Bo Mentee", "Cy Mentee", "Eve Mentee"]),
        ("-goals", ["Eve Mentee", "Ada Mentee", "Cy Mentee", "Bo Mentee"]),
        ("goals", ["Cy Mentee", "Bo Mentee", "Ada Mentee", "Eve Mentee"]),
        ("-status", ["Eve Mentee", "Ada Mentee", "Bo Mentee", "Cy Mentee"]),
    ],
)
def test_each_column_sorts(health, sort, mentees):
    # The column itself where names repeat or differ from the mentee's; otherwise the mentees' order.
    column = {"mentor": "mentor_name", "cohort": "cohort_name"}.get(sort, "mentee_name")
    assert [getattr(row, column) for row in rows(sort=sort)] == mentees


def test_every_sortable_column_is_tested():
    tested = {
        "mentee",
        "mentor",
        "cohort",
        "last_session",
        "sessions",
        "cadence",
        "pulse",
        "flags",
        "goals",
        "status",
    }
    assert set(SORTS) == tested


@pytest.mark.parametrize("sort", ["password", "-id; DROP TABLE x", "", "--mentee", "mentor_name"])
def test_an_unknown_sort_falls_back_to_mentees_by_name(health, sort):
    assert [row.mentee_name for row in rows(sort=sort)] == [
        "Ada Mentee",
        "Bo Mentee",
        "Cy Mentee",
        "Eve Mentee",
    ]


def test_filters_by_programme_cohort_team_and_status(world, health):
    def mentees(**filters):
        return sorted(row.mentee_name for row in rows(**filters))

    assert mentees(programme=health.leaders.programme) == ["Cy Mentee", "Eve Mentee"]
    assert mentees(cohort=world.cohort) == ["Ada Mentee", "Bo Mentee"]
    # A team matches a pair through either member: Tier 1 has the mentees, Escalations Kai (a mentor).
    tier1, tier2 = world.teams
    assert mentees(team=tier1) == ["Ada Mentee", "Bo Mentee"]
    assert mentees(team=health.escalations) == ["Cy Mentee"]
    assert mentees(status="completed") == ["Eve Mentee"]
    assert mentees(status="active") == ["Ada Mentee", "Bo Mentee", "Cy Mentee"]
    assert mentees(status="ended_early") == []
    assert mentees(flagged_only=True) == ["Ada Mentee"]
    assert mentees(cadence_missed=True) == ["Bo Mentee"]
    assert mentees(cohort=world.cohort, cadence_missed=True, flagged_only=True) == []


def test_the_rows_are_one_query_whatever_the_history(world, health, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = rows(sort="-flags")
    for _ in range(5):
        SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 10, 30))
    with django_assert_num_queries(1):
        again = rows(sort="-flags")
    assert len(first) == len(again) == 4


@pytest.mark.parametrize("sort", [key for name in SORTS for key in (name, f"-{name}")])
def test_a_page_read_by_its_ids_is_the_same_slice_in_one_query(health, sort, django_assert_num_queries):
    everything = [row.pk for row in rows(sort=sort)]
    keys = health_rows(filters=HealthFilters(sort=sort), today=TODAY).values("pk")
    for start in (0, 2):
        with django_assert_num_queries(1):
            page = health_page(keys[start : start + 2], sort=sort, today=TODAY)
        assert [row.pk for row in page] == everything[start : start + 2]
