"""`org`: a small fixed organisation whose outcome figures the tests work out by hand."""

import datetime
import types

import pytest

from closeout.models import SurveyResponse
from programmes.models import Enrolment
from tests.factories import (
    CheckInFactory,
    CohortFactory,
    EnrolmentFactory,
    MatchRunFactory,
    PairingFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    TeamFactory,
    person_with_login,
)

D = datetime.date
START = D(2025, 1, 6)  # the cohort's start: 90 days on is 2025-04-06, 180 is 2025-07-05, 365 is 2026-01-06


@pytest.fixture
def org(db):
    a, b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    boss = person_with_login("boss", "Bea Boss", team=TeamFactory(name="Leads"), hire_date=D(2018, 1, 1))
    programme = ProgrammeFactory(name="Org mentoring", retention_target=80, satisfaction_target=4.2)
    cohort = CohortFactory(programme=programme, name="Winter 2025", starts_on=START, ends_on=D(2025, 6, 30))
    run = MatchRunFactory(cohort=cohort)

    def person(team=a, **kwargs):
        return PersonFactory(team=team, manager=boss if team == a else None, **kwargs)

    # Mentees hired 2024-10-01: one left before day 90, one between day 180 and day 365.
    mentees = [person(hire_date=D(2024, 10, 1)) for _ in range(6)]
    mentees[0].leave_date = D(2025, 3, 1)
    mentees[1].leave_date = D(2025, 9, 1)
    for p in mentees[:2]:
        p.save()
    mentors = [person(hire_date=D(2020, 1, 6)) for _ in range(5)]
    mentor_enrolments = [
        EnrolmentFactory(cohort=cohort, person=p, role=Enrolment.Role.MENTOR, capacity=2) for p in mentors
    ]
    pairings = []
    for i, mentee in enumerate(mentees):
        pairings.append(
            PairingFactory(
                match_run=run,
                mentor=mentor_enrolments[i % 5],
                mentee=EnrolmentFactory(cohort=cohort, person=mentee),
                started_on=D(2025, 1, 13),
            )
        )
    # The mentees' comparison group: never enrolled, team A, hired within 180 days, employed on START.
    compared = [person(hire_date=D(2024, 9, 1)) for _ in range(5)]
    compared[0].leave_date = D(2025, 2, 1)
    compared[1].leave_date = D(2025, 5, 1)
    for p in compared[:2]:
        p.save()
    outside = types.SimpleNamespace(
        hired_long_before=person(hire_date=D(2023, 1, 1)),
        left_before_start=person(hire_date=D(2024, 10, 1), leave_date=D(2024, 12, 1)),
        hired_after_start=person(hire_date=D(2025, 1, 20)),
        other_team=person(team=b, hire_date=D(2024, 10, 1)),
        declined=person(hire_date=D(2024, 10, 1)),
    )
    EnrolmentFactory(person=outside.declined, status=Enrolment.Status.DECLINED)
    # The mentors' comparison group: three (too few to show).
    mentor_compared = [person(hire_date=D(2020, 3, 1)) for _ in range(3)]
    return types.SimpleNamespace(
        teams=(a, b),
        boss=boss,
        programme=programme,
        cohort=cohort,
        run=run,
        mentees=mentees,
        mentors=mentors,
        pairings=pairings,
        compared=compared,
        mentor_compared=mentor_compared,
        outside=outside,
        today=D(2026, 11, 2),
    )


@pytest.fixture
def answers(org):
    """Pulse answers, session ratings and survey answers with hand-worked averages."""
    for pairing, score in zip(org.pairings, (5, 4, 4, 3, 4, 5), strict=True):
        CheckInFactory(pairing=pairing, person=pairing.mentee.person, satisfaction=score, period_key="0")
    for pairing in org.pairings[:4]:  # four mentors answer: too few to show
        CheckInFactory(pairing=pairing, person=pairing.mentor.person, satisfaction=3, period_key="0")
    for pairing in org.pairings[:5]:
        SessionFactory(
            pairing=pairing,
            held_on=D(2025, 2, 3),
            logged_by=pairing.mentee.person,
            rating=4,
            partner_rating=5,
        )
    for mentee, satisfaction, recommend in zip(
        org.mentees, (5, 5, 4, 4, 3, 2), (10, 9, 8, 7, 6, 0), strict=True
    ):
        SurveyResponse.objects.create(
            cohort=org.cohort, person=mentee, role="mentee", satisfaction=satisfaction, recommend=recommend
        )
    return org
