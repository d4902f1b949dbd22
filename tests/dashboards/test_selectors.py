import datetime

import pytest
from django.http import QueryDict

from dashboards.filters import scope_for
from dashboards.privacy import wilson
from dashboards.selectors import engagement, goals, outcomes, retention
from people.models import Tag
from programmes.models import Cohort
from sessions.models import CheckIn, Goal
from tests.factories import CheckInFactory, GoalFactory, PairingFactory, SessionFactory

D = datetime.date


def _scope(user, query=""):
    return scope_for(user, QueryDict(query))[0]


def _groups(data):
    return {(g.role, g.compared): g for g in data.groups}


def test_retention_at_90_180_365_days_by_hand(org, admin_user):
    data = retention(_scope(admin_user), today=org.today)
    groups = _groups(data)
    mentees, compared = groups[("mentee", False)], groups[("mentee", True)]
    # Six mentees: one left on day 54, one on day 238.
    assert [(mentees.at[d].numerator, mentees.at[d].denominator) for d in (90, 180, 365)] == [
        (5, 6),
        (5, 6),
        (4, 6),
    ]
    assert mentees.at[365].percent == 67
    # Wilson 95 % for 4 of 6: 30.0 % to 90.3 %.
    assert mentees.at[365].interval == (29, 91) == wilson(4, 6)
    # Five comparable non-participants: one left on day 26, one on day 115.
    assert [(compared.at[d].numerator, compared.at[d].denominator) for d in (90, 180, 365)] == [
        (4, 5),
        (3, 5),
        (3, 5),
    ]
    assert groups[("mentor", False)].at[365].percent == 100
    assert not groups[("mentor", True)].at[90].shown  # three people
    assert data.target is None  # no programme chosen


def test_people_whose_day_has_not_come_are_not_counted(org, admin_user):
    # 200 days after the start: day 90 and day 180 have come, day 365 has not.
    data = retention(_scope(admin_user), today=D(2025, 7, 25))
    mentees = _groups(data)[("mentee", False)]
    assert mentees.at[180].denominator == 6
    assert mentees.at[365].denominator == 0 and not mentees.at[365].shown


def test_date_range_follows_people_who_joined_in_it(org, admin_user):
    data = retention(_scope(admin_user, "start=2025-02-01&end=2025-12-31"), today=org.today)
    assert all(g.people == 0 for g in data.groups)
    data = retention(_scope(admin_user, f"programme={org.programme.pk}&start=2025-01-01"), today=org.today)
    assert _groups(data)[("mentee", False)].people == 6 and data.target == 80


def test_manager_sees_their_teams_only(org, world):
    # The world's manager manages neither team A nor team B.
    data = retention(_scope(world.manager.user), today=org.today)
    assert _groups(data)[("mentee", False)].people == 2  # mentee and mentee2 of the world
    boss = retention(_scope(org.boss.user), today=org.today)
    assert _groups(boss)[("mentee", False)].people == 6


def test_manager_cannot_pick_another_managers_team(org, world):
    scope, form = scope_for(org.boss.user, QueryDict(f"team={world.teams[0].pk}"))
    assert "team" in form.errors and scope.team is None
    assert scope_for(org.boss.user, QueryDict(f"team={org.teams[0].pk}"))[0].team == org.teams[0]


@pytest.mark.parametrize(
    "query",
    [
        "cohort=abc",
        "team=99999999999999999999999",
        "start=2025-13-40",
        "start=2026-01-01&end=2025-01-01",
        "programme=-1",
    ],
)
def test_bad_filter_values_are_dropped_with_a_message(org, admin_user, query):
    scope, form = scope_for(admin_user, QueryDict(query))
    assert form.errors
    outcomes(scope, today=org.today)  # still works


def test_cohort_from_another_programme_is_refused(org, world, admin_user):
    scope, form = scope_for(admin_user, QueryDict(f"programme={org.programme.pk}&cohort={world.cohort.pk}"))
    assert "cohort" in form.errors and scope.cohort is None


def test_satisfaction_by_hand(answers, admin_user):
    data = outcomes(_scope(admin_user), today=answers.today).satisfaction
    # Pulse: mentees 5, 4, 4, 3, 4, 5 -> 25 / 6 = 4.17 -> 4.2; four mentors: too few.
    assert data.pulse["mentee"].value == 4.2 and data.pulse["mentee"].people == 6
    assert not data.pulse["mentor"].shown
    # Ratings: five mentees rated 4, their five mentors 5 (as the other side).
    assert data.ratings["mentee"].value == 4.0 and data.ratings["mentor"].value == 5.0
    # Survey: 5, 5, 4, 4, 3, 2 -> 3.83 -> 3.8; NPS: promoters 2 (10, 9), detractors 2 (6, 0) of 6 -> 0.
    assert data.survey["mentee"].value == 3.8
    assert data.nps["mentee"].value == 0 and str(data.nps["mentee"]) == "0"
    month = dict(data.pulse_months)
    assert all(not cells["mentee"].shown for cells in month.values())  # answered in another month


