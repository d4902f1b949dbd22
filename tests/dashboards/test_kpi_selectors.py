import datetime

import pytest
from django.http import QueryDict

from dashboards.filters import scope_for
from dashboards.kpi_selectors import MIN_GROUP, WINDOW_MONTHS, kpi_outcome, periods_of, ramp_up
from kpis.selectors import add_months
from tests.dashboards.kpi_data import APR, JAN, JUL, OCT, did_world, ramp_world
from tests.factories import PersonFactory

TODAY = datetime.date(2026, 11, 2)


def scope(user, **filters):
    """The scope the dashboard gives `user` for these filters (ids or dates, as in a query string)."""
    query = QueryDict(mutable=True)
    query.update({name: str(value) for name, value in filters.items()})
    return scope_for(user, query)[0]


def test_periods_are_the_window_before_the_cohorts_months_and_the_window_after(world):
    data = did_world(world.manager)
    assert WINDOW_MONTHS == 3
    assert periods_of(data.cohort) == {
        "before": (JAN, APR),
        "during": (APR, JUL),
        "after": (JUL, OCT),
    }


def test_means_and_counts_before_during_and_after_by_hand(world):
    data = did_world(world.manager)
    csat = kpi_outcome(scope(world.admin, cohort=data.cohort.pk), today=TODAY).row("csat")
    # See did_world: the mean of each person's mean; two January-February months per mentee.
    assert [csat.mentees[p].value for p in ("before", "during", "after")] == [83.0, 90.0, 92.0]
    assert [csat.mentees[p].people for p in ("before", "during", "after")] == [5, 5, 5]
    assert [csat.mentees[p].months for p in ("before", "during", "after")] == [10, 5, 5]
    assert [csat.comparison[p].value for p in ("before", "during", "after")] == [82.0, 83.0, 84.0]
    assert [csat.comparison[p].months for p in ("before", "during", "after")] == [5, 5, 5]


def test_difference_in_differences_and_its_interval_by_hand(world):
    data = did_world(world.manager)
    csat = kpi_outcome(scope(world.admin, cohort=data.cohort.pk), today=TODAY).row("csat")
    # (90 - 83) - (83 - 82) = 6; (92 - 83) - (84 - 82) = 7. Each of the four means has person means
    # c, c+1, ..., c+4: variance 2.5, so the standard error is sqrt(4 * 2.5 / 5) = 1.4142; t(0.975, 4 df)
    # = 2.7764, so the interval is the difference +- 3.9265.
    assert (csat.during.value, csat.during.low, csat.during.high) == (6.0, 2.1, 9.9)
    assert (csat.after.value, csat.after.low, csat.after.high) == (7.0, 3.1, 10.9)
    assert csat.during.verdict == "better"


def test_lower_is_better_for_response_times(world):
    data = did_world(world.manager)
    outcome = kpi_outcome(scope(world.admin, cohort=data.cohort.pk), today=TODAY)
    response = outcome.row("first_response_minutes")
    # Mentees from 60 to 40 minutes, the comparison stays at 60: a fall of 20 minutes, which is better.
    assert response.during.value == -20.0
    assert response.during.verdict == "better"


def test_a_difference_is_not_shown_when_any_of_its_four_means_has_too_few_people(world):
    data = did_world(world.manager, mentees=MIN_GROUP - 1)
    csat = kpi_outcome(scope(world.admin, cohort=data.cohort.pk), today=TODAY).row("csat")
    assert not csat.mentees["before"].shown and csat.mentees["before"].value is None
    assert csat.comparison["before"].shown
    assert not csat.during.shown and csat.during.verdict == "unclear"


def test_manager_sees_only_their_teams(world):
    data = did_world(world.manager)
    csat = kpi_outcome(scope(world.manager.user), today=TODAY).row("csat")
    assert csat.mentees["before"].people == 5 and csat.during.value == 6.0
    other = PersonFactory(team=data.other)
    PersonFactory(team=data.other, manager=other)
    other.user = world.outsider.user
    world.outsider.user = None
    world.outsider.save()
    other.save()
    theirs = kpi_outcome(scope(other.user), today=TODAY).row("csat")
    assert theirs.mentees["before"].people == 0 and not theirs.during.shown


