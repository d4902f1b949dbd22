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
from django.utils import timezone

from matching.models import Pairing
from mentorship.celery import app as celery_app
from programmes.models import Cohort, Enrolment
from reminders.models import Reminder
from reminders.tasks import scan_due_reminders
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    MatchRunFactory,
    PairingFactory,
    PersonFactory,
    SessionFactory,
)
from tests.realservers import subprocess_database_url, wait_until

SITE_URL = "http://mentorship.test"
EMAIL_WAIT_SECONDS = 60
DAY = datetime.timedelta(days=1)

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
    return overdue, recent


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
