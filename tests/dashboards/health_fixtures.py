"""A small, fixed data set for the programme-health table, with every figure worked out by hand.

Today is 2 November 2026 (the `world` fixture's day). The world's cohort ("Autumn 2026") meets
every 14 days, so a pair is overdue when it last met (or, never having met, started) before
19 October. A second programme's cohort ("Leaders 2026") meets every 30 days: overdue before
3 October.

| pair          | cohort   | sessions (last)   | cadence | latest pulse | open flags | goals | status    |
| ------------- | -------- | ----------------- | ------- | ------------ | ---------- | ----- | --------- |
| Omar → Ada    | Autumn   | 2 (25 Oct)        | kept    | 5 (Omar)     | 1 (Ada's)  | 1/2   | active    |
| Lin → Bo      | Autumn   | 0                 | missed  | —            | 0          | 0/0   | active    |
| Kai → Cy      | Leaders  | 1 (3 Oct)         | kept    | 2 (Cy)       | 0 (resolved)| 0/1  | active    |
| Dee → Eve     | Leaders  | 3 (1 Aug)         | —       | 1 (Eve)      | — (ended)  | 2/2   | completed |

- Ada: answered 4 on 1 Oct, then 2 with "meeting_regularly=False" on 20 Oct (flagged, open);
  Omar answered 5 on 25 Oct (the pair's newest answer). Goals: achieved, on track, dropped.
- Kai → Cy met exactly on 3 October: the last day that keeps a 30-day cadence on 2 November (with
  the world's 14 days it would be missed). Cy answered 1 on 10 Oct (flagged), then 2 with a blocker
  on 28 Oct (flagged), which an admin resolved: no open flag. Kai: an old flagged answer (1 Oct)
  replaced by a 4 on 5 Oct. One goal, at risk.
- Dee → Eve completed on 30 Sep; Eve's answer (1, flagged) is not an open flag of an ended pair.
"""

import datetime
import types

from django.utils import timezone

from matching.models import Pairing
from people.models import Team
from programmes.models import Cohort, Enrolment
from sessions.models import FlagResolution, Goal
from tests.factories import (
    CheckInFactory,
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    PairingFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
)

TODAY = datetime.date(2026, 11, 2)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def pair_in(cohort, run, mentor_name: str, mentee_name: str, *, team=None, **kwargs) -> Pairing:
    return PairingFactory(
        match_run=run,
        mentor=EnrolmentFactory(
            cohort=cohort,
            person=PersonFactory(full_name=mentor_name, **({"team": team} if team else {})),
            role=Enrolment.Role.MENTOR,
        ),
        mentee=EnrolmentFactory(cohort=cohort, person=PersonFactory(full_name=mentee_name)),
        **kwargs,
    )


