import datetime

from dashboards.comparison import comparison_group, comparison_ids, participants
from programmes.models import Cohort, Enrolment
from tests.factories import PersonFactory


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


def test_comparison_ids_are_the_comparison_groups_people(org):
    # The same people by a semi-join: the edge cases (left before the start, hired after it, another
    # team, declined, and those on each boundary below) are where a second formulation could differ.
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
    for role in (Enrolment.Role.MENTEE, Enrolment.Role.MENTOR):
        for cohorts in (None, Cohort.objects.filter(pk=org.cohort.pk), Cohort.objects.none()):
            ids = set(comparison_ids(role=role, cohorts=cohorts).values_list("pk", flat=True))
            assert ids == set(comparison_group(role=role, cohorts=cohorts).values_list("pk", flat=True))
    assert len(comparison_ids(role=Enrolment.Role.MENTEE)) == len(org.compared) + 3
