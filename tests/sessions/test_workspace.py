"""The pairing workspace and the list of one's pairings: content, privacy, access and query counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from sessions import checkins
from sessions.models import ActionItem, GoalUpdate, ScheduledSession, SessionPrivateNote
from tests.conftest import login
from tests.factories import CheckInFactory, GoalFactory, PairingFactory, SessionFactory

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def page(client, world, user=None):
    login(client, user or world.mentee.user)
    return client.get(world.pair.get_absolute_url())


def test_mentee_sees_mentor_and_why_they_were_paired(client, world):
    response = page(client, world)
    assert response.status_code == 200
    assert "Your mentor: Omar Mentor" in response.text
    assert "Both prefer written communication" in response.text


def test_workspace_shows_next_session_open_actions_and_goal_progress(client, frozen):
    world = frozen
    ScheduledSession.objects.create(
        pairing=world.pair,
        starts_at=NOW + datetime.timedelta(days=3),
        agenda="Refund macros",
        created_by=world.mentor,
    )
    ScheduledSession.objects.create(
        pairing=world.pair,
        starts_at=NOW + datetime.timedelta(days=1),
        created_by=world.mentor,
        cancelled_at=NOW,
        agenda="CANCELLED ONE",
    )
    ActionItem.objects.create(pairing=world.pair, description="Read the refund macro", owner=world.mentee)
    ActionItem.objects.create(pairing=world.pair, description="DONE ITEM", owner=world.mentee, done_at=NOW)
    goal = GoalFactory(pairing=world.pair, baseline=80, target=90)
    GoalUpdate.objects.create(
        goal=goal, value=84, created_by=world.mentee, created_at=NOW - datetime.timedelta(days=9)
    )
    GoalUpdate.objects.create(goal=goal, value=85, created_by=world.mentee)
    response = page(client, world)
    assert "Refund macros" in response.text and "CANCELLED ONE" not in response.text
    assert "Read the refund macro" in response.text and "DONE ITEM" not in response.text
    assert "now 85" in response.text and 'aria-valuenow="50"' in response.text


def test_timeline_merges_sessions_goal_updates_and_my_check_ins_newest_first(client, frozen):
    world = frozen
    SessionFactory(pairing=world.pair, held_on=datetime.date(2026, 10, 1), notes="OLD SESSION")
    goal = GoalFactory(pairing=world.pair)
    GoalUpdate.objects.create(
        goal=goal,
        value=85,
        note="MIDDLE UPDATE",
        created_by=world.mentee,
        created_at=datetime.datetime(2026, 10, 15, tzinfo=datetime.UTC),
    )
    CheckInFactory(pairing=world.pair, person=world.mentee, blockers="MY BLOCKER")
    CheckInFactory(pairing=world.pair, person=world.mentor, blockers="MENTORS BLOCKER")
    text = page(client, world).text
    assert text.index("MY BLOCKER") < text.index("MIDDLE UPDATE") < text.index("OLD SESSION")
    assert "MENTORS BLOCKER" not in text


def test_timeline_is_capped_with_show_more(client, frozen):
    for i in range(35):
        SessionFactory(pairing=frozen.pair, held_on=datetime.date(2026, 9, 9) + datetime.timedelta(days=i))
    response = page(client, frozen)
    assert response.text.count("· Session ·") == 30 and "?timeline=60" in response.text
    response = client.get(frozen.pair.get_absolute_url() + "?timeline=60")
    assert response.text.count("· Session ·") == 35 and "Show more" not in response.text


def test_private_notes_never_appear_on_the_workspace(client, world):
    session = SessionFactory(pairing=world.pair)
    SessionPrivateNote.objects.create(session=session, author=world.mentee, text="MENTEE PRIVATE")
    SessionPrivateNote.objects.create(session=session, author=world.mentor, text="MENTOR PRIVATE")
    for user in (world.mentee.user, world.mentor.user):
        text = page(client, world, user).text
        assert "PRIVATE" not in text


def test_links_to_pages_not_built_yet_are_left_out(client, world):
    text = page(client, world).text
    # session-create and goal-create exist; session-schedule and goal-detail appear once they do.
    assert reverse("mentoring_sessions:checkin-create", args=[world.pair.pk]) in text
    assert reverse("mentoring_sessions:pairing-export", args=[world.pair.pk]) in text


@pytest.mark.parametrize(
    "name",
    ["pairing-detail", "pairing-export", "checkin-create"],
)
def test_another_pairs_mentee_gets_404_on_every_url_of_this_pairing(client, world, name):
    login(client, world.mentee2.user)
    assert client.get(reverse(f"mentoring_sessions:{name}", args=[world.pair.pk])).status_code == 404


def test_another_pairs_mentee_gets_404_on_this_pairs_pulse_link(client, world):
    token = checkins.pulse_token(pairing_id=world.pair.pk, person_id=world.mentee2.pk, period=1)
    login(client, world.mentee2.user)
    assert client.get(reverse("mentoring_sessions:checkin-answer", args=[token])).status_code == 404


# --- the list of one's pairings --------------------------------------------------------------------


def test_mentor_with_several_mentees_gets_a_list(client, world):
    PairingFactory(match_run=world.run, mentor=world.pair.mentor)
    login(client, world.mentor.user)
    response = client.get(reverse("mentoring_sessions:pairing-list"))
    assert response.status_code == 200
    assert "Mentoring Ada Mentee" in response.text


def test_single_pairing_list_goes_straight_to_the_workspace(client, world):
    login(client, world.mentee.user)
    response = client.get(reverse("mentoring_sessions:pairing-list"))
    assert response.status_code == 302 and response.url == world.pair.get_absolute_url()


def test_list_shows_what_needs_doing_per_pairing(client, frozen):
    world = frozen
    quiet = world.pair  # started 2026-09-08, never met: overdue
    busy = PairingFactory(match_run=world.run, mentor=world.pair.mentor)
    SessionFactory(pairing=busy, held_on=datetime.date(2026, 10, 30))  # unconfirmed
    ActionItem.objects.create(pairing=busy, description="x", owner=world.mentor)
    CheckInFactory(pairing=quiet, person=world.mentor, satisfaction=1)
    login(client, world.mentor.user)
    text = client.get(reverse("mentoring_sessions:pairing-list")).text
    assert text.count("Overdue for a session") == 1
    assert "1 open action item" in text and "1 unconfirmed session" in text
    assert "Your last check-in flagged a concern" in text


def _fill(pairing, n):
    for i in range(n):
        session = SessionFactory(
            pairing=pairing, held_on=datetime.date(2026, 9, 9) + datetime.timedelta(days=i % 50)
        )
        SessionPrivateNote.objects.create(session=session, author=pairing.mentee.person, text="private")
        ActionItem.objects.create(
            pairing=pairing, session=session, description="Do it", owner=pairing.mentee.person
        )
        ScheduledSession.objects.create(
            pairing=pairing, starts_at=NOW + datetime.timedelta(days=i + 1), created_by=pairing.mentor.person
        )
        CheckInFactory(pairing=pairing, person=pairing.mentee.person, period_key=str(i))
    for _ in range(max(1, n // 4)):
        goal = GoalFactory(pairing=pairing)
        GoalUpdate.objects.create(goal=goal, value=85, created_by=pairing.mentee.person)


# user (with person and roles), pairing; stats, next session, open actions, goals, timeline
# sessions, goal updates, check-ins, the mentee's KPI months, the agreement, the resources shared;
# the latest messages
WORKSPACE_QUERIES = 13


@pytest.mark.parametrize("size", [2, 200])
def test_workspace_query_count_does_not_grow_with_history(client, frozen, django_assert_num_queries, size):
    _fill(frozen.pair, size)
    login(client, frozen.mentee.user)
    with django_assert_num_queries(WORKSPACE_QUERIES):
        assert client.get(frozen.pair.get_absolute_url()).status_code == 200


# user (with person and roles), the person's enrolment ids, their pairings (what a kept list is
# checked against), the page of them with what needs doing in each (the first look, not kept yet)
PAIRING_LIST_QUERIES = 4


@pytest.mark.parametrize("size", [2, 12])
def test_pairing_list_query_count_does_not_grow_with_pairings(
    client, frozen, django_assert_num_queries, size
):
    for _ in range(size):
        _fill(PairingFactory(match_run=frozen.run, mentor=frozen.pair.mentor), 3)
    login(client, frozen.mentor.user)
    with django_assert_num_queries(PAIRING_LIST_QUERIES):
        assert client.get(reverse("mentoring_sessions:pairing-list")).status_code == 200


def test_next_session_shows_in_both_peoples_time_zones_with_move_or_cancel(client, world):
    import datetime as dt

    from sessions.models import ScheduledSession

    world.mentee.time_zone = "America/New_York"
    world.mentee.save(update_fields=["time_zone"])
    world.mentor.time_zone = "Europe/Lisbon"
    world.mentor.save(update_fields=["time_zone"])
    starts = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)  # winter: New York UTC-5, Lisbon UTC+0
    scheduled = ScheduledSession.objects.create(pairing=world.pair, starts_at=starts, created_by=world.mentor)
    login(client, world.mentee.user)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        page = client.get(world.pair.get_absolute_url()).text
    assert "10:00" in page and "(America/New_York)" in page  # 15:00 UTC in New York (EST)
    assert "15:00 for Omar Mentor (Europe/Lisbon)" in page  # Lisbon is on UTC in winter
    assert reverse("mentoring_sessions:session-schedule-edit", args=[world.pair.pk, scheduled.pk]) in page
