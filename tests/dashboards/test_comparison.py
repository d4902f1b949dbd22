import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import comparison
from dashboards.comparison import comparison_group, comparison_ids, participants
from dashboards.models import ComparisonMember
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, TeamFactory


def test_participants_are_counted_once_from_their_first_cohort(org):
    people = participants(role=Enrolment.Role.MENTEE)
    assert {p.pk for p in people} == {p.pk for p in org.mentees}
    assert {p.joined_on for p in people} == {org.cohort.starts_on}


def test_comparison_group_is_same_team_similar_hire_employed_at_start_never_enrolled(org):
    mentees = comparison_group(role=Enrolment.Role.MENTEE)
    # Not: hired two years before, left before the start, hired after it, another team, declined.
    assert {p.pk for p in mentees} == {p.pk for p in org.compared}
    assert {p.joined_on for p in mentees} == {org.cohort.starts_on}
    mentors = comparison_group(role=Enrolment.Role.MENTOR)
    assert {p.pk for p in mentors} == {p.pk for p in org.mentor_compared}


def test_comparison_group_follows_the_cohorts_asked_for(org):
    assert not comparison_group(role=Enrolment.Role.MENTEE, cohorts=Cohort.objects.none()).exists()
    one = Cohort.objects.filter(pk=org.cohort.pk)
    assert comparison_group(role=Enrolment.Role.MENTEE, cohorts=one).count() == len(org.compared)


def _boundary_people(org):
    """People on each edge of the mentees' comparison group (three of the six are in it): where a
    second formulation of the rule could differ."""
    team, hired, start = org.teams[0], org.mentees[2].hire_date, org.cohort.starts_on
    for hire_date, leave_date in (
        (hired - datetime.timedelta(days=180), None),  # the window's first day: in
        (hired - datetime.timedelta(days=181), None),  # out
        (hired + datetime.timedelta(days=180), None),  # after the start: out
        (start, None),  # hired on the first day: in
        (hired, start),  # left on the first day: out
        (hired, start + datetime.timedelta(days=1)),  # left the day after: in
    ):
        PersonFactory(team=team, hire_date=hire_date, leave_date=leave_date)


def test_comparison_ids_are_the_comparison_groups_people(org):
    # The same people by a semi-join: the edge cases (left before the start, hired after it, another
    # team, declined, and those on each boundary) are where a second formulation could differ.
    _boundary_people(org)
    for role in (Enrolment.Role.MENTEE, Enrolment.Role.MENTOR):
        for cohorts in (None, Cohort.objects.filter(pk=org.cohort.pk), Cohort.objects.none()):
            ids = set(comparison_ids(role=role, cohorts=cohorts).values_list("pk", flat=True))
            assert ids == set(comparison_group(role=role, cohorts=cohorts).values_list("pk", flat=True))
    assert len(comparison_ids(role=Enrolment.Role.MENTEE)) == len(org.compared) + 3


# The kept groups (ComparisonMember): the same people as the join, and read only while people and
# cohorts are as they were when they were worked out, and only with a cache every process shares.


@pytest.fixture
def shared_cache(settings):
    settings.PAIRING_FRAGMENT_SECONDS = 3600  # as with REDIS_URL


def _keep():
    """Work the groups out and keep them under today's stamps, as a view outside a transaction does."""
    comparison.rebuild_members()
    cache.set(comparison.KEPT_KEY, comparison._inputs_stamp())
    assert comparison.members_kept()


def _joined(role, cohorts):
    """comparison_group and comparison_ids as the join gives them (nothing kept, inside the test's
    transaction: nothing is worked out either)."""
    cache.delete(comparison.KEPT_KEY)
    assert not comparison.members_kept()
    return _both(role, cohorts)


def _both(role, cohorts):
    group = sorted(comparison_group(role=role, cohorts=cohorts).values_list("pk", "joined_on"))
    ids = sorted(comparison_ids(role=role, cohorts=cohorts).values_list("pk", flat=True))
    return group, ids


def test_the_kept_groups_are_the_joined_groups(org, shared_cache):
    _boundary_people(org)
    team, hired = org.teams[0], org.mentees[2].hire_date
    # A second, later cohort with a mentee of its own: someone compared for both joins from the first.
    later = CohortFactory(programme=org.programme, starts_on=datetime.date(2025, 3, 3))
    EnrolmentFactory(cohort=later, person=PersonFactory(team=team, hire_date=hired))
    for role in (Enrolment.Role.MENTEE, Enrolment.Role.MENTOR):
        for cohorts in (
            None,
            Cohort.objects.filter(pk=org.cohort.pk),
            Cohort.objects.filter(pk=later.pk),
            Cohort.objects.none(),
        ):
            _keep()
            kept = _both(role, cohorts)
            assert kept == _joined(role, cohorts)
    _keep()
    joined = dict(_both(Enrolment.Role.MENTEE, None)[0])
    # Compared from the first cohort they match: hired after the first one started, from the later.
    assert joined[org.compared[2].pk] == org.cohort.starts_on
    assert joined[org.outside.hired_after_start.pk] == later.starts_on


