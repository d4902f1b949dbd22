"""A reminder email held for the person's morning is cancelled in the transaction that makes it
untrue: the action item done, the goal achieved or dropped, the pairing ended early. The in-app
notification stays on the person's page (it was true when recorded), marked read."""

import datetime

import pytest
from django.core import mail

from closeout.services import pairing_end_early
from notifications.models import Notification
from outbox.models import Message
from outbox.services import outbox_sweep
from reminders.services import reminders_scan_due
from sessions.goals import goal_status_set
from sessions.models import ActionItem, Goal, ScheduledSession
from sessions.services import action_item_complete, session_cancel, session_reschedule
from tests.factories import GoalFactory, SessionFactory

DAY = datetime.timedelta(days=1)
# 21:00 UTC on Monday 2 November: everyone in the world is in UTC, quiet from 20:00 to 08:00, so the
# scan's emails wait for 08:00 on Tuesday.
EVENING = datetime.datetime(2026, 11, 2, 21, 0, tzinfo=datetime.UTC)
NEXT_MORNING = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def evening(world, time_machine):
    SessionFactory(pairing=world.pair, held_on=world.today)
    SessionFactory(pairing=world.pair2, held_on=world.today)
    time_machine.move_to(EVENING, tick=False)
    return world


def held_scan(capture):
    with capture(execute=True):
        reminders_scan_due(now=EVENING)


def morning_sends(capture, time_machine):
    """The next morning: the sweep queues what is due, the worker sends it."""
    time_machine.move_to(NEXT_MORNING, tick=False)
    with capture(execute=True):
        outbox_sweep(now=NEXT_MORNING)


def test_action_item_done_before_the_morning_sends_nothing(
    evening, today, time_machine, django_capture_on_commit_callbacks
):
    world = evening
    item = ActionItem.objects.create(
        pairing=world.pair, description="Review three refund tickets", owner=world.mentee, due_on=today + DAY
    )
    held_scan(django_capture_on_commit_callbacks)
    (held,) = Message.objects.filter(kind="action_item_due")
    assert held.is_held(EVENING) and mail.outbox == []

    action_item_complete(item=item, by=world.mentee)

    morning_sends(django_capture_on_commit_callbacks, time_machine)
    assert mail.outbox == []
    held.refresh_from_db()
    assert held.status == Message.Status.CANCELLED
    (notice,) = Notification.objects.filter(kind="action_item_due")
    assert notice.read_at == EVENING
    world.mentee.refresh_from_db()
    assert world.mentee.unread_notifications == 0


def test_another_owners_item_still_reminds(evening, today, time_machine, django_capture_on_commit_callbacks):
    world = evening
    done = ActionItem.objects.create(pairing=world.pair, description="A", owner=world.mentee, due_on=today)
    ActionItem.objects.create(pairing=world.pair2, description="B", owner=world.mentee2, due_on=today)
    held_scan(django_capture_on_commit_callbacks)

    action_item_complete(item=done, by=world.mentee)

    morning_sends(django_capture_on_commit_callbacks, time_machine)
    assert [m.to for m in mail.outbox] == [["mentee2@example.com"]]


@pytest.mark.parametrize("status", [Goal.Status.ACHIEVED, Goal.Status.DROPPED])
def test_goal_achieved_or_dropped_before_the_morning_sends_nothing(
    evening, today, status, time_machine, django_capture_on_commit_callbacks
):
    world = evening
    goal = GoalFactory(pairing=world.pair, due_on=today - 3 * DAY)
    held_scan(django_capture_on_commit_callbacks)
    assert Message.objects.filter(kind="goal_due", status=Message.Status.PENDING).count() == 2

    goal_status_set(goal=goal, by=world.mentee, status=status, short_of_target_confirmed=True)

    morning_sends(django_capture_on_commit_callbacks, time_machine)
    assert mail.outbox == []
    assert set(Message.objects.filter(kind="goal_due").values_list("status", flat=True)) == {"cancelled"}


def test_goal_still_in_progress_keeps_its_reminder(
    evening, today, time_machine, django_capture_on_commit_callbacks
):
    world = evening
    goal = GoalFactory(pairing=world.pair, due_on=today - 3 * DAY)
    held_scan(django_capture_on_commit_callbacks)

    goal_status_set(goal=goal, by=world.mentee, status=Goal.Status.AT_RISK)

    morning_sends(django_capture_on_commit_callbacks, time_machine)
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]


def test_pairing_ended_early_before_the_morning_sends_its_members_nothing(
    world, today, time_machine, django_capture_on_commit_callbacks
):
    # Pair 1 has not met since it started: a check-in reminder each, held for the morning; pair 2 met
    # today but has an action item due.
    SessionFactory(pairing=world.pair2, held_on=today)
    ActionItem.objects.create(pairing=world.pair, description="A", owner=world.mentee, due_on=today)
    ActionItem.objects.create(pairing=world.pair2, description="B", owner=world.mentee2, due_on=today)
    time_machine.move_to(EVENING, tick=False)
    held_scan(django_capture_on_commit_callbacks)
    assert Message.objects.filter(kind__in=["check_in_due", "action_item_due"]).count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        pairing_end_early(pairing=world.pair, reason="Moved team", by=world.admin)

    morning_sends(django_capture_on_commit_callbacks, time_machine)
    # Only pair 2's reminder, and the news of the ending (lifecycle, sent in the morning too).
    assert sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox if "ended" not in m.subject) == [
        ("mentee2@example.com", "Due today")
    ]


@pytest.mark.parametrize("change", ["cancel", "move"])
def test_session_cancelled_or_moved_before_the_morning_drops_its_held_reminder(
    evening, change, time_machine, django_capture_on_commit_callbacks
):
    world = evening
    starts = NEXT_MORNING + datetime.timedelta(hours=5)  # 14:00 tomorrow: within 24 hours
    scheduled = ScheduledSession.objects.create(pairing=world.pair, starts_at=starts, created_by=world.mentor)
    held_scan(django_capture_on_commit_callbacks)
    assert Message.objects.filter(kind="session_upcoming", status="pending").count() == 2

    with django_capture_on_commit_callbacks(execute=False):
        if change == "cancel":
            session_cancel(scheduled=scheduled, by=world.mentor)
        else:
            session_reschedule(
                scheduled=scheduled,
                by=world.mentor,
                starts_at=starts + 3 * DAY,
                duration_minutes=scheduled.duration_minutes,
                format=scheduled.format,
            )

    assert set(Message.objects.filter(kind="session_upcoming").values_list("status", flat=True)) == {
        "cancelled"
    }
