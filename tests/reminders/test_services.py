import datetime

import pytest
from django.core import mail

from matching.models import Pairing
from notifications.models import Notification
from outbox.models import Message
from outbox.services import message_send
from programmes.models import Cohort
from reminders.models import Reminder
from reminders.services import reminders_scan_due
from tests.factories import PairingFactory, SessionFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def only_pair_one_due(world):
    """Pair 2 has ended, so only pair 1 (silent since it started on 2026-09-08) can be due."""
    Pairing.objects.filter(pk=world.pair2.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )
    return world


def scan(capture, now=None):
    with capture(execute=True):
        return reminders_scan_due(now=now)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_overdue_pair_gets_one_reminder_and_one_email_per_member(
    only_pair_one_due, morning, django_capture_on_commit_callbacks
):
    world = only_pair_one_due
    scan(django_capture_on_commit_callbacks)

    # Started 2026-09-08, cadence 14: due 2026-09-22; by 2026-11-02 that is 41 days, 2 whole periods.
    reminders = Reminder.objects.order_by("person__full_name")
    assert [(r.person, r.target, r.period_key) for r in reminders] == [
        (world.mentee, f"pairing:{world.pair.pk}/person:{world.mentee.pk}", "2026-09-22/2"),
        (world.mentor, f"pairing:{world.pair.pk}/person:{world.mentor.pk}", "2026-09-22/2"),
    ]
    assert all(r.message.status == Message.Status.SENT and r.message.sent_at == morning for r in reminders)
    assert recipients() == ["mentee@example.com", "mentor@example.com"]


@pytest.mark.parametrize(("days_ago", "due"), [(13, False), (14, True)])
def test_pair_is_due_once_cadence_days_have_passed_since_their_last_session(
    only_pair_one_due, today, morning, days_ago, due, django_capture_on_commit_callbacks
):
    SessionFactory(pairing=only_pair_one_due.pair, held_on=today - days_ago * DAY)
    SessionFactory(pairing=only_pair_one_due.pair, held_on=today - 40 * DAY)  # the latest one counts

    scan(django_capture_on_commit_callbacks)

    assert Reminder.objects.exists() is due
    assert len(mail.outbox) == (2 if due else 0)
    if due:
        assert set(Reminder.objects.values_list("period_key", flat=True)) == {f"{today.isoformat()}/0"}


