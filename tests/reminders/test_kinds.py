"""Every kind of reminder, with the clock frozen: who hears, once per period, and when the email may
go (time zone, working days, quiet hours, time away, a muted kind)."""

import datetime
import email
import email.policy

import pytest
from django.core import mail

from matching.models import Pairing
from notifications.models import Notification, Preferences
from outbox.models import Message
from programmes.models import Enrolment
from reminders.digests import admin_digest
from reminders.models import Reminder
from reminders.services import reminders_scan_due
from sessions.models import ActionItem, Goal, ScheduledSession
from tests.factories import (
    CheckInFactory,
    EnrolmentFactory,
    GoalFactory,
    PairingFactory,
    PersonFactory,
    SessionFactory,
)
from training.models import TrainingModule

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
UTC = datetime.UTC


def scan(capture, now):
    with capture(execute=True):
        return reminders_scan_due(now=now)


def told(kind):
    return sorted(
        (r.person.full_name, r.period_key)
        for r in Reminder.objects.filter(kind=kind).select_related("person")
    )


@pytest.fixture
def met_today(world, today):
    """Both pairs met today, so no check-in is due and each test sees only the kind it sets up."""
    SessionFactory(pairing=world.pair, held_on=today)
    SessionFactory(pairing=world.pair2, held_on=today)
    return world


@pytest.fixture
def admin_person(world):
    return PersonFactory(user=world.admin, full_name="Ana Admin", email="admin@example.com")


# --- check-in overdue: the programme admins ------------------------------------------------------


def test_pair_silent_for_twice_the_cadence_is_escalated_to_each_programme_admin_once(
    world, today, morning, admin_person, django_capture_on_commit_callbacks
):
    # Pair 2 met 20 days ago: due for a check-in (14) but not for the admin (28). Pair 1 never met
    # since it started on 2026-09-08: 55 days, silent for twice the cadence since 2026-10-06.
    SessionFactory(pairing=world.pair2, held_on=today - 20 * DAY)

    scan(django_capture_on_commit_callbacks, morning)
    scan(django_capture_on_commit_callbacks, morning + HOUR)

    assert told(Reminder.Kind.CHECK_IN_OVERDUE) == [("Ana Admin", "2026-10-06/0")]
    (email,) = [m for m in mail.outbox if "have not met" in m.subject]
    assert email.to == ["admin@example.com"]
    assert email.subject == "Omar Mentor and Ada Mentee have not met for 55 days"
    assert "Hi Ana," in email.body
    assert f"/pairings/{world.pair.pk}/" in email.body


def test_admin_hears_again_only_after_another_twice_the_cadence(
    world, today, morning, admin_person, django_capture_on_commit_callbacks
):
    Pairing.objects.filter(pk=world.pair2.pk).update(
        status=Pairing.Status.ENDED, ended_on=today, outcome="completed"
    )
    scan(django_capture_on_commit_callbacks, morning)
    scan(django_capture_on_commit_callbacks, morning + 28 * DAY)  # 2026-11-30: 55 days after 2026-10-06
    assert told(Reminder.Kind.CHECK_IN_OVERDUE) == [
        ("Ana Admin", "2026-10-06/0"),
        ("Ana Admin", "2026-10-06/1"),
    ]


def notice_url():
    from django.urls import reverse

    return "http://testserver" + reverse("dashboards:health")


def test_admin_gets_one_email_a_day_listing_every_pair_newly_silent(
    world, today, morning, admin_person, django_capture_on_commit_callbacks
):
    # Both pairs never met since they started on 2026-09-08: silent for twice the cadence.
    scan(django_capture_on_commit_callbacks, morning)

    (email,) = [m for m in mail.outbox if m.to == ["admin@example.com"] and "not met" in m.subject]
    assert email.subject == "2 pairs have not met for twice their cadence"
    assert "Omar Mentor (mentor) and Ada Mentee (mentee), Autumn 2026" in email.body
    assert "Lin Mentor (mentor) and Bo Mentee (mentee), Autumn 2026" in email.body
    assert notice_url() in email.body
    (notice,) = Notification.objects.filter(kind="check_in_overdue")
    assert (notice.person, notice.title) == (admin_person, email.subject)
    assert notice.key == f"reminder:check_in_overdue:admin:{admin_person.pk}:2026-11-02"
    # Each pair is recorded once for the admin, once per silent stretch.
    assert told(Reminder.Kind.CHECK_IN_OVERDUE) == [
        ("Ana Admin", "2026-10-06/0"),
        ("Ana Admin", "2026-10-06/0"),
    ]


