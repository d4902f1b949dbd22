"""Who took part, and who they are compared with: one definition for every outcome figure
(retention on the dashboard, the support-KPI differences and ramp-up in dashboards/kpi_*).

Participants of a role are the people enrolled (status "enrolled") in that role in the cohorts in
scope. They are counted once, from `joined_on`: the start of the first of those cohorts.

The comparison group of a role is the people who never enrolled in any cohort (in any status:
someone who applied and was declined, or withdrew, is in neither group) and who, for at least one
participant of that role in those cohorts:

- sit in the same team,
- were hired within HIRE_WINDOW_DAYS of that participant's hire date (so senior mentors are
  compared with senior agents, and new-hire mentees with new hires),
- and were employed on the day that participant's cohort started.

Each is counted once, from `joined_on`: the start of the first such cohort, so both groups are
followed from the same day. Both querysets are Person querysets annotated with `joined_on`; the
caller narrows them further (a manager's teams, a team filter) with ordinary filters on Person.
Where `joined_on` is not needed, participant_ids and comparison_ids give the same people more
cheaply, for `pk__in` (the support-KPI figures, per cohort).
A comparison shows association, never cause: the groups differ in who chose to take part.
"""

from __future__ import annotations

import datetime

from django.db.models import DateField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from people.models import Person
from programmes.models import Cohort, Enrolment

HIRE_WINDOW_DAYS = 180

_WINDOW = datetime.timedelta(days=HIRE_WINDOW_DAYS)


def _cohort_filter(cohorts: QuerySet[Cohort] | None, path: str) -> Q:
    return Q() if cohorts is None else Q(**{f"{path}__in": cohorts})


def participants(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Person]:
    """People enrolled as `role` in `cohorts` (every cohort when None), with `joined_on`."""
    return (
        Person.objects.filter(
            _cohort_filter(cohorts, "enrolments__cohort"),
            enrolments__role=role,
            enrolments__status=Enrolment.Status.ACTIVE,
        )
        # Filtered in the same call, the Min reads the same (filtered) enrolment rows.
        .annotate(joined_on=Min("enrolments__cohort__starts_on"))
    )


def participant_ids(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Enrolment]:
    """The person ids of participants(role, cohorts), for `pk__in` where `joined_on` is not needed:
    one scan of the enrolments, without participants' join to the cohorts and its grouping."""
    return Enrolment.objects.filter(
        _cohort_filter(cohorts, "cohort"), role=role, status=Enrolment.Status.ACTIVE
    ).values("person_id")


def comparison_group(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Person]:
    """Non-participants matched to the participants of `role` in `cohorts`, with `joined_on`.

    One join (person -> team -> teammates -> their enrolments -> cohort), grouped by person: no
    correlated subquery per person, so it stays one plain aggregate at 20,000 people."""
    mate = "team__people"
    starts_on = F(f"{mate}__enrolments__cohort__starts_on")
    mate_hired = F(f"{mate}__hire_date")
    never_enrolled = ~Exists(Enrolment.objects.filter(person=OuterRef("pk")))
    return (
        Person.objects.filter(never_enrolled)
        .filter(
            _cohort_filter(cohorts, f"{mate}__enrolments__cohort"),
            Q(leave_date__isnull=True) | Q(leave_date__gt=starts_on),
            Q(hire_date__lte=starts_on),
            **{
                f"{mate}__enrolments__role": role,
                f"{mate}__enrolments__status": Enrolment.Status.ACTIVE,
                # The window is put on this person's hire date, not the teammate's: so the join
                # finds them by (team, hire_date) in person_team_hire_idx, not by team alone.
                "hire_date__gte": ExpressionWrapper(mate_hired - _WINDOW, output_field=DateField()),
                "hire_date__lte": ExpressionWrapper(mate_hired + _WINDOW, output_field=DateField()),
            },
        )
        .annotate(joined_on=Min(f"{mate}__enrolments__cohort__starts_on"))
    )


def comparison_ids(*, role: str, cohorts: QuerySet[Cohort] | None = None) -> QuerySet[Person]:
    """The people of comparison_group(role, cohorts) without `joined_on`, for `pk__in` where it is
    not needed (as participant_ids is participants'): each person kept once by EXISTS, a semi-join,
    rather than by grouping every (participant, teammate) row of the join (about 14 against 20 ms
    for a cohort of 2,000 mentees at 20,000 people)."""
    mates = Enrolment.objects.filter(
        _cohort_filter(cohorts, "cohort"),
        role=role,
        status=Enrolment.Status.ACTIVE,
        person__team=OuterRef("team"),
        # comparison_group's window seen from this person: their hire date is within the window of
        # the participant's exactly when the participant's is within the window of theirs.
        person__hire_date__gte=ExpressionWrapper(OuterRef("hire_date") - _WINDOW, output_field=DateField()),
        person__hire_date__lte=ExpressionWrapper(OuterRef("hire_date") + _WINDOW, output_field=DateField()),
        cohort__starts_on__gte=OuterRef("hire_date"),
        cohort__starts_on__lt=Coalesce(OuterRef("leave_date"), Value(datetime.date.max)),
    )
    never_enrolled = ~Exists(Enrolment.objects.filter(person=OuterRef("pk")))
    return Person.objects.filter(never_enrolled, Exists(mates))
