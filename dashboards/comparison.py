"""Who programme participants are compared with: one definition for every outcome (retention, the
support KPIs, ramp-up), so two panels never compare against different people.

The comparison group of a group of participants is everyone who

- has never enrolled in any cohort, in any role or status (an applicant, a waitlisted or a withdrawn
  person chose the programme, which is exactly what the comparison must not have done);
- sits in a team of one of the participants (people are compared with their own queue);
- was hired within HIRE_MARGIN_DAYS of that team's participants' hire dates: on or after the earliest
  hire date less the margin and on or before the latest plus the margin, so senior mentors are not
  compared with new hires, and a team with one mentee still has a comparison.

A participant without a team widens no comparison. The group is an association's yardstick, not a
control group: nobody was assigned at random.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from people.models import Person
from programmes.models import Enrolment

HIRE_MARGIN_DAYS = 90


def participants() -> QuerySet:
    """Everyone who ever enrolled in a cohort (ids)."""
    return Enrolment.objects.order_by().values("person_id")


def non_participants(within: QuerySet | None = None) -> QuerySet:
    people = Person.objects.all() if within is None else within
    return people.exclude(pk__in=participants())


def comparison_group(group: QuerySet, *, within: QuerySet | None = None) -> QuerySet:
    """The comparison group (a Person queryset) for `group` (a Person queryset), drawn from `within`
    (everyone by default; a manager's people, a team)."""
    margin = datetime.timedelta(days=HIRE_MARGIN_DAYS)
    same_team = group.order_by().filter(team=OuterRef("team"))
    return non_participants(within).filter(
        Exists(same_team.filter(hire_date__lte=OuterRef("hire_date") + margin)),
        Exists(same_team.filter(hire_date__gte=OuterRef("hire_date") - margin)),
    )