def test_pair_gone_silent_after_todays_email_waits_for_tomorrows(
    world, today, morning, admin_person, django_capture_on_commit_callbacks
):
    late = SessionFactory(pairing=world.pair2, held_on=today - DAY)
    scan(django_capture_on_commit_callbacks, morning)
    late.delete()  # pair 2 now counts from its start: silent too, found by the afternoon's scan
    scan(django_capture_on_commit_callbacks, morning + 5 * HOUR)

    emails = [m for m in mail.outbox if m.to == ["admin@example.com"] and "not met" in m.subject]
    assert [m.subject for m in emails] == ["Omar Mentor and Ada Mentee have not met for 55 days"]
    assert told(Reminder.Kind.CHECK_IN_OVERDUE) == [("Ana Admin", "2026-10-06/0")]

    scan(django_capture_on_commit_callbacks, morning + DAY)
    emails = [m for m in mail.outbox if m.to == ["admin@example.com"] and "not met" in m.subject]
    assert len(emails) == 2
    assert "Lin Mentor (mentor) and Bo Mentee (mentee)" in emails[1].body
    assert Notification.objects.filter(kind="check_in_overdue").count() == 2


def test_escalation_lists_the_first_pairs_and_counts_the_rest(
    world, today, morning, admin_person, monkeypatch, django_capture_on_commit_callbacks
):
    from reminders import services

    monkeypatch.setattr(services, "ESCALATION_LISTED", 1)
    PairingFactory(match_run=world.run, started_on=world.pair.started_on)
    scan(django_capture_on_commit_callbacks, morning)

    (email,) = [m for m in mail.outbox if m.to == ["admin@example.com"] and "not met" in m.subject]
    assert email.subject == "3 pairs have not met for twice their cadence"
    assert email.body.count("(mentor) and") == 1
    assert "And 2 more: programme health lists them all." in email.body
    assert Reminder.objects.filter(kind=Reminder.Kind.CHECK_IN_OVERDUE).count() == 3


# --- upcoming session ----------------------------------------------------------------------------


def _planned(pairing, starts_at):
    return ScheduledSession.objects.create(
        pairing=pairing, starts_at=starts_at, created_by=pairing.mentor.person
    )


def test_session_within_24_hours_reminds_both_sides_once(
    met_today, morning, django_capture_on_commit_callbacks
):
    world = met_today
    _planned(world.pair, morning + 23 * HOUR)
    _planned(world.pair2, morning + 25 * HOUR)  # not yet

    scan(django_capture_on_commit_callbacks, morning)
    scan(django_capture_on_commit_callbacks, morning + HOUR)

    # The second scan, an hour later, found pair 2's.
    assert sorted(told(Reminder.Kind.SESSION_UPCOMING)) == [
        ("Ada Mentee", "2026-11-03T08:00"),
        ("Bo Mentee", "2026-11-03T10:00"),
        ("Lin Mentor", "2026-11-03T10:00"),
        ("Omar Mentor", "2026-11-03T08:00"),
    ]
    (to_mentee,) = [m for m in mail.outbox if m.to == ["mentee@example.com"]]
    assert to_mentee.subject == "Tomorrow: your session with Omar Mentor at 08:00"


def test_session_in_the_persons_time_zone(met_today, morning, django_capture_on_commit_callbacks):
    world = met_today
    world.mentee.time_zone = "Asia/Tokyo"
    world.mentee.save()
    _planned(world.pair, morning + 23 * HOUR)  # 08:00 UTC is 17:00 in Tokyo

    scan(django_capture_on_commit_callbacks, morning)

    (to_mentee,) = [m for m in mail.outbox if m.to == ["mentee@example.com"]]
    assert to_mentee.subject == "Tomorrow: your session with Omar Mentor at 17:00"
    assert "(Asia/Tokyo)" in to_mentee.body


