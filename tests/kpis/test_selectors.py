import datetime
from decimal import Decimal

from kpis.selectors import (
    Summary,
    add_months,
    data_months,
    months_to_team_median,
    period_summaries,
    pooled,
    trend_of,
)
from people.models import Person
from tests.dashboards.kpi_data import FEB, JAN, JUN, MAR, ramp_world
from tests.factories import AgentMonthFactory, PersonFactory


def test_add_months_crosses_years_both_ways():
    assert add_months(datetime.date(2026, 11, 1), 3) == datetime.date(2027, 2, 1)
    assert add_months(datetime.date(2026, 2, 1), -3) == datetime.date(2025, 11, 1)


def test_a_person_counts_once_however_many_months_they_have(db):
    busy, quiet = PersonFactory(), PersonFactory()
    for month, csat in ((JAN, 70), (FEB, 80), (MAR, 90)):
        AgentMonthFactory(person=busy, month=month, csat=Decimal(csat))
    AgentMonthFactory(person=quiet, month=JAN, csat=Decimal(60), tickets_solved=None)
    result = period_summaries(people=Person.objects.all(), periods={"p": (JAN, datetime.date(2026, 4, 1))})
    # busy's mean is 80, quiet's 60: the group mean is 70 (not 75, the mean of the four months).
    assert result["p"]["csat"] == Summary(mean=70.0, sd=result["p"]["csat"].sd, people=2, months=4)
    assert round(result["p"]["csat"].sd, 4) == 14.1421
    # A missing figure is not a zero: quiet has no tickets, so only busy counts.
    assert (result["p"]["tickets_solved"].people, result["p"]["tickets_solved"].months) == (1, 3)


def test_pooling_summaries_equals_one_group():
    # Person means 1, 2, 3 and 10, 20: the mean of all five is 7.2, their sample sd 7.9812
    # (squares about 7.2: 38.44 + 27.04 + 17.64 + 7.84 + 163.84 = 254.8; 254.8 / 4 = 63.7).
    a = Summary(mean=2.0, sd=1.0, people=3, months=4)
    b = Summary(mean=15.0, sd=7.0710678, people=2, months=2)
    both = pooled([a, b, Summary.empty()])
    assert (round(both.mean, 4), round(both.sd, 4), both.people, both.months) == (7.2, 7.9812, 5, 6)


def test_months_to_team_median_by_hand(world):
    data = ramp_world(world.manager)
    people = Person.objects.filter(pk__in=[p.pk for p in data.mentored + data.others])
    marked = Person.objects.filter(pk__in=[p.pk for p in data.mentored])
    counts = months_to_team_median(people=people, marked=marked, kpi="csat")
    assert counts == {
        (True, 1): 1,
        (True, 2): 2,
        (True, 4): 1,
        (True, None): 1,
        (False, 2): 1,
        (False, 5): 1,
        (False, None): 3,
    }
    # Nobody has tickets figures: nobody is counted, rather than everyone as "not yet".
    assert months_to_team_median(people=people, marked=marked, kpi="tickets_solved") == {}


def test_data_months_and_the_agents_own_trend(world):
    data = ramp_world(world.manager)
    assert data_months() == (JAN, JUN)
    trend = trend_of(data.mentored[0], months=3)
    assert [row.month for row in trend] == [datetime.date(2026, 4, 1), datetime.date(2026, 5, 1), JUN]
