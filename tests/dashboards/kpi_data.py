"""A small fixed organisation with KPI history, whose figures the tests work out by hand."""

import datetime
import types
from decimal import Decimal

from matching.models import Pairing
from people.models import Team
from programmes.models import Cohort, Enrolment
from tests.factories import (
    AgentMonthFactory,
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    PersonFactory,
)

JAN, FEB, MAR, APR, MAY, JUN = (datetime.date(2026, m, 1) for m in range(1, 7))
JUL, AUG, SEP, OCT = (datetime.date(2026, m, 1) for m in range(7, 11))


def did_world(manager, *, mentees=5, comparison=5):
    """A cohort from April to June 2026 in team "Queue" (managed by `manager`).

    Mentee i (0..4; more repeat 0..4), hired 2025-01-06: CSAT 80+i in January and 82+i in February
    (person mean 81+i, group mean 83), 88+i in April (90), 90+i in July (92); first response 60
    minutes before, 40 during and after. Comparison j (0..4), hired 2025-02-01, never enrolled:
    CSAT 80+j in January (82), 81+j in May (83), 82+j in August (84); first response 60 throughout.
    Noise that must not count: December and October figures, a long-serving and a withdrawn
    colleague, and a new hire of another team.
    """
    queue = Team.objects.create(name="Queue")
    other = Team.objects.create(name="Elsewhere")
    cohort = CohortFactory(
        name="Spring 2026",
        state=Cohort.State.CLOSED,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    mentee_people = []
    for i in range(mentees):
        person = PersonFactory(team=queue, manager=manager, hire_date=datetime.date(2025, 1, 6))
        PairingFactory(
            match_run__cohort=cohort,
            mentee=EnrolmentFactory(cohort=cohort, person=person),
            status=Pairing.Status.ENDED if i == 0 else Pairing.Status.ACTIVE,
            ended_on=datetime.date(2026, 5, 1) if i == 0 else None,
            outcome=Pairing.Outcome.COMPLETED if i == 0 else "",
        )
        for month, csat in ((JAN, 80), (FEB, 82), (APR, 88), (JUL, 90), (datetime.date(2025, 12, 1), 10)):
            AgentMonthFactory(
                person=person,
                month=month,
                csat=Decimal(csat + i % 5),
                first_response_minutes=Decimal(60 if month < APR else 40),
            )
        mentee_people.append(person)
    comparison_people = []
    for j in range(comparison):
        person = PersonFactory(team=queue, manager=manager, hire_date=datetime.date(2025, 2, 1))
        for month, csat in ((JAN, 80), (MAY, 81), (AUG, 82), (OCT, 10)):
            AgentMonthFactory(person=person, month=month, csat=Decimal(csat + j % 5))
        comparison_people.append(person)
    veteran = PersonFactory(team=queue, manager=manager, hire_date=datetime.date(2019, 1, 7))
    withdrawn = PersonFactory(team=queue, manager=manager, hire_date=datetime.date(2025, 1, 6))
    EnrolmentFactory(cohort=cohort, person=withdrawn, status=Enrolment.Status.WITHDRAWN)
    elsewhere = PersonFactory(team=other, hire_date=datetime.date(2025, 1, 6))
    for person in (veteran, withdrawn, elsewhere):
        for month in (JAN, MAY, AUG):
            AgentMonthFactory(person=person, month=month, csat=Decimal(0))
    return types.SimpleNamespace(
        cohort=cohort,
        queue=queue,
        other=other,
        mentees=mentee_people,
        comparison=comparison_people,
        veteran=veteran,
        withdrawn=withdrawn,
        elsewhere=elsewhere,
    )


def ramp_world(manager):
    """Team "Ramp", January to June 2026: ten veterans (hired 2020) at CSAT 90 every month, so a new
    hire reaches the team median only at 95 (more than half the team at or below) and never at 70.

    Mentored new hires (hired 2026-01-15) reach 95 first in February (1 month), March (2), March (2),
    May (4) and never; the others (hired 2026-01-20, never enrolled) in March (2), June (5), and three
    never. Nobody has tickets figures. A person reaching 95 is back at 70 the month after.
    """
    ramp = Team.objects.create(name="Ramp")
    cohort = CohortFactory(
        name="Ramp cohort",
        state=Cohort.State.ACTIVE,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 7, 31),
    )
    months = (JAN, FEB, MAR, APR, MAY, JUN)

    def history(person, first_at_95):
        for index, month in enumerate(months):
            csat = 95 if first_at_95 is not None and index == first_at_95 else 70
            AgentMonthFactory(person=person, month=month, csat=Decimal(csat), tickets_solved=None)

    for _ in range(10):
        veteran = PersonFactory(team=ramp, manager=manager, hire_date=datetime.date(2020, 3, 2))
        for month in months:
            AgentMonthFactory(person=veteran, month=month, csat=Decimal(90), tickets_solved=None)
    mentored, others = [], []
    for reach in (1, 2, 2, 4, None):
        person = PersonFactory(team=ramp, manager=manager, hire_date=datetime.date(2026, 1, 15))
        PairingFactory(match_run__cohort=cohort, mentee=EnrolmentFactory(cohort=cohort, person=person))
        history(person, reach)
        mentored.append(person)
    for reach in (2, 5, None, None, None):
        person = PersonFactory(team=ramp, manager=manager, hire_date=datetime.date(2026, 1, 20))
        history(person, reach)
        others.append(person)
    return types.SimpleNamespace(team=ramp, cohort=cohort, mentored=mentored, others=others)