def test_cancelled_session_is_not_reminded_and_a_moved_one_is_reminded_for_its_new_time(
    met_today, morning, django_capture_on_commit_callbacks
):
    world = met_today
    cancelled = _planned(world.pair2, morning + 2 * HOUR)
    ScheduledSession.objects.filter(pk=cancelled.pk).update(cancelled_at=morning)
    moved = _planned(world.pair, morning + 3 * HOUR)
    scan(django_capture_on_commit_callbacks, morning)
    ScheduledSession.objects.filter(pk=moved.pk).update(starts_at=morning + 5 * HOUR, sequence=1)
    scan(django_capture_on_commit_callbacks, morning + HOUR)

    assert sorted(told(Reminder.Kind.SESSION_UPCOMING)) == [
        ("Ada Mentee", "2026-11-02T12:00"),
        ("Ada Mentee", "2026-11-02T14:00"),
        ("Omar Mentor", "2026-11-02T12:00"),
        ("Omar Mentor", "2026-11-02T14:00"),
    ]


# --- action items and goals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in_days", "period", "subject"),
    [
        (3, None, None),
        (2, "2026-11-04/soon", "Due in 2 days: Review three refund tickets"),
        (0, "2026-11-02/soon", "Due today: Review three refund tickets"),
        (-1, "2026-11-01/overdue", "Overdue: Review three refund tickets"),
    ],
)
def test_open_action_item_reminds_its_owner_when_due_soon_and_when_overdue(
    met_today, today, morning, due_in_days, period, subject, django_capture_on_commit_callbacks
):
    world = met_today
    ActionItem.objects.create(
        pairing=world.pair,
        description="Review three refund tickets",
        owner=world.mentee,
        due_on=today + due_in_days * DAY,
    )
    ActionItem.objects.create(
        pairing=world.pair, description="Done already", owner=world.mentee, due_on=today, done_at=morning
    )

    scan(django_capture_on_commit_callbacks, morning)

    assert told(Reminder.Kind.ACTION_ITEM_DUE) == ([("Ada Mentee", period)] if period else [])
    assert [m.subject for m in mail.outbox] == ([subject] if subject else [])


def test_action_item_is_reminded_once_soon_and_once_overdue(
    met_today, today, morning, django_capture_on_commit_callbacks
):
    world = met_today
    ActionItem.objects.create(
        pairing=world.pair, description="Shadow a chat", owner=world.mentor, due_on=today + DAY
    )
    for days in range(4):
        scan(django_capture_on_commit_callbacks, morning + days * DAY)
    assert told(Reminder.Kind.ACTION_ITEM_DUE) == [
        ("Omar Mentor", "2026-11-03/overdue"),
        ("Omar Mentor", "2026-11-03/soon"),
    ]


def test_goal_in_progress_reminds_both_members_and_a_finished_one_nobody(
    met_today, today, morning, django_capture_on_commit_callbacks
):
    world = met_today
    GoalFactory(pairing=world.pair, due_on=today - 3 * DAY)
    GoalFactory(pairing=world.pair2, due_on=today - 3 * DAY, status=Goal.Status.ACHIEVED)
    GoalFactory(pairing=world.pair2, due_on=today + 30 * DAY)

    scan(django_capture_on_commit_callbacks, morning)

    assert told(Reminder.Kind.GOAL_DUE) == [
        ("Ada Mentee", "2026-10-30/overdue"),
        ("Omar Mentor", "2026-10-30/overdue"),
    ]
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == [
        ("mentee@example.com", "Goal overdue: Lift my CSAT on billing tickets"),
        ("mentor@example.com", "Goal overdue: Lift my CSAT on billing tickets"),
    ]
    (to_mentor,) = [m for m in mail.outbox if m.to == ["mentor@example.com"]]
    assert "Ada Mentee's goal" in to_mentor.body
    # The SQL rule agrees with the model's.
    assert Goal.objects.get(pairing=world.pair).is_overdue