def test_cohorts_pooled_each_against_its_own_months(world):
    data = did_world(world.manager)
    # The world's own cohort (Autumn 2026) has no figures: pooling it in changes nothing.
    pooled = kpi_outcome(scope(world.admin), today=TODAY)
    assert {c.pk for c in pooled.cohorts} == {data.cohort.pk, world.cohort.pk}
    assert pooled.row("csat").during.value == 6.0


def test_cohorts_not_started_by_today_are_left_out(world):
    data = did_world(world.manager)
    assert kpi_outcome(scope(world.admin), today=add_months(data.cohort.starts_on, -1)).cohorts == []


@pytest.mark.parametrize("people", [5, 12])
def test_outcome_queries_do_not_grow_with_people(world, django_assert_num_queries, people):
    data = did_world(world.manager, mentees=people, comparison=people)
    figures_for = scope(world.admin, cohort=data.cohort.pk)
    # The cohorts, then one query for the mentees and one for the comparison group.
    with django_assert_num_queries(3):
        kpi_outcome(figures_for, today=TODAY)


def test_ramp_up_median_months_mentored_against_not(world):
    ramp_world(world.manager)
    csat, tickets = ramp_up(scope(world.admin))
    assert csat.kpi.field == "csat" and tickets.kpi.field == "tickets_solved"
    # Mentored: 1, 2, 2, 4, not yet: the median is the third, 2 months. Others: 2, 5, then three not
    # yet: half have not reached it, so the median is unknown, not 5.
    assert (csat.mentored.people, csat.mentored.reached, csat.mentored.not_yet) == (5, 4, 1)
    assert csat.mentored.median_months == 2
    assert (csat.others.people, csat.others.reached, csat.others.not_yet) == (5, 2, 3)
    assert csat.others.median_months is None
    # The world's mentee was hired in June 2026 but has no figures: not counted.
    assert csat.curve()[:3] == [(0, 0.0, 0.0), (1, 20.0, 0.0), (2, 60.0, 20.0)]
    assert tickets.mentored.people == 0 and not tickets.mentored.shown


def test_ramp_up_hides_groups_under_five_and_keeps_managers_to_their_teams(world):
    data = ramp_world(world.manager)
    data.others[0].delete()
    csat = ramp_up(scope(world.admin))[0]
    assert not csat.others.shown and csat.curve()[2] == (2, 60.0, None)
    # A manager of another team sees no one of this one.
    PersonFactory(team=world.teams[0], manager=world.outsider)
    assert ramp_up(scope(world.outsider.user))[0].mentored.people == 0


def test_the_comparison_leaves_out_veterans_the_withdrawn_and_other_teams(world):
    data = did_world(world.manager)
    csat = kpi_outcome(scope(world.admin, cohort=data.cohort.pk), today=TODAY).row("csat")
    # The veteran, the withdrawn colleague and the new hire of another team all have CSAT 0 in
    # January: any of them in the comparison would pull its mean of 82 down.
    assert csat.comparison["before"].people == 5 and csat.comparison["before"].value == 82.0


def test_team_filter_narrows_both_groups(world):
    data = did_world(world.manager)
    csat = kpi_outcome(scope(world.admin, team=data.other.pk), today=TODAY).row("csat")
    assert csat.mentees["before"].people == 0 and csat.comparison["before"].people == 0


@pytest.mark.parametrize("extra", [0, 10])
def test_ramp_up_queries_do_not_grow_with_people(world, django_assert_num_queries, extra):
    data = ramp_world(world.manager)
    for _ in range(extra):
        PersonFactory(team=data.team, hire_date=datetime.date(2026, 2, 2))
    figures_for = scope(world.admin)
    # The months with figures, then one query for every KPI.
    with django_assert_num_queries(2):
        ramp_up(figures_for)
