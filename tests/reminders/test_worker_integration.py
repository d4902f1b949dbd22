"""The reminder, end to end, on real servers: beat schedules the scan, a real worker (prefork, two
children) takes messages from Redis, reads the test's PostgreSQL database and sends through a real
SMTP server. However many scans run (a burst by hand before anything is sent, beat every second,
more by hand afterwards), each member gets exactly one email.
"""

import datetime
import os
import re
import time

import kombu
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone

from matching.models import Pairing
from mentorship.celery import app as celery_app
from notifications.models import Preferences
from programmes.models import Cohort, Enrolment
from reminders.models import Reminder
from reminders.tasks import scan_due_reminders
from sessions.models import ActionItem, ScheduledSession
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    PairingFactory,
    PersonFactory,
    SessionFactory,
)
from tests.realservers import subprocess_database_url, wait_until

SITE_URL = "http://mentorship.test"
NOON = datetime.time(12, 0)
EMAIL_WAIT_SECONDS = 60
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),  # the worker must see committed rows
    pytest.mark.timeout(180),
]


def overdue_and_recent_pairs(today: datetime.date) -> tuple[Pairing, Pairing]:
    """Dates are relative to the real today: the worker runs on the real clock."""
    # A pulse interval longer than the pairs' 30 days, so the scan owes no pulse check-in yet: this
    # test is about the check-in-due email (pulses: tests/reminders/test_pulse.py).
    cohort = CohortFactory(
        state=Cohort.State.ACTIVE,
        starts_on=today - 60 * DAY,
        ends_on=today + 120 * DAY,
        cadence_days=14,
        check_in_interval_days=42,
    )
    run = MatchRunFactory(cohort=cohort)

    def pair(mentor_name, mentee_name, started_on):
        return PairingFactory(
            match_run=run,
            mentor=EnrolmentFactory(
                cohort=cohort, person=PersonFactory(full_name=mentor_name), role=Enrolment.Role.MENTOR
            ),
            mentee=EnrolmentFactory(cohort=cohort, person=PersonFactory(full_name=mentee_name)),
            started_on=started_on,
        )

    overdue = pair("Rita Mentor", "Kai Mentee", started_on=today - 30 * DAY)
    recent = pair("Noor Mentor", "Tess Mentee", started_on=today - 30 * DAY)
    SessionFactory(pairing=recent, held_on=today - 2 * DAY)
    for pairing in (overdue, recent):
        for person in pairing.members():
            always_reachable(person)
    return overdue, recent


def always_reachable(person):
    """The worker runs on the real clock: whenever the test runs, the person is at work (every day,
    no quiet hours), so their emails are not held for the morning."""
    Preferences.objects.create(person=person, working_days=0b1111111, quiet_start=NOON, quiet_end=NOON)


def test_real_worker_and_beat_send_one_email_per_member_however_often_the_scan_runs(
    smtp_server, celery_processes
):
    handler, smtp_port = smtp_server
    overdue, _recent = overdue_and_recent_pairs(timezone.localdate())
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "REMINDER_SCAN_SECONDS": "1",
        "DEBUG": "true",
        "SITE_URL": SITE_URL,
        "PYTHONUNBUFFERED": "1",
    }
    # This process's Celery app was configured with the default filesystem broker, and its producer
    # pool may already exist, so rather than repointing the app, scans sent by hand go through
    # apply_async with an explicit connection to the worker's Redis: the real task builds and routes
    # the message as usual. Eager mode (set by the autouse fixture) would run them here instead.
    celery_app.conf.task_always_eager = False

    def scan_by_hand(times: int) -> list[str]:
        with kombu.Connection(os.environ["REDIS_URL"]) as redis:
            return [scan_due_reminders.apply_async(connection=redis).id for _ in range(times)]

    def ran(task_ids: list[str]) -> bool:
        log = celery_processes.log("worker")
        return all(f"scan_due_reminders[{task_id}] succeeded" in log for task_id in task_ids)

    def scans_run() -> int:
        return len(re.findall(r"scan_due_reminders\[[^]]+\] succeeded", celery_processes.log("worker")))

    def refused_sends() -> int:
        return len(re.findall(r"send_message\[\S+\] succeeded in \S+ False", celery_processes.log("worker")))

    celery_processes.start_worker(env)
    try:
        started = time.monotonic()
        worker_ready = wait_until(
            lambda: " ready." in celery_processes.log("worker"), timeout=30, processes=celery_processes
        )
        assert worker_ready, "the worker did not start"
        # A burst of scans at once, on two worker processes, before anything is sent: each can queue
        # the same two sends, so only the claim stands between the members and a second email.
        burst = scan_by_hand(3)
        celery_processes.start_beat(env)

        arrived = wait_until(
            lambda: handler.count() >= 2, timeout=EMAIL_WAIT_SECONDS, processes=celery_processes
        )
        assert arrived, f"{handler.count()} of 2 emails arrived in {EMAIL_WAIT_SECONDS} s"
        print(f"both emails {time.monotonic() - started:.1f} s after the worker started")

        # Scans long after the sends, by hand and by beat (every second): nothing more goes out.
        scans_before = scans_run()
        later = scan_by_hand(2)
        assert wait_until(
            lambda: ran(burst + later) and scans_run() >= scans_before + 5,  # the 2 by hand, 3 by beat
            timeout=30,
            processes=celery_processes,
        ), "the worker did not run the later scans"
        time.sleep(1)  # any send the last scan wrongly queued would run by now

        print(f"{refused_sends()} queued sends found their message already claimed or sent")
        assert handler.count() == 2
        partner_of = {overdue.mentor.person.email: "Kai Mentee", overdue.mentee.person.email: "Rita Mentor"}
        assert sorted(m["To"].addresses[0].addr_spec for m in handler.messages) == sorted(partner_of)
        link = f"{SITE_URL}/pairings/{overdue.pk}/"
        for message in handler.messages:
            partner = partner_of[message["To"].addresses[0].addr_spec]
            assert message["Subject"] == f"Time for your first session with {partner}: fancy a catch-up?"
            assert link in message.get_body(preferencelist=("plain",)).get_content()
            assert f'href="{link}"' in message.get_body(preferencelist=("html",)).get_content()

        reminders = Reminder.objects.filter(pairing=overdue)
        assert reminders.count() == 2
        assert all(r.message.sent_at is not None for r in reminders)
        assert not Reminder.objects.exclude(pairing=overdue).exists()
    except BaseException:
        celery_processes.dump_logs()
        raise