# --- the admins' weekly digest -------------------------------------------------------------------


def test_weekly_digest_counts_what_needs_the_admins_attention(
    world, today, morning, admin_person, django_assert_num_queries
):
    Enrolment.objects.update(profile_completed_at=morning)
    # Pair 1 silent since it started (55 days); pair 2 met a week ago but flagged a blocker and has
    # an overdue goal; a mentee enrolled without a pair, who has not finished her profile nor
    # activated her login.
    SessionFactory(pairing=world.pair2, held_on=today - 7 * DAY)
    CheckInFactory(pairing=world.pair2, person=world.mentee2, satisfaction=4, blockers="No time on shift")
    GoalFactory(pairing=world.pair2, due_on=today - DAY)
    EnrolmentFactory(cohort=world.cohort, person=PersonFactory(full_name="Una Matched"))

    # Neither pair has signed an agreement, 55 days in; mentees must read a module before their first
    # session and none has (Ada, Bo and Una).
    TrainingModule.objects.filter(
        programme=world.cohort.programme, audience=TrainingModule.Audience.MENTEE
    ).update(requirement=TrainingModule.Requirement.BEFORE_FIRST_SESSION)

    with django_assert_num_queries(9):
        (row,) = admin_digest(today=today)

    assert (row.silent, row.flagged, row.overdue_goals, row.at_risk) == (1, 1, 1, 3)
    assert (row.unmatched, row.unfinished_profiles, row.not_activated) == (1, 1, 1)
    assert (row.unsigned_agreements, row.training_unfinished) == (2, 3)


def test_weekly_digest_is_told_once_a_week_to_each_admin(
    met_today, morning, admin_person, django_capture_on_commit_callbacks
):
    scan(django_capture_on_commit_callbacks, morning)  # Monday 2 November: week 45
    scan(django_capture_on_commit_callbacks, morning + 4 * DAY)
    scan(django_capture_on_commit_callbacks, morning + 7 * DAY)
    assert told(Reminder.Kind.ADMIN_DIGEST) == [("Ana Admin", "2026-W45"), ("Ana Admin", "2026-W46")]
    digests = [m for m in mail.outbox if m.to == ["admin@example.com"]]
    assert len(digests) == 2
    assert digests[0].subject.startswith("Week 2026-W45: ")


# --- when: time zones, working days, quiet hours, away, muted -------------------------------------


def _check_in_email_of(person):
    reminder = Reminder.objects.get(kind=Reminder.Kind.CHECK_IN, person=person)
    return reminder.message


