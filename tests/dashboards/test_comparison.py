import datetime

from dashboards.comparison import HIRE_MARGIN_DAYS, comparison_group
from dashboards.kpi_selectors import mentees_of
from people.models import Person
from tests.dashboards.kpi_data import did_world
from tests.factories import PersonFactory


def test_comparison_is_never_enrolled_people_of_the_same_teams_hired_in_the_same_period(world):
    data = did_world(world.manager)
    group = comparison_group(mentees_of([data.cohort]))
    # Not the long-serving colleague, not the withdrawn enrollee, not the new hire of another team.
    assert set(group) == set(data.comparison)


def test_the_hire_period_reaches_the_margin_either_side_and_no_further(world):
    data = did_world(world.manager)
    hired = datetime.date(2025, 1, 6)  # every mentee's hire date
    margin = datetime.timedelta(days=HIRE_MARGIN_DAYS)
    inside = [
        PersonFactory(team=data.queue, hire_date=hired - margin),
        PersonFactory(team=data.queue, hire_date=hired + margin),
    ]
    outside = [
        PersonFactory(team=data.queue, hire_date=hired - margin - datetime.timedelta(days=1)),
        PersonFactory(team=data.queue, hire_date=hired + margin + datetime.timedelta(days=1)),
    ]
    group = set(comparison_group(mentees_of([data.cohort])))
    assert set(inside) <= group
    assert not set(outside) & group


def test_comparison_is_drawn_only_from_the_people_given(world):
    data = did_world(world.manager)
    within = Person.objects.filter(pk__in=[p.pk for p in data.comparison[:2]])
    assert set(comparison_group(mentees_of([data.cohort]), within=within)) == set(data.comparison[:2])