def build_health(world):
    """The table above, on top of the named world (its two pairs are the first two rows)."""
    d = datetime.date
    pair, pair2 = world.pair, world.pair2
    SessionFactory(pairing=pair, held_on=d(2026, 9, 15))
    SessionFactory(pairing=pair, held_on=d(2026, 10, 25))
    CheckInFactory(pairing=pair, person=world.mentee, satisfaction=4, created_at=at(d(2026, 10, 1)))
    ada_flag = CheckInFactory(
        pairing=pair,
        person=world.mentee,
        satisfaction=2,
        meeting_regularly=False,
        created_at=at(d(2026, 10, 20)),
    )
    CheckInFactory(pairing=pair, person=world.mentor, satisfaction=5, created_at=at(d(2026, 10, 25)))
    GoalFactory(pairing=pair, status=Goal.Status.ACHIEVED)
    GoalFactory(pairing=pair, status=Goal.Status.ON_TRACK)
    GoalFactory(pairing=pair, status=Goal.Status.DROPPED)

    leaders = CohortFactory(
        programme=ProgrammeFactory(name="Team leads"),
        name="Leaders 2026",
        state=Cohort.State.ACTIVE,
        cadence_days=30,
    )
    run = MatchRunFactory(cohort=leaders, created_by=world.admin, published_by=world.admin)
    escalations = Team.objects.create(name="Escalations")
    pair3 = pair_in(leaders, run, "Kai Mentor", "Cy Mentee", team=escalations)
    SessionFactory(pairing=pair3, held_on=d(2026, 10, 3))
    CheckInFactory(pairing=pair3, person=pair3.mentee.person, satisfaction=1, created_at=at(d(2026, 10, 10)))
    cy_flag = CheckInFactory(
        pairing=pair3,
        person=pair3.mentee.person,
        satisfaction=2,
        blockers="Shifts",
        created_at=at(d(2026, 10, 28)),
    )
    FlagResolution.objects.create(checkin=cy_flag, resolved_by=world.admin, note="Moved Cy's shift")
    CheckInFactory(pairing=pair3, person=pair3.mentor.person, satisfaction=1, created_at=at(d(2026, 10, 1)))
    CheckInFactory(pairing=pair3, person=pair3.mentor.person, satisfaction=4, created_at=at(d(2026, 10, 5)))
    GoalFactory(pairing=pair3, status=Goal.Status.AT_RISK)

    pair4 = pair_in(
        leaders,
        run,
        "Dee Mentor",
        "Eve Mentee",
        status=Pairing.Status.ENDED,
        ended_on=d(2026, 9, 30),
        outcome=Pairing.Outcome.COMPLETED,
    )
    for day in (d(2026, 7, 1), d(2026, 7, 15), d(2026, 8, 1)):
        SessionFactory(pairing=pair4, held_on=day)
    CheckInFactory(pairing=pair4, person=pair4.mentee.person, satisfaction=1, created_at=at(d(2026, 9, 20)))
    GoalFactory(pairing=pair4, status=Goal.Status.ACHIEVED)
    GoalFactory(pairing=pair4, status=Goal.Status.ACHIEVED)
    return types.SimpleNamespace(
        pair=pair,
        pair2=pair2,
        pair3=pair3,
        pair4=pair4,
        leaders=leaders,
        escalations=escalations,
        ada_flag=ada_flag,
        cy_flag=cy_flag,
    )


# What the table says of each pair, by mentee: worked out by hand from the data above.
EXPECTED = {
    "Ada Mentee": {
        "mentor_name": "Omar Mentor",
        "cohort_name": "Autumn 2026",
        "last_session_on": datetime.date(2026, 10, 25),
        "session_count": 2,
        "cadence_kept": True,
        "latest_pulse": 5,
        "open_flags": 1,
        "goals_achieved": 1,
        "goals_total": 2,
        "health_status": "active",
    },
    "Bo Mentee": {
        "mentor_name": "Lin Mentor",
        "cohort_name": "Autumn 2026",
        "last_session_on": None,
        "session_count": 0,
        "cadence_kept": False,
        "latest_pulse": None,
        "open_flags": 0,
        "goals_achieved": 0,
        "goals_total": 0,
        "health_status": "active",
    },
    "Cy Mentee": {
        "mentor_name": "Kai Mentor",
        "cohort_name": "Leaders 2026",
        "last_session_on": datetime.date(2026, 10, 3),
        "session_count": 1,
        "cadence_kept": True,
        "latest_pulse": 2,
        "open_flags": 0,
        "goals_achieved": 0,
        "goals_total": 1,
        "health_status": "active",
    },
    "Eve Mentee": {
        "mentor_name": "Dee Mentor",
        "cohort_name": "Leaders 2026",
        "last_session_on": datetime.date(2026, 8, 1),
        "session_count": 3,
        "cadence_kept": None,
        "latest_pulse": 1,
        "open_flags": None,
        "goals_achieved": 2,
        "goals_total": 2,
        "health_status": "completed",
    },
}