def test_session_ratings_count_each_side_where_its_person_is_in_scope(answers, admin_user):
    # The mentors move to team B, which the boss does not manage; one mentor logs a session too
    # (rating 3, their mentee's 2).
    for mentor in answers.mentors:
        mentor.team, mentor.manager = answers.teams[1], None
        mentor.save()
    SessionFactory(
        pairing=answers.pairings[0],
        held_on=D(2025, 2, 10),
        logged_by=answers.pairings[0].mentor.person,
        rating=3,
        partner_rating=2,
    )
    everyone = outcomes(_scope(admin_user), today=answers.today).satisfaction.ratings
    # Mentees: 4 x 5 (own) + 2 (partner) = 22 from 6 ratings by 5 people; mentors 5 x 5 + 3 = 28.
    assert everyone["mentee"].raw == 22 / 6 and everyone["mentee"].people == 5
    assert everyone["mentor"].raw == 28 / 6 and everyone["mentor"].people == 5
    # The boss manages team A: the mentees' side only.
    boss = outcomes(_scope(answers.boss.user), today=answers.today).satisfaction.ratings
    assert boss["mentee"].raw == 22 / 6 and boss["mentee"].people == 5
    assert boss["mentor"].raw is None and boss["mentor"].people == 0
    team_b = outcomes(_scope(admin_user, f"team={answers.teams[1].pk}"), today=answers.today)
    assert team_b.satisfaction.ratings["mentor"].raw == 28 / 6
    assert team_b.satisfaction.ratings["mentee"].people == 0


def test_a_reanswered_pulse_does_not_move_the_shown_average(answers, admin_user):
    scope = _scope(admin_user)
    assert outcomes(scope, today=answers.today).satisfaction.pulse["mentee"].value == 4.2
    # One mentee changes 5 to 1: the true average is now 3.5, the group is the same six people.
    checkin = CheckIn.objects.get(person=answers.mentees[5])
    checkin.satisfaction = 1
    checkin.save()
    assert outcomes(scope, today=answers.today).satisfaction.pulse["mentee"].value == 4.2
    # Nor does a view never opened before that selects the same answers (a filter that changes
    # nothing): the same answers show the same figure.
    other = _scope(admin_user, f"programme={answers.programme.pk}&start=2020-01-01")
    assert outcomes(other, today=answers.today).satisfaction.pulse["mentee"].value == 4.2
    # Four more people answer (ten: the next size band): the figure is worked out again.
    for pairing in answers.pairings[:4]:
        extra = PairingFactory(match_run=answers.run, mentor=pairing.mentor, started_on=D(2025, 1, 13))
        extra.mentee.person.team = answers.teams[0]
        extra.mentee.person.save()
        CheckInFactory(pairing=extra, person=extra.mentee.person, satisfaction=1)
    # (5 + 4 + 4 + 3 + 4 + 1 + 1 + 1 + 1 + 1) / 10 = 2.5
    assert outcomes(scope, today=answers.today).satisfaction.pulse["mentee"].value == 2.5


def test_engagement_by_hand(answers, admin_user):
    # On 2025-02-20: five pairs met on 2025-02-03 (cadence 14: due 02-17, late until 03-03), one never.
    data = engagement(_scope(admin_user, f"cohort={answers.cohort.pk}"), today=D(2025, 2, 20))
    assert data.active_pairings == 6
    assert data.since_last == {"within": 0, "late": 5, "quiet": 0, "never": 1}
    assert data.cadence_kept.numerator == 0
    february = next(m for m in data.months if m.month == D(2025, 2, 1))
    assert (february.sessions, february.pairings, february.per_pairing) == (5, 6, 0.8)
    # Five mentors, places 2 each, six mentees taken: 60 %; one mentor has two.
    assert (data.mentors, data.capacity, data.mentees_taken, data.load) == (5, 10, 6, 60)
    assert data.mentors_full.numerator == 1


def test_goals_by_area_by_hand(org, admin_user):
    billing = Tag.objects.create(name="Billing disputes")
    today = org.today
    statuses = [
        (Goal.Status.ACHIEVED, today),
        (Goal.Status.ACHIEVED, today),
        (Goal.Status.ON_TRACK, today + datetime.timedelta(days=10)),
        (Goal.Status.ON_TRACK, today - datetime.timedelta(days=1)),  # overdue
        (Goal.Status.DROPPED, today),
    ]
    for pairing, (status, due) in zip(org.pairings, statuses, strict=False):
        pairing.mentee.goal_areas.add(billing)
        GoalFactory(pairing=pairing, status=status, due_on=due)
    GoalFactory(pairing=org.pairings[5], due_on=today)  # no area: one pairing, too few
    rows = {a.name: a for a in goals(_scope(admin_user), today=today)}
    assert rows["Billing disputes"].counts == {
        "set": 5,
        "on_track": 1,
        "at_risk": 0,
        "achieved": 2,
        "overdue": 1,
        "dropped": 1,
    }
    assert rows["Billing disputes"].shown and not rows["No area given"].shown
    # Every goal once: the five with an area and the sixth (on track, due today) without one.
    expected = {"set": 6, "on_track": 2, "at_risk": 0, "achieved": 2, "overdue": 1, "dropped": 1}
    assert rows["All goal areas"].counts == expected and rows["All goal areas"].pairings == 6


def test_a_cohort_filter_narrows_activity(answers, world, admin_user):
    SessionFactory(pairing=world.pair, held_on=D(2026, 9, 15))
    scope = _scope(admin_user, f"cohort={world.cohort.pk}")
    data = engagement(scope, today=answers.today)
    assert data.active_pairings == 2
    assert Cohort.objects.count() >= 2


def test_satisfaction_of_nobody_is_empty_not_an_error(answers):
    from dashboards.filters import Scope
    from dashboards.privacy import Publisher
    from dashboards.selectors import satisfaction
    from people.models import Team

    nobody = Scope(teams=Team.objects.none(), team_key="teams:")
    data = satisfaction(nobody, Publisher(nobody.key()), today=answers.today)
    for role in ("mentee", "mentor"):
        assert data.pulse[role].people == 0 and data.ratings[role].people == 0
    assert data.ratings["mentee"].answers == "0:0:0:0"
