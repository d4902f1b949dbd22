"""The reminder figures of `bench --reminders-only`: one scan over many active pairings (time, peak
Python memory, queries) and one worker's send rate to an SMTP server on loopback."""

import datetime
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import MatchRun, Pairing
from outbox.models import Message
from outbox.services import message_send
from people.models import Person, Team
from programmes.models import Cohort, Enrolment, Programme
from reminders.models import Reminder
from reminders.services import reminders_scan_due
from sessions.models import MentoringSession

DAY = datetime.timedelta(days=1)
# Pairs of the bench that met three days ago; the rest (10 %) are due a check-in.
MET_SHARE = 0.9


def seed_pairings(count: int, *, today: datetime.date, tag: str) -> None:
    """`count` active pairings in one active cohort, each with its own mentor and mentee, started
    20 days ago (due a check-in, not yet escalated); 90 % met three days ago. Set-based inserts."""
    team = Team.objects.create(name=f"Bench {tag}")
    programme = Programme.objects.create(name=f"Bench reminders {tag}")
    cohort = Cohort.objects.create(
        programme=programme,
        name=f"Bench {tag}",
        state=Cohort.State.ACTIVE,
        starts_on=today - 30 * DAY,
        ends_on=today + 150 * DAY,
        cadence_days=14,
        check_in_interval_days=60,
    )
    people = Person.objects.bulk_create(
        [
            Person(full_name=f"Bench{tag} Person{i}", email=f"b{tag}.{i}@example.com", team=team,
                   hire_date=datetime.date(2024, 1, 1))
            for i in range(2 * count)
        ],
        batch_size=5000,
    )  # fmt: skip
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                cohort=cohort, person=p, role=Enrolment.Role.MENTOR if i % 2 == 0 else Enrolment.Role.MENTEE
            )
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    run = MatchRun.objects.create(
        cohort=cohort, status=MatchRun.Status.PUBLISHED, published_at=timezone.now()
    )
    pairings = Pairing.objects.bulk_create(
        [
            Pairing(
                match_run=run,
                cohort=cohort,
                mentor=enrolments[2 * i],
                mentee=enrolments[2 * i + 1],
                score=70,
                explanation=[],
                status=Pairing.Status.ACTIVE,
                started_on=today - 20 * DAY,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    met = int(count * MET_SHARE)
    MentoringSession.objects.bulk_create(
        [
            MentoringSession(pairing=p, held_on=today - 3 * DAY, logged_by_id=p.mentor.person_id)
            for p in pairings[:met]
        ],
        batch_size=5000,
    )


def programme_admin(tag: str) -> None:
    user = User.objects.create_user(username=f"bench-admin-{tag}", password=None)
    user.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    Person.objects.create(user=user, full_name="Bench Admin", email=f"admin-{tag}@example.com",
                          team=Team.objects.first(), hire_date=datetime.date(2020, 1, 1))  # fmt: skip


def scan_figures(*, now: datetime.datetime, trace_memory: bool) -> str:
    """Wall and CPU seconds, queries, reminders recorded and memory (the process's peak RSS, or with
    `trace_memory` the peak of Python's allocations during the scan, which slows it) of one scan."""
    if trace_memory:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        ids = reminders_scan_due(now=now)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if trace_memory:
        memory = f"peak Python allocations {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB"
        tracemalloc.stop()
    else:
        memory = f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    recorded = f"{len(queries)} queries, {len(ids):,} reminders recorded"
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    slow = "; ".join(f"{float(q['time']):.2f} s {q['sql'][:60]}" for q in slowest)
    return f"{seconds:.2f} s ({cpu:.2f} s CPU), {recorded}, {memory}\n    slowest queries: {slow}"


def send_rate(*, limit: int) -> tuple[int, float, float]:
    """Send up to `limit` pending messages as one worker does (claim, send, mark sent), one after the
    other, to an aiosmtpd server on loopback in its own process (as a real server is: in this one it
    would share the interpreter lock with the sender). Returns (sent, seconds, CPU seconds of this
    process)."""
    from django.test.utils import override_settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        overrides = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
        pending = Message.objects.filter(status=Message.Status.PENDING).order_by("pk")
        ids = list(pending.values_list("pk", flat=True)[:limit])
        Message.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
        with override_settings(**overrides):
            start, cpu = time.perf_counter(), time.process_time()
            sent = sum(message_send(message_id=pk) for pk in ids)
            return sent, time.perf_counter() - start, time.process_time() - cpu
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(stdout, *, pairings: int, sends: int) -> None:
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The embedded broker is a folder the developer's own worker reads: the bench's sends are
        # not published there (on Redis, publishing them is part of the scan's time).
        stdout.write("(filesystem broker: the scans' sends are not published, the sweep would find them)")
        with mock.patch("outbox.services._queue_send"):
            _run(stdout, pairings=pairings, sends=sends)
    else:
        _run(stdout, pairings=pairings, sends=sends)


def _run(stdout, *, pairings: int, sends: int) -> None:
    # A Monday morning in UTC, when default working hours let every email go at once.
    now = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    today = now.date()
    sizes = sorted({max(pairings // 5, 1), pairings})
    total = 0
    for size in sizes:
        tag = f"{size}-{int(time.time())}"
        start = time.perf_counter()
        seed_pairings(size - (total if size != sizes[0] else 0), today=today, tag=tag)
        if size == sizes[0]:
            programme_admin(tag)
        total = size
        stdout.write(f"seeded to {Pairing.objects.filter(status='active').count():,} active pairings "
                     f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        Reminder.objects.all().delete()
        Message.objects.all().delete()
        from notifications.models import Notification

        Notification.objects.all().delete()
        if connection.vendor == "postgresql":
            # As autovacuum would have by the time an organisation had this many pairs: planner
            # statistics from before the bulk insert picked a nested loop that took 14 s of the scan.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        later = now + datetime.timedelta(minutes=5)
        first = scan_figures(now=now, trace_memory=False)
        stdout.write(f"reminder scan over {total:,} active pairings: {first}")
        again = scan_figures(now=later, trace_memory=False)
        stdout.write(f"  the same scan again, nothing new owed: {again}")
        stdout.write(f"  and again, memory traced: {scan_figures(now=later, trace_memory=True)}")
    sent, seconds, cpu = send_rate(limit=sends)
    stdout.write(
        f"one worker to SMTP on loopback: {sent:,} emails in {seconds:.2f} s = {sent / seconds:.0f} emails/s "
        f"({cpu:.2f} s CPU in this process)"
    )
