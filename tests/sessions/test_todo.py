"""A member's steps in their pairs, for the home page (sessions/todo.py). The world's `today` is
Monday 2 November 2026; both pairs started on 8 September with a 28-day pulse, so the pulse's
period 1 runs from 6 October to today."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from sessions import todo
from sessions.models import ActionItem, CheckIn, Goal, ScheduledSession
from tests.factories import CheckInFactory, GoalFactory, PairingFactory, SessionFactory


@pytest.fixture
def now(today, time_machine):
    moment = datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    return moment


def _plan(pairing, starts_at, **kwargs):
    return ScheduledSession.objects.create(
        pairing=pairing, starts_at=starts_at, created_by=pairing.mentor.person, **kwargs
    )


def _fresh(person):
    # Each call reads again: the provider keeps what it read on the person object.
    person.refresh_from_db()
    for name in ("_todo_kept", "_enrolments_of"):
        person.__dict__.pop(name, None)
    return person


def test_a_mentor_sees_each_kind_of_step_and_only_their_own(world, now, today, django_assert_num_queries):
    pair, other_pair = world.pair, world.pair2
    soon = _plan(pair, now + datetime.timedelta(days=3), duration_minutes=30)
    _plan(pair, now + datetime.timedelta(days=8))  # beyond the week
    _plan(pair, now + datetime.timedelta(days=1), cancelled_at=now)
    _plan(pair, now - datetime.timedelta(hours=2))  # already begun
    _plan(other_pair, now + datetime.timedelta(days=2))  # not Omar's pair
    by_ada = SessionFactory(pairing=pair, held_on=datetime.date(2026, 10, 28), logged_by=world.mentee)
    SessionFactory(
        pairing=pair, held_on=datetime.date(2026, 10, 14), logged_by=world.mentee, confirmed_at=now
    )
    SessionFactory(pairing=pair, held_on=datetime.date(2026, 10, 21), logged_by=world.mentor)
    late = ActionItem.objects.create(
        pairing=pair,
        description="Share the refund macro",
        owner=world.mentor,
        due_on=datetime.date(2026, 10, 30),
    )
    ActionItem.objects.create(pairing=pair, description="Done already", owner=world.mentor, done_at=now)
    ActionItem.objects.create(pairing=pair, description="Ada's own", owner=world.mentee)
    near = GoalFactory(pairing=pair, due_on=datetime.date(2026, 11, 10))
    overdue = GoalFactory(pairing=pair, due_on=datetime.date(2026, 10, 1), status=Goal.Status.AT_RISK)
    GoalFactory(pairing=pair, due_on=datetime.date(2026, 11, 17))  # 15 days away
    GoalFactory(pairing=pair, due_on=datetime.date(2026, 10, 1), status=Goal.Status.ACHIEVED)
    GoalFactory(pairing=other_pair, due_on=datetime.date(2026, 11, 5))

    mentor = _fresh(world.mentor)
    with django_assert_num_queries(7):
        items = todo.todo_for(mentor, today=today)

    by_kind = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    assert sorted(by_kind) == ["action-item", "goal-due", "pulse", "session-confirm", "session-upcoming"]
    [upcoming] = by_kind["session-upcoming"]
    assert upcoming.due == datetime.date(2026, 11, 5) and upcoming.pairing_id == pair.pk
    assert upcoming.title == "Session with Ada Mentee"
    assert upcoming.links == (
        ("Add to my calendar", reverse("mentoring_sessions:session-ics", args=[pair.pk, soon.pk])),
    )
    [confirm] = by_kind["session-confirm"]
    assert confirm.url == reverse("mentoring_sessions:session-detail", args=[pair.pk, by_ada.pk])
    [action] = by_kind["action-item"]
    assert action.title == late.description and action.is_overdue(today)
    assert [g.url for g in by_kind["goal-due"]] == [
        reverse("mentoring_sessions:goal-detail", args=[pair.pk, goal.pk]) for goal in (overdue, near)
    ]
    [pulse] = by_kind["pulse"]
    # Period 1: 8 Sep + 28 days = 6 Oct, to 6 Oct + 27 days = 2 Nov.
    assert pulse.due == datetime.date(2026, 11, 2)
    assert pulse.url == reverse("mentoring_sessions:checkin-create", args=[pair.pk])


def test_the_pulse_is_asked_once_per_period_and_not_in_the_first(world, now, today):
    CheckInFactory(pairing=world.pair, person=world.mentee, period_key="1")
    CheckInFactory(pairing=world.pair, person=world.mentor, period_key="0")  # an older period
    assert [i.kind for i in todo.todo_for(_fresh(world.mentee), today=today)] == []
    assert [i.kind for i in todo.todo_for(_fresh(world.mentor), today=today)] == ["pulse"]
    Pairing.objects.filter(pk=world.pair.pk).update(started_on=today - datetime.timedelta(days=27))
    assert todo.todo_for(_fresh(world.mentor), today=today) == []


def test_a_person_without_a_running_pair_costs_two_queries(world, now, today, django_assert_num_queries):
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=today, outcome=Pairing.Outcome.COMPLETED
    )
    mentor, outsider = _fresh(world.mentor), _fresh(world.outsider)
    with django_assert_num_queries(2):
        assert todo.todo_for(mentor, today=today) == []
    with django_assert_num_queries(1):
        assert todo.todo_for(outsider, today=today) == []


def test_a_closed_cohort_asks_nothing_and_a_concluding_one_no_pulse(world, now, today):
    cohort = world.cohort
    cohort.state = cohort.State.CONCLUDING
    cohort.save()
    ActionItem.objects.create(pairing=world.pair, description="Write up", owner=world.mentee)
    assert [i.kind for i in todo.todo_for(_fresh(world.mentee), today=today)] == ["action-item"]
    cohort.state = cohort.State.CLOSED
    cohort.save()
    assert todo.todo_for(_fresh(world.mentee), today=today) == []


def test_query_count_does_not_grow_with_a_mentors_pairs_and_steps(
    world, now, today, django_assert_num_queries
):
    for n in range(4):
        extra = PairingFactory(match_run=world.run, mentor=world.pair.mentor)
        _plan(extra, now + datetime.timedelta(days=1 + n))
        SessionFactory(pairing=extra, logged_by=extra.mentee.person)
        ActionItem.objects.create(pairing=extra, description=f"Step {n}", owner=world.mentor)
        GoalFactory(pairing=extra, due_on=today)
    mentor = _fresh(world.mentor)
    with django_assert_num_queries(7):
        items = todo.todo_for(mentor, today=today)
    assert len(items) == 4 * 4 + 5  # four steps in each new pair, a pulse in each of the five
    assert CheckIn.objects.count() == 0


def test_pair_summaries_carry_the_next_and_last_session(world, now, today):
    _plan(world.pair, now + datetime.timedelta(days=9))
    SessionFactory(pairing=world.pair, held_on=datetime.date(2026, 10, 20))
    [summary] = todo.pairs_of(_fresh(world.mentee), today=today)
    assert summary.partner_name == "Omar Mentor" and not summary.i_am_mentor
    assert summary.partner_initials == "OM"
    assert summary.next_session_at == now + datetime.timedelta(days=9)
    assert summary.last_session_on == datetime.date(2026, 10, 20)
    assert timezone.is_aware(summary.next_session_at)


def test_sessions_to_confirm_are_one_step_per_pair_opening_the_oldest(world, now, today):
    held = [datetime.date(2026, 10, 20), datetime.date(2026, 9, 29), datetime.date(2026, 10, 27)]
    sessions = [SessionFactory(pairing=world.pair, held_on=day, logged_by=world.mentee) for day in held]
    [step] = [i for i in todo.todo_for(_fresh(world.mentor), today=today) if i.kind == "session-confirm"]
    assert step.title == "Confirm and rate 3 sessions with Ada Mentee"
    assert step.detail == "Logged by Ada Mentee, the first for 29 Sep"
    assert step.url == reverse("mentoring_sessions:session-detail", args=[world.pair.pk, sessions[1].pk])
    assert [i.kind for i in todo.todo_for(_fresh(world.mentee), today=today)] == ["pulse"]


def test_a_kept_list_costs_two_queries_and_any_write_to_the_pair_shows_at_once(
    world, now, today, django_assert_num_queries
):
    first = todo.todo_for(_fresh(world.mentor), today=today)
    mentor = _fresh(world.mentor)
    with django_assert_num_queries(2):  # the person's enrolments, their running pairings
        assert todo.todo_for(mentor, today=today) == first
    ActionItem.objects.create(pairing=world.pair, description="Send the macro", owner=world.mentor)
    assert sorted(i.kind for i in todo.todo_for(_fresh(world.mentor), today=today)) == [
        "action-item",
        "pulse",
    ]
    # Without a cache shared by every process nothing is kept.
    from django.test import override_settings

    with override_settings(PAIRING_FRAGMENT_SECONDS=0):
        mentor = _fresh(world.mentor)
        with django_assert_num_queries(6):
            assert len(todo.todo_for(mentor, today=today)) == 2