def test_a_write_to_people_or_cohorts_stops_the_kept_groups_being_read(org, shared_cache):
    _keep()
    org.compared[2].team = org.teams[1]
    org.compared[2].save()
    assert not comparison.members_kept()
    _keep()
    assert org.compared[2].pk not in {p.pk for p in comparison_group(role=Enrolment.Role.MENTEE)}
    # An enrolment: the one who declined now takes part, so their teammate is compared.
    EnrolmentFactory(cohort=org.cohort, person=org.outside.hired_long_before)
    assert not comparison.members_kept()
    _keep()
    # A cohort's start: moved before the comparison's hire dates, nobody is compared with the mentees.
    Cohort.objects.filter(pk=org.cohort.pk).update(starts_on=datetime.date(2024, 1, 1))
    assert not comparison.members_kept()
    _keep()
    assert not comparison_group(role=Enrolment.Role.MENTEE).exists()


def test_working_them_out_again_writes_only_the_rows_that_change(org, shared_cache):
    _keep()
    before = dict(ComparisonMember.objects.values_list("pk", "person_id"))
    assert before
    # A write that moves nobody in or out (a time zone): nothing is written.
    org.compared[0].time_zone = "Europe/Lisbon"
    org.compared[0].save()
    assert not comparison.members_kept()  # it was a write to people all the same
    with CaptureQueriesContext(connection) as queries:
        _keep()
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "DELETE", "UPDATE"))]
    assert dict(ComparisonMember.objects.values_list("pk", "person_id")) == before
    # One person moves team: only their rows go, and everyone else's rows stay as they were.
    moved = org.compared[2]
    moved.team = org.teams[1]
    moved.save()
    _keep()
    after = dict(ComparisonMember.objects.values_list("pk", "person_id"))
    assert after == {pk: person for pk, person in before.items() if person != moved.pk}
    # And back: their rows come back as new ones.
    moved.team = org.teams[0]
    moved.save()
    _keep()
    back = dict(ComparisonMember.objects.values_list("pk", "person_id"))
    assert sorted(back.values()) == sorted(before.values())
    assert {pk: person for pk, person in back.items() if pk in after} == after


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_view_after_a_write_works_them_out_and_later_views_read_them(shared_cache):
    team = TeamFactory()
    cohort = CohortFactory(starts_on=datetime.date(2025, 1, 6))
    mentee = PersonFactory(team=team, hire_date=datetime.date(2024, 10, 1))
    EnrolmentFactory(cohort=cohort, person=mentee)
    compared = PersonFactory(team=team, hire_date=datetime.date(2024, 11, 1))
    assert not connection.in_atomic_block
    assert {p.pk for p in comparison_group(role=Enrolment.Role.MENTEE)} == {compared.pk}
    assert ComparisonMember.objects.filter(person=compared, cohort=cohort).exists()
    with CaptureQueriesContext(connection) as queries:
        assert comparison.members_kept()
    assert len(queries) == 0  # kept: nothing worked out again
    another = PersonFactory(team=team, hire_date=datetime.date(2024, 12, 1))
    with CaptureQueriesContext(connection) as queries:
        assert comparison.members_kept()
    assert any("INSERT" in q["sql"] for q in queries.captured_queries)
    assert set(ComparisonMember.objects.values_list("person_id", flat=True)) == {compared.pk, another.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_while_another_view_works_them_out_the_join_is_read(shared_cache):
    team = TeamFactory()
    cohort = CohortFactory(starts_on=datetime.date(2025, 1, 6))
    EnrolmentFactory(cohort=cohort, person=PersonFactory(team=team, hire_date=datetime.date(2024, 10, 1)))
    compared = PersonFactory(team=team, hire_date=datetime.date(2024, 11, 1))
    assert cache.add(comparison._WORKING_KEY, 1, 60)
    assert not comparison.members_kept()
    assert not ComparisonMember.objects.exists()
    assert {p.pk for p in comparison_group(role=Enrolment.Role.MENTEE)} == {compared.pk}


def test_without_a_shared_cache_the_join_is_read_every_time(org, settings):
    settings.PAIRING_FRAGMENT_SECONDS = 3600
    _keep()
    settings.PAIRING_FRAGMENT_SECONDS = 0
    assert not comparison.members_kept()
    # A write the other processes' stamps would not see: the join shows it at once.
    ComparisonMember.objects.all().delete()
    assert {p.pk for p in comparison_group(role=Enrolment.Role.MENTEE)} == {p.pk for p in org.compared}