def test_pairs_outside_an_active_cohort_or_not_active_are_not_reminded(
    world, morning, django_capture_on_commit_callbacks
):
    Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )
    SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 9, 1))
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CONCLUDING)

    scan(django_capture_on_commit_callbacks)

    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_silent_pair_is_reminded_once_per_cadence_period(
    only_pair_one_due, morning, time_machine, django_capture_on_commit_callbacks
):
    # Due on 2026-09-22; periods of 14 days from then: 2026-11-03 .. 2026-11-16 is period 3.
    time_machine.move_to(morning + 1 * DAY, tick=False)
    scan(django_capture_on_commit_callbacks)
    time_machine.move_to(morning + 14 * DAY, tick=False)
    scan(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    time_machine.move_to(morning + 15 * DAY, tick=False)
    scan(django_capture_on_commit_callbacks)

    assert sorted(Reminder.objects.values_list("period_key", flat=True)) == [
        "2026-09-22/3",
        "2026-09-22/3",
        "2026-09-22/4",
        "2026-09-22/4",
    ]
    assert len(mail.outbox) == 4


def test_new_session_stops_reminders_until_the_next_one_is_due(
    only_pair_one_due, today, morning, time_machine, django_capture_on_commit_callbacks
):
    world = only_pair_one_due
    scan(django_capture_on_commit_callbacks)
    SessionFactory(pairing=world.pair, held_on=today)

    time_machine.move_to(morning + 13 * DAY, tick=False)
    scan(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    time_machine.move_to(morning + 14 * DAY, tick=False)
    scan(django_capture_on_commit_callbacks)
    new_keys = set(Reminder.objects.filter(created_at__gt=morning).values_list("period_key", flat=True))
    assert new_keys == {"2026-11-16/0"}
    assert len(mail.outbox) == 4


def test_person_who_has_left_is_skipped_and_one_without_email_is_told_in_the_product(
    world, today, morning, django_capture_on_commit_callbacks
):
    world.mentee.leave_date = today
    world.mentee.save()
    world.mentor2.email = ""
    world.mentor2.save()

    scan(django_capture_on_commit_callbacks)

    assert sorted(Reminder.objects.values_list("person__full_name", flat=True)) == [
        "Bo Mentee",
        "Lin Mentor",
        "Omar Mentor",
    ]
    assert Notification.objects.filter(person=world.mentor2, kind="check_in_due").exists()
    assert recipients() == ["mentee2@example.com", "mentor@example.com"]


def test_scanning_twice_creates_no_duplicates_and_sends_once(
    only_pair_one_due, morning, django_capture_on_commit_callbacks
):
    first = scan(django_capture_on_commit_callbacks)
    second = scan(django_capture_on_commit_callbacks)

    assert len(first) == 2
    assert second == []  # both emails are in the outbox already
    assert Message.objects.count() == 2
    assert Reminder.objects.count() == 2
    assert len(mail.outbox) == 2


def test_two_scans_before_any_worker_ran_owe_one_email_per_member(
    only_pair_one_due, morning, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = reminders_scan_due()
        second = reminders_scan_due()
    assert len(first) == 2 and second == []

    # Every queued send, twice over (a duplicated or redelivered task): one email each.
    ids = list(Message.objects.values_list("pk", flat=True))
    results = [message_send(message_id=pk) for pk in ids + ids]

    assert results == [True, True, False, False]
    assert len(mail.outbox) == 2


def test_a_reminder_and_its_email_commit_together(only_pair_one_due, morning, monkeypatch):
    from outbox import services as outbox_services

    def render_fails(owed):
        raise RuntimeError("template broken")

    monkeypatch.setattr(outbox_services, "_message", render_fails)
    with pytest.raises(RuntimeError):
        reminders_scan_due()
    # Nothing recorded without its email, so the next scan owes both again.
    assert not Reminder.objects.exists() and not Message.objects.exists()


def test_email_says_how_long_since_they_met_how_often_to_meet_and_links_the_workspace(
    only_pair_one_due, today, morning, django_capture_on_commit_callbacks
):
    world = only_pair_one_due
    SessionFactory(pairing=world.pair, held_on=today - 20 * DAY)

    scan(django_capture_on_commit_callbacks)

    (to_mentee,) = [m for m in mail.outbox if m.to == ["mentee@example.com"]]
    link = f"http://testserver/pairings/{world.pair.pk}/"
    assert to_mentee.subject == "It's been 20 days since you met Omar Mentor: fancy a catch-up?"
    assert "\n" not in to_mentee.subject
    assert "Hi Ada," in to_mentee.body
    assert "It's been 20 days since you and Omar Mentor last met." in to_mentee.body
    assert "Autumn 2026 asks each pair to meet every 14 days." in to_mentee.body
    assert "Your mentor is there for you" in to_mentee.body
    assert link in to_mentee.body
    ((html, mimetype),) = to_mentee.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "It's been <strong>20 days</strong> since you and Omar Mentor last met." in html

    (to_mentor,) = [m for m in mail.outbox if m.to == ["mentor@example.com"]]
    assert "since you and Ada Mentee last met" in to_mentor.body
    assert "your mentee's momentum" in to_mentor.body


def test_email_to_a_pair_that_never_met_counts_from_the_start(
    only_pair_one_due, morning, django_capture_on_commit_callbacks
):
    scan(django_capture_on_commit_callbacks)

    (to_mentor,) = [m for m in mail.outbox if m.to == ["mentor@example.com"]]
    assert to_mentor.subject == "Time for your first session with Ada Mentee: fancy a catch-up?"
    assert "You and Ada Mentee were paired 55 days ago and haven't logged a session yet." in to_mentor.body


def test_text_parts_are_not_html_escaped(only_pair_one_due, morning, django_capture_on_commit_callbacks):
    only_pair_one_due.mentor.full_name = "Seán O'Brien & Co"
    only_pair_one_due.mentor.save()

    scan(django_capture_on_commit_callbacks)

    (to_mentee,) = [m for m in mail.outbox if m.to == ["mentee@example.com"]]
    assert to_mentee.subject == "Time for your first session with Seán O'Brien & Co: fancy a catch-up?"
    assert "You and Seán O'Brien & Co were paired" in to_mentee.body
    ((html, _),) = to_mentee.alternatives
    assert "You and Seán O&#x27;Brien &amp; Co were paired" in html  # the HTML part is still escaped


@pytest.mark.parametrize("extra_pairs", [0, 12])
def test_scan_query_count_does_not_grow_with_pairs_or_sessions(
    world, morning, extra_pairs, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(extra_pairs):
        pairing = PairingFactory(match_run=world.run)
        SessionFactory.create_batch(3, pairing=pairing, held_on=datetime.date(2026, 9, 20))

    # Per source (check-in due, upcoming sessions, action items, goals): one read. The escalation
    # (one email per admin a day): the admins, who is away, today's emails told, one read.
    # Per chunk of due rows: who is away, which reminders exist, INSERT
    # reminders ON CONFLICT DO NOTHING, notify_many (known keys, preferences, INSERT notifications,
    # INSERT messages, their ids, the unclaimed ones, the notifications' ids), the new reminders' ids,
    # link their emails; the digest's admins; the silent pairs for chat channels; cancel the emails no longer
    # owed; plus the savepoint pairs of the atomic blocks inside the test's transaction.
    # (Each notify_many call also reads the programme's wording overrides and bumps the unread counters.)
    with django_assert_num_queries(28), django_capture_on_commit_callbacks(execute=False) as queued:
        ids = reminders_scan_due()

    assert len(ids) == 2 * (2 + extra_pairs)
    assert len(queued) == 1  # one callback queues them all
    assert Message.objects.count() == len(ids)


def test_reminders_link_through_the_notices_url_alone(only_pair_one_due, morning, monkeypatch):
    """The absolute link is `url`, which notify_many adds: no reminder carries a copy of its own."""
    from reminders import services

    told = []
    monkeypatch.setattr(services, "notify_many", lambda notices, now: told.extend(notices))
    reminders_scan_due(now=morning)
    assert {n.kind for n in told} == {"check_in_due"}
    assert all(n.url and not {"pairing_url", "goal_url"} & n.context.keys() for n in told)