@pytest.mark.parametrize(
    ("time_zone", "now", "sent_at"),
    [
        # East of UTC on a Monday morning: 23:30 UTC on Sunday is 08:30 on Monday in Tokyo: now.
        (
            "Asia/Tokyo",
            datetime.datetime(2026, 11, 1, 23, 30, tzinfo=UTC),
            datetime.datetime(2026, 11, 1, 23, 30, tzinfo=UTC),
        ),
        # The same moment is Sunday night in London: Monday 08:00.
        (
            "Europe/London",
            datetime.datetime(2026, 11, 1, 23, 30, tzinfo=UTC),
            datetime.datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        ),
        # Saturday 24 October in Berlin (CEST, UTC+2); the clocks go back on Sunday, so Monday
        # 08:00 is CET, 07:00 UTC.
        (
            "Europe/Berlin",
            datetime.datetime(2026, 10, 24, 10, 0, tzinfo=UTC),
            datetime.datetime(2026, 10, 26, 7, 0, tzinfo=UTC),
        ),
        # Quiet hours: 21:00 on a Monday waits for Tuesday 08:00.
        (
            "UTC",
            datetime.datetime(2026, 11, 2, 21, 0, tzinfo=UTC),
            datetime.datetime(2026, 11, 3, 8, 0, tzinfo=UTC),
        ),
    ],
)
def test_reminder_email_waits_for_the_persons_working_hours(
    world, time_zone, now, sent_at, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(now, tick=False)
    world.mentee.time_zone = time_zone
    world.mentee.save()
    with django_capture_on_commit_callbacks(execute=False):
        reminders_scan_due(now=now)
    assert _check_in_email_of(world.mentee).next_attempt_at == sent_at


def test_reminder_waits_for_the_persons_next_working_day(world, django_capture_on_commit_callbacks):
    Preferences.objects.create(person=world.mentee, working_days=0b0000001)  # Mondays only
    with django_capture_on_commit_callbacks(execute=False):
        reminders_scan_due(now=datetime.datetime(2026, 11, 3, 9, 0, tzinfo=UTC))  # a Tuesday
    assert _check_in_email_of(world.mentee).next_attempt_at == datetime.datetime(
        2026, 11, 9, 8, 0, tzinfo=UTC
    )


def test_muted_kind_is_told_in_the_product_without_an_email(
    world, morning, django_capture_on_commit_callbacks
):
    Preferences.objects.create(person=world.mentee, muted_kinds=["check_in_due"])
    scan(django_capture_on_commit_callbacks, morning)
    reminder = Reminder.objects.get(kind=Reminder.Kind.CHECK_IN, person=world.mentee)
    assert reminder.message is None
    assert Notification.objects.filter(person=world.mentee, kind="check_in_due").count() == 1
    assert "mentee@example.com" not in [m.to[0] for m in mail.outbox]


def test_person_away_today_gets_no_reminder_and_gets_the_next_periods(
    world, today, morning, django_capture_on_commit_callbacks
):
    Pairing.objects.filter(pk=world.pair2.pk).update(
        status=Pairing.Status.ENDED, ended_on=today, outcome="completed"
    )
    Preferences.objects.create(person=world.mentee, away_until=today + 3 * DAY)

    scan(django_capture_on_commit_callbacks, morning)
    scan(django_capture_on_commit_callbacks, morning + 3 * DAY)  # her last day away: period 3 begins
    assert told(Reminder.Kind.CHECK_IN) == [("Omar Mentor", "2026-09-22/2"), ("Omar Mentor", "2026-09-22/3")]

    scan(django_capture_on_commit_callbacks, morning + 4 * DAY)  # back: period 3's, not the missed 2
    assert told(Reminder.Kind.CHECK_IN) == [
        ("Ada Mentee", "2026-09-22/3"),
        ("Omar Mentor", "2026-09-22/2"),
        ("Omar Mentor", "2026-09-22/3"),
    ]


# --- stop ----------------------------------------------------------------------------------------


def test_pending_emails_of_a_pairing_that_ended_are_cancelled_whatever_their_kind(
    met_today, today, morning, django_capture_on_commit_callbacks
):
    world = met_today
    _planned(world.pair, morning + 5 * HOUR)
    ActionItem.objects.create(
        pairing=world.pair, description="Read the macro guide", owner=world.mentee, due_on=today
    )
    with django_capture_on_commit_callbacks(execute=False):  # recorded, not yet sent
        reminders_scan_due(now=morning)
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=today, outcome="completed"
    )

    with django_capture_on_commit_callbacks(execute=False):
        assert reminders_scan_due(now=morning + HOUR) == []

    emails = Message.objects.filter(pk__in=Reminder.objects.filter(pairing=world.pair).values("message_id"))
    assert emails.count() == 3
    assert set(emails.values_list("status", flat=True)) == {Message.Status.CANCELLED}


