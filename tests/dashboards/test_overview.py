import datetime

import pytest
from django.urls import reverse

from dashboards.selectors import MIN_GROUP, overview
from tests.conftest import login
from tests.factories import CheckInFactory, EnrolmentFactory, PairingFactory, PersonFactory, SessionFactory


def _team_of(manager, team, n, left=0, participants=0, cohort=None):
    people = [PersonFactory(team=team, manager=manager) for _ in range(n)]
    for person in people[:left]:
        person.leave_date = datetime.date(2026, 10, 1)
        person.save()
    for person in people[left : left + participants]:
        EnrolmentFactory(cohort=cohort, person=person)
    return people


def test_manager_sees_retention_of_participants_and_others_for_their_teams(world):
    tier1 = world.teams[0]
    # Tier 1 already has mentee, mentee2 (participants) and the outsider.
    _team_of(world.manager, tier1, 10, left=3, participants=0)
    _team_of(world.manager, tier1, 5, left=0, participants=5, cohort=world.cohort)
    data = overview(world.manager.user, today=world.today)
    # The manager's teams are Tier 1 (mentee's) and Tier 2 (mentor's): participants are the five
    # new ones, mentee, mentee2, mentor and mentor2; everyone else is the ten, the outsider and the manager.
    assert data.retention_participants.denominator == 9
    assert data.retention_participants.percent == 100.0
    assert data.retention_others.denominator == 12
    assert data.retention_others.percent == 75.0


def test_small_groups_are_withheld_from_managers(world):
    for _ in range(MIN_GROUP - 2):
        CheckInFactory(pairing=world.pair, person=PersonFactory(), satisfaction=1)
    data = overview(world.manager.user, today=world.today)
    assert not data.satisfaction.shown and data.satisfaction.rounded is None
    assert not data.retention_participants.shown


def test_satisfaction_is_shown_once_enough_people_answered(world):
    for score in (5, 4, 4, 3, 4):
        CheckInFactory(pairing=world.pair, person=PersonFactory(), satisfaction=score)
    data = overview(world.manager.user, today=world.today)
    assert data.satisfaction.shown and data.satisfaction.rounded == 4.0
    assert data.active_pairings == 2


def test_manager_scope_excludes_other_managers_teams(world):
    other_manager = PersonFactory()
    other_team = world.teams[1].__class__.objects.create(name="Billing")
    _team_of(other_manager, other_team, 12, left=12)
    assert overview(world.manager.user, today=world.today).people == overview(world.manager.user).people
    assert (
        overview(world.admin, today=world.today).people
        > overview(world.manager.user, today=world.today).people
    )


def test_dashboard_page_shows_numbers_and_never_notes(client, world):
    SessionFactory(pairing=world.pair, notes="PRIVATE-ISH NOTE TEXT")
    login(client, world.manager.user)
    response = client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert 'data-metric="active-pairings">2<' in response.text
    assert "PRIVATE-ISH NOTE TEXT" not in response.text


@pytest.mark.parametrize("size", [1, 20])
def test_dashboard_query_count_is_fixed(client, world, django_assert_num_queries, size):
    for _ in range(size):
        pairing = PairingFactory(
            match_run=world.run,
            mentee=EnrolmentFactory(
                cohort=world.cohort, person=PersonFactory(team=world.teams[0], manager=world.manager)
            ),
        )
        SessionFactory(pairing=pairing)
        CheckInFactory(pairing=pairing)
    login(client, world.manager.user)
    # user (with person and roles), teams, then the four aggregates
    with django_assert_num_queries(5):
        assert client.get(reverse("dashboards:overview")).status_code == 200


@pytest.mark.parametrize("size", [1, 20])
def test_admin_dashboard_query_count_is_fixed(client, world, django_assert_num_queries, size):
    for _ in range(size):
        pairing = PairingFactory(
            match_run=world.run, mentee=EnrolmentFactory(cohort=world.cohort, person=PersonFactory())
        )
        SessionFactory(pairing=pairing)
        CheckInFactory(pairing=pairing)
    login(client, world.admin)
    # user (with person and roles), then the four aggregates
    with django_assert_num_queries(5):
        assert client.get(reverse("dashboards:overview")).status_code == 200
