from dashboards.comparison import comparison_group, participants
from programmes.models import Cohort, Enrolment


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