# --- speed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra_pairs", [0, 10])
def test_scan_of_every_kind_runs_a_fixed_number_of_queries(
    world,
    today,
    morning,
    admin_person,
    extra_pairs,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    for pairing in [world.pair, *(PairingFactory(match_run=world.run) for _ in range(extra_pairs))]:
        _planned(pairing, morning + 2 * HOUR)
        ActionItem.objects.create(pairing=pairing, description="x", owner=pairing.mentee.person, due_on=today)
        GoalFactory(pairing=pairing, due_on=today)

    # (The silent pairs for the cohorts' chat channels are one more read; each notify_many call also
    # reads the wording overrides and bumps the unread counters. The digest's unsigned agreements and
    # unfinished training are two reads of their own.)
    with django_assert_num_queries(127), django_capture_on_commit_callbacks(execute=False):
        ids = reminders_scan_due(now=morning)

    pairs = 2 + extra_pairs
    # check-in: 2 per pair; escalation: 1 per pair (one admin); upcoming: 2 per planned pair; action
    # item: 1; goal: 2; the digest: 1.
    assert len(ids) == 2 * pairs + pairs + 5 * (1 + extra_pairs) + 1

    # A scan that finds nothing new: per source one read and one look at the reminders recorded
    # (the admins once; the digest's two), the silent pairs for chat channels, cancel the unowed, and
    # the savepoint pair of that last atomic block.
    with django_assert_num_queries(17), django_capture_on_commit_callbacks(execute=False):
        assert reminders_scan_due(now=morning + HOUR) == []


# --- the emails themselves -----------------------------------------------------------------------


def test_every_reminder_email_parses_with_both_parts_and_one_click_unsubscribe(
    world, today, morning, admin_person, django_capture_on_commit_callbacks
):
    _planned(world.pair, morning + 2 * HOUR)
    ActionItem.objects.create(
        pairing=world.pair, description="Read the guide", owner=world.mentee, due_on=today
    )
    GoalFactory(pairing=world.pair, due_on=today)

    scan(django_capture_on_commit_callbacks, morning)

    kinds = set(Message.objects.values_list("kind", flat=True))
    assert kinds == {
        "check_in_due",
        "check_in_overdue",
        "session_upcoming",
        "action_item_due",
        "goal_due",
        "admin_digest",
    }
    for sent in mail.outbox:
        parsed = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
        plain = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        assert plain is not None and html is not None, parsed["Subject"]
        assert "Hi " in plain.get_content()
        assert str(parsed["List-Unsubscribe"]).strip().startswith("<http://testserver/notifications/")
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db(transaction=True)
def test_scan_in_chunks_commits_each_chunk_while_reading_the_next(world, morning, monkeypatch):
    """As the worker runs it: no surrounding transaction, so each chunk commits while the source's
    cursor stays open (a chunk of one pair here, so the two pairs take two chunks)."""
    from reminders import services

    monkeypatch.setattr(services, "CHUNK", 1)
    chunks = []
    record = services.record_and_tell
    monkeypatch.setattr(
        services, "record_and_tell", lambda owed, now: chunks.append(len(owed)) or record(owed, now=now)
    )

    ids = reminders_scan_due(now=morning)

    assert chunks[:2] == [2, 2]  # one pair's two members a chunk; then the digest (nobody: no admin)

    assert len(ids) == 4
    assert sorted(told(Reminder.Kind.CHECK_IN)) == [
        ("Ada Mentee", "2026-09-22/2"),
        ("Bo Mentee", "2026-09-22/2"),
        ("Lin Mentor", "2026-09-22/2"),
        ("Omar Mentor", "2026-09-22/2"),
    ]


# --- the cohort's chat channel hears the digest and silent pairs through the same scan ------------


def test_scan_posts_the_weekly_digest_and_silent_pairs_to_the_cohort_chat_once(
    world, morning, admin_person, settings, django_capture_on_commit_callbacks
):
    from tests.realservers import WebhookServer

    settings.CHAT_WEBHOOK_ALLOW_LOOPBACK = True
    with WebhookServer() as server:
        world.cohort.chat_webhook_url = server.url("/services/T1/B1/token")
        world.cohort.save()
        # Neither pair has met since it started 55 days ago: both silent, so the digest has them too.
        scan(django_capture_on_commit_callbacks, morning)
        scan(django_capture_on_commit_callbacks, morning + datetime.timedelta(hours=1))
        texts = [body["text"] for _path, body in server.requests]
    digests = [t for t in texts if t.startswith(f"Weekly digest for {world.cohort.name}: 2 pairs at risk")]
    silent = [t for t in texts if t.startswith("At risk: ")]
    assert len(digests) == 1
    assert len(silent) == 2
    assert len(texts) == 3
