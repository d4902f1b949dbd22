"""Issue 10: a session scheduled, moved or cancelled tells both members once per revision, with the
calendar update attached, in each person's own time zone, naming who changed it."""

import datetime

import pytest
import time_machine

from notifications.models import Notification
from outbox.models import Message
from sessions import services
from tests.emails import deliver, notices

# Monday 2 November 2026, 23:00 UTC: outside anyone's working hours, and still news now.
NIGHT = datetime.datetime(2026, 11, 2, 23, 0, tzinfo=datetime.UTC)
STARTS = datetime.datetime(2026, 11, 10, 14, 30, tzinfo=datetime.UTC)


@pytest.fixture
def pair(world):
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    world.mentee.time_zone = "Europe/Berlin"
    world.mentee.save()
    with time_machine.travel(NIGHT, tick=False):
        yield world


def _schedule(world):
    return services.session_schedule(
        pairing=world.pair,
        by=world.mentor,
        starts_at=STARTS,
        duration_minutes=45,
        format="video",
        agenda="Tone",
    )


def test_each_revision_tells_both_members_once_with_its_calendar_update(pair):
    scheduled = _schedule(pair)
    services._owe_invites(scheduled, by=pair.mentor)  # a retried task: nothing new
    assert len(notices("session_changed")) == 2
    received = {m.to: m for m in deliver(kind="session_changed")}
    assert set(received) == {"mentor@example.com", "mentee@example.com"}
    ada = received["mentee@example.com"]
    assert ada.subject == "Scheduled: mentoring session with Omar Mentor, Tue 10 Nov, 15:30"
    for part in (ada.text, ada.html):
        assert "Hi Ada," in part
        assert "Omar Mentor has scheduled a mentoring session with you" in part
        assert "Tuesday 10 November 2026, 15:30 your time (Europe/Berlin)" in part
    assert "METHOD:REQUEST" in ada.attachments["invite.ics"]
    omar = received["mentor@example.com"]
    assert "You scheduled your mentoring session with Ada Mentee" in omar.text
    assert "09:30 your time (America/New_York)" in omar.text

    moved = services.session_reschedule(
        scheduled=scheduled,
        by=pair.mentee,
        starts_at=STARTS + datetime.timedelta(days=1),
        duration_minutes=30,
        format="video",
    )
    services.session_cancel(scheduled=moved, by=pair.mentee)
    assert len(notices("session_changed")) == 6  # three revisions, two people each
    later = deliver(kind="session_changed")
    moved_for_omar = next(m for m in later if m.subject.startswith("Moved") and m.to == "mentor@example.com")
    assert "Ada Mentee has moved a mentoring session with you" in moved_for_omar.text
    cancelled = next(m for m in later if m.subject.startswith("Cancelled") and m.to == "mentor@example.com")
    assert "Ada Mentee has cancelled a mentoring session with you" in cancelled.text
    assert "METHOD:CANCEL" in cancelled.attachments["invite.ics"]
    assert Notification.objects.filter(kind="session_changed", actor=pair.mentee).count() == 4


def test_a_session_change_is_emailed_at_once_even_at_night(pair):
    """A session moved late in the evening for the next morning must reach the calendar tonight."""
    _schedule(pair)
    assert all(m.next_attempt_at <= NIGHT for m in Message.objects.filter(kind="session_changed"))


def test_a_member_who_has_left_is_not_told(pair):
    pair.mentee.leave_date = datetime.date(2026, 11, 1)
    pair.mentee.save(update_fields=["leave_date"])
    _schedule(pair)
    assert [pk for pk, _key in notices("session_changed")] == [pair.mentor.pk]
