"""The workspace's cached goals and timeline (sessions/fragments.py): a write always shows on the next
read, and nobody sees a fragment rendered for someone else."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from matching import stamps
from sessions.models import ActionItem, CheckIn, Goal, GoalUpdate, MentoringSession
from tests.conftest import login
from tests.factories import CheckInFactory, GoalFactory, SessionFactory
from tests.sessions.test_sessions import log_data

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def workspace(client, world, user=None) -> str:
    login(client, user or world.mentee.user)
    response = client.get(world.pair.get_absolute_url())
    assert response.status_code == 200
    return response.text


# user (with person and roles), pairing (the access check): the whole main content is kept
# (sessions/pages.py), the goals and timeline with it.
WARM_WORKSPACE_QUERIES = 2


def test_a_second_look_renders_goals_and_timeline_from_the_cache(client, frozen, django_assert_num_queries):
    SessionFactory(pairing=frozen.pair, notes="Talked about refunds")
    GoalFactory(pairing=frozen.pair, specific="Faster first replies")
    first = workspace(client, frozen)
    with django_assert_num_queries(WARM_WORKSPACE_QUERIES):
        second = client.get(frozen.pair.get_absolute_url()).text
    assert "Talked about refunds" in second and "Faster first replies" in second
    history = slice(first.index('id="goals-heading"'), first.index("</main>"))
    assert second[history] == first[history]


def test_without_a_shared_cache_nothing_is_kept(client, frozen, settings, django_assert_num_queries):
    settings.PAIRING_FRAGMENT_SECONDS = 0
    workspace(client, frozen)
    # user, pairing, next session, open action items, the mentee's KPI months, the agreement, the
    # resources shared, the latest messages, and the history: stats, goals and three timelines.
    with django_assert_num_queries(13):
        client.get(frozen.pair.get_absolute_url())


def test_a_session_logged_shows_on_the_next_look(client, frozen):
    assert "Reviewed two refund tickets" not in workspace(client, frozen)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    assert client.post(url, log_data(frozen)).status_code == 302
    page = workspace(client, frozen)
    assert "Reviewed two refund tickets" in page and "1 session" in page


@pytest.mark.parametrize(
    "write, shown",
    [
        (lambda w: SessionFactory(pairing=w.pair, notes="A new session"), "A new session"),
        (lambda w: GoalFactory(pairing=w.pair, specific="A new goal"), "A new goal"),
        (
            lambda w: GoalUpdate.objects.create(
                goal=Goal.objects.get(specific="Old goal"), value=86, note="A new update", created_by=w.mentee
            ),
            "A new update",
        ),
        (lambda w: CheckInFactory(pairing=w.pair, person=w.mentee, satisfaction=2), "Satisfaction 2/5"),
        # Bulk writes, which send no signals.
        (
            lambda w: MentoringSession.objects.filter(pairing=w.pair).update(notes="Edited in bulk"),
            "Edited in bulk",
        ),
        (lambda w: Goal.objects.filter(pairing=w.pair).update(specific="Renamed goal"), "Renamed goal"),
        (
            lambda w: MentoringSession.objects.bulk_create(
                [
                    MentoringSession(
                        pairing=w.pair,
                        held_on=datetime.date(2026, 10, 1),
                        notes="Bulk created",
                        logged_by=w.mentor,
                    )
                ]
            ),
            "Bulk created",
        ),
        (
            lambda w: GoalUpdate.objects.bulk_create(
                [
                    GoalUpdate(
                        goal=Goal.objects.get(specific="Old goal"),
                        value=87,
                        note="Bulk update",
                        created_by=w.mentor,
                    )
                ]
            ),
            "Bulk update",
        ),
    ],
)
def test_every_kind_of_write_shows_on_the_next_look(client, frozen, write, shown):
    SessionFactory(pairing=frozen.pair, notes="Old session")
    GoalFactory(pairing=frozen.pair, specific="Old goal")
    assert shown not in workspace(client, frozen)
    write(frozen)
    assert shown in workspace(client, frozen)


@pytest.mark.parametrize("bulk", [False, True])
def test_a_deleted_session_leaves_the_timeline(client, frozen, bulk):
    session = SessionFactory(pairing=frozen.pair, notes="Logged by mistake")
    assert "Logged by mistake" in workspace(client, frozen)
    if bulk:
        MentoringSession.objects.filter(pk=session.pk).delete()
    else:
        session.delete()
    assert "Logged by mistake" not in workspace(client, frozen)


def test_a_page_read_during_a_write_keeps_no_fragment_after_the_commit(
    client, frozen, django_capture_on_commit_callbacks
):
    """A page that reads while another transaction writes sees the old rows, and may store them
    under the stamp of that moment: the commit replaces that stamp too."""
    key = stamps.stamp_key(frozen.pair.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        SessionFactory(pairing=frozen.pair, notes="Written in a transaction")
        during = stamps.stamp(frozen.pair.pk)  # what another page would read now
    assert cache.get(key) != during


def test_mentor_and_mentee_each_see_only_their_own_check_ins_from_a_warm_cache(client, frozen):
    CheckInFactory(pairing=frozen.pair, person=frozen.mentee, satisfaction=2, blockers="MENTEE ONLY")
    CheckInFactory(pairing=frozen.pair, person=frozen.mentor, satisfaction=5, blockers="MENTOR ONLY")
    for _ in range(2):  # the second time from the cache
        mentee_page = workspace(client, frozen, frozen.mentee.user)
        mentor_page = workspace(client, frozen, frozen.mentor.user)
        assert "MENTEE ONLY" in mentee_page and "MENTOR ONLY" not in mentee_page
        assert "MENTOR ONLY" in mentor_page and "MENTEE ONLY" not in mentor_page


def test_only_the_side_that_did_not_log_a_session_is_offered_to_confirm_it(client, frozen):
    SessionFactory(pairing=frozen.pair, logged_by=frozen.mentee, confirmed_at=None)
    for _ in range(2):
        assert "#confirm-heading" not in workspace(client, frozen, frozen.mentee.user)
        assert "#confirm-heading" in workspace(client, frozen, frozen.mentor.user)


def test_another_pair_never_gets_this_pairs_fragment(client, frozen):
    CheckInFactory(pairing=frozen.pair, person=frozen.mentee, blockers="PAIR ONE")
    workspace(client, frozen)
    login(client, frozen.mentee2.user)
    other = client.get(frozen.pair2.get_absolute_url()).text
    assert "PAIR ONE" not in other
    assert client.get(frozen.pair.get_absolute_url()).status_code == 404


def test_a_goal_becomes_overdue_the_day_after_its_due_date_without_a_write(client, world):
    GoalFactory(pairing=world.pair, specific="Due soon", due_on=datetime.date(2026, 11, 2))
    with time_machine.travel(NOW, tick=False):
        assert "Overdue" not in workspace(client, world)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert "Overdue" in workspace(client, world)


def test_action_items_and_plans_are_never_cached(client, frozen):
    workspace(client, frozen)
    ActionItem.objects.filter(pairing=frozen.pair).delete()
    ActionItem.objects.bulk_create(
        [ActionItem(pairing=frozen.pair, description="Fresh item", owner=frozen.mentee)]
    )
    assert "Fresh item" in workspace(client, frozen)


def test_a_check_in_from_another_transaction_after_the_page_is_cached_shows(client, frozen):
    workspace(client, frozen)
    CheckIn.objects.bulk_create([CheckIn(pairing=frozen.pair, person=frozen.mentee, satisfaction=1)])
    assert "Satisfaction 1/5" in workspace(client, frozen)