# Short, so the test sees a dead worker's claim expire and Redis hand back its unacknowledged task.
LEASE_SECONDS = 4


def every_kind_due(today: datetime.date):
    """Five pairs silent since they started 30 days ago (each member owed a check-in, the admin an
    escalation), one with a session in two hours, an action item due today and an overdue goal, and
    a programme admin (the weekly digest). Returns the number of emails owed, counted by hand."""
    overdue, _recent = overdue_and_recent_pairs(today)
    cohort = overdue.cohort
    more = [
        PairingFactory(
            match_run=overdue.match_run,
            mentor=EnrolmentFactory(cohort=cohort, role=Enrolment.Role.MENTOR),
            mentee=EnrolmentFactory(cohort=cohort),
            started_on=today - 30 * DAY,
        )
        for _ in range(4)
    ]
    for pairing in more:
        for person in pairing.members():
            always_reachable(person)
    admin_user = User.objects.create_user(username="integration-admin", password=None)
    admin_user.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    always_reachable(PersonFactory(user=admin_user, full_name="Ines Admin"))
    ScheduledSession.objects.create(
        pairing=overdue, starts_at=timezone.now() + 2 * HOUR, created_by=overdue.mentor.person
    )
    ActionItem.objects.create(
        pairing=overdue, description="Read the guide", owner=overdue.mentee.person, due_on=today
    )
    GoalFactory(pairing=overdue, due_on=today - DAY)
    # check-ins 5 pairs x 2, one escalation listing the 5 pairs, session 2, action item 1, goal 2, digest 1
    return 5 * 2 + 1 + 2 + 1 + 2 + 1


def test_killed_worker_and_flushed_redis_between_scans_still_deliver_every_reminder_exactly_once(
    smtp_server, celery_processes
):
    handler, smtp_port = smtp_server
    owed = every_kind_due(timezone.localdate())
    redis_url = os.environ["REDIS_URL"]
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": str(LEASE_SECONDS),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "REMINDER_SCAN_SECONDS": "1",
        "OUTBOX_SWEEP_SECONDS": "1",
        "OUTBOX_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
        "DEBUG": "true",
        "SITE_URL": SITE_URL,
        "PYTHONUNBUFFERED": "1",
    }
    celery_app.conf.task_always_eager = False

    def scan_by_hand(times: int) -> None:
        with kombu.Connection(redis_url) as redis:
            for _ in range(times):
                scan_due_reminders.apply_async(connection=redis)

    def flush_redis() -> None:
        with kombu.Connection(redis_url) as redis:
            redis.default_channel.client.flushdb()

    def scans_run() -> int:
        return len(re.findall(r"scan_due_reminders\[[^]]+\] succeeded", celery_processes.log("worker")))

    celery_processes.start_worker(env)
    try:
        assert wait_until(
            lambda: " ready." in celery_processes.log("worker"), timeout=30, processes=celery_processes
        )
        handler.hold()  # the SMTP server stalls: the worker is caught in the middle of its batch
        scan_by_hand(2)
        assert wait_until(lambda: handler.held >= 2, timeout=30, processes=celery_processes), "no send began"

        celery_processes.kill_worker()  # SIGKILL, both pool children mid-send
        flush_redis()  # and every queued send and scan is gone with it
        handler.release()
        assert handler.count() == 0

        celery_processes.start_worker(env)
        celery_processes.start_beat(env)
        # More scans, by beat every second and by hand, with Redis flushed between them.
        for _ in range(3):
            before = scans_run()
            scan_by_hand(1)
            assert wait_until(lambda b=before: scans_run() > b, timeout=30, processes=celery_processes)
            flush_redis()

        arrived = wait_until(
            lambda: handler.count() >= owed, timeout=EMAIL_WAIT_SECONDS, processes=celery_processes
        )
        assert arrived, f"{handler.count()} of {owed} emails arrived"
        time.sleep(LEASE_SECONDS + 3)  # a redelivered task or a later sweep would have sent again by now

        assert handler.count() == owed
        received = [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in handler.messages]
        assert len(set(received)) == owed
        assert len({m["Message-ID"] for m in handler.messages}) == owed
        # The escalation's email is one for five pairs: its reminders (one a pair) link no email.
        escalated = Reminder.objects.filter(kind=Reminder.Kind.CHECK_IN_OVERDUE)
        assert escalated.count() == 5
        assert Reminder.objects.count() == owed - 1 + 5
        told = Reminder.objects.exclude(pk__in=escalated).select_related("message")
        assert all(r.message.sent_at is not None for r in told)
    except BaseException:
        celery_processes.dump_logs()
        raise
