"""Owed emails survive a killed worker and a stopped broker, on real servers: PostgreSQL, Redis,
an SMTP server and a Celery worker and beat in their own processes. Each owed email arrives once.
"""

import datetime
import os
import time

import kombu
import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.celery import app as celery_app
from outbox import services as outbox_services
from outbox.models import Message
from outbox.tasks import send_message
from sessions import services as session_services
from tests.conftest import login
from tests.factories import build_world
from tests.realservers import subprocess_database_url, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),  # the worker must see committed rows
    pytest.mark.timeout(240),
]

# Short, so a test sees a dead worker's claim expire and Redis hand back its unacknowledged task.
LEASE_SECONDS = 4


def worker_env(*, redis_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": str(LEASE_SECONDS),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "OUTBOX_SWEEP_SECONDS": "1",
        "OUTBOX_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
        # The world's pairs are overdue on the real clock: no reminder scan during these tests.
        "REMINDER_SCAN_SECONDS": "86400",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def web_publishes_to(monkeypatch):
    """Make this process publish the outbox's send tasks to a given Redis, as a web process
    configured with CELERY_BROKER_URL would (this process's Celery app keeps its own broker)."""
    celery_app.conf.task_always_eager = False

    def point_at(redis_url: str):
        def publish(message_id: int):
            with kombu.Connection(redis_url, connect_timeout=1) as redis:
                send_message.apply_async(
                    (message_id,), connection=redis, retry_policy={"max_retries": 1, "interval_start": 0}
                )

        monkeypatch.setattr(outbox_services, "_queue_send", publish)

    return point_at


def invites_received(handler) -> list[str]:
    return sorted(
        m["To"].addresses[0].addr_spec
        for m in handler.messages
        if any(part.get_filename() == "invite.ics" for part in m.iter_attachments())
    )


def test_a_worker_killed_while_it_sends_delays_the_invites_but_each_arrives_once(
    smtp_server, celery_processes, web_publishes_to
):
    handler, smtp_port = smtp_server
    redis_url = os.environ["REDIS_URL"]
    env = worker_env(redis_url=redis_url, smtp_port=smtp_port)
    world = build_world(today=timezone.localdate())
    web_publishes_to(redis_url)
    celery_processes.start_worker(env)
    try:
        assert wait_until(
            lambda: " ready." in celery_processes.log("worker"), timeout=30, processes=celery_processes
        )
        handler.hold()  # the SMTP server stalls mid-conversation

        session_services.session_schedule(
            pairing=world.pair,
            by=world.mentor,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            duration_minutes=45,
            format="video",
        )
        assert Message.objects.filter(kind="session_changed").count() == 2
        assert wait_until(lambda: handler.held >= 1, timeout=30, processes=celery_processes), "no send began"

        celery_processes.kill_worker()  # SIGKILL while it waits on the SMTP server
        handler.release()
        assert handler.messages == []
        assert Message.objects.filter(status=Message.Status.SENT).count() == 0

        celery_processes.start_worker(env)
        celery_processes.start_beat(env)  # its sweep finds what the dead worker claimed, once the lease ends
        assert wait_until(lambda: len(handler.messages) >= 2, timeout=60, processes=celery_processes)
        time.sleep(LEASE_SECONDS + 3)  # a redelivered task or a later sweep would have sent again by now

        assert invites_received(handler) == sorted([world.mentor.email, world.mentee.email])
        assert len(handler.messages) == 2
        assert Message.objects.filter(status=Message.Status.SENT).count() == 2
    except BaseException:
        celery_processes.dump_logs()
        raise


def test_with_the_broker_down_scheduling_succeeds_and_the_invites_go_once_it_is_back(
    client, smtp_server, celery_processes, web_publishes_to, own_redis
):
    handler, smtp_port = smtp_server
    redis_url, start_redis, stop_redis = own_redis
    world = build_world(today=timezone.localdate())
    web_publishes_to(redis_url)
    stop_redis()

    login(client, world.mentor.user)
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse("mentoring_sessions:session-schedule", args=[world.pair.pk]),
        {
            "date": day.isoformat(),
            "time": "09:30",
            "duration_minutes": 45,
            "format": "video",
            "agenda": "Tone",
        },
    )

    assert response.status_code == 302  # saved, whatever the broker
    assert world.pair.scheduled_sessions.count() == 1
    assert Message.objects.filter(kind="session_changed", status=Message.Status.PENDING).count() == 2

    start_redis()
    env = worker_env(redis_url=redis_url, smtp_port=smtp_port)
    celery_processes.start_worker(env)
    celery_processes.start_beat(env)
    try:
        assert wait_until(lambda: len(handler.messages) >= 2, timeout=60, processes=celery_processes)
        time.sleep(3)  # several more sweeps: nothing more goes out
        assert invites_received(handler) == sorted([world.mentor.email, world.mentee.email])
        assert len(handler.messages) == 2
    except BaseException:
        celery_processes.dump_logs()
        raise


def test_with_redis_down_every_write_succeeds_and_what_it_owes_goes_once_it_is_back(
    client, settings, smtp_server, celery_processes, web_publishes_to, own_redis
):
    """One Redis holds the broker, the cache and the sessions (as in docker-compose.yml). It stops
    while a mentor and a mentee are logged in and comes back with what it held: every write in
    between succeeds, /healthz/ says 503, no page shows what Redis held from before the writes, and
    each email they owe is sent exactly once."""
    from tests.factories import GoalFactory

    handler, smtp_port = smtp_server
    redis_url, start_redis, stop_redis = own_redis
    cache_url = redis_url.removesuffix("/0") + "/1"
    original_caches = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "mentorship.cache.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": "mentorship",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = redis_url
    settings.HEALTHZ_REMEMBER_SECONDS = 0
    today = timezone.localdate()
    world = build_world(today=today)
    goal = GoalFactory(pairing=world.pair, created_at=timezone.now() - datetime.timedelta(days=7))
    web_publishes_to(redis_url)
    mentee = client.__class__()
    login(client, world.mentor.user)
    login(mentee, world.mentee.user)
    workspace = world.pair.get_absolute_url()
    try:
        assert "Went through refund macros" not in client.get(workspace).text  # kept in Redis
        stop_redis(keep_data=True)

        health = client.get(reverse("healthz"))
        assert health.status_code == 503 and health.json()["broker"] == "down"
        writes = [
            client.post(
                reverse("mentoring_sessions:session-schedule", args=[world.pair.pk]),
                {
                    "date": (today + datetime.timedelta(days=3)).isoformat(),
                    "time": "09:30",
                    "duration_minutes": 45,
                    "format": "video",
                    "agenda": "Tone",
                },
            ),
            client.post(
                reverse("mentoring_sessions:session-create", args=[world.pair.pk]),
                {
                    "held_on": (today - datetime.timedelta(days=1)).isoformat(),
                    "duration_minutes": 30,
                    "format": "video",
                    "topics": ["de-escalation"],
                    "notes": "Went through refund macros",
                    "rating": "5",
                    "items-TOTAL_FORMS": "0",
                    "items-INITIAL_FORMS": "0",
                },
            ),
            mentee.post(
                reverse("mentoring_sessions:goal-update", args=[world.pair.pk, goal.pk]),
                {"value": "85", "note": "Two reviews done"},
            ),
        ]
        assert [response.status_code for response in writes] == [302, 302, 302]
        assert world.pair.scheduled_sessions.count() == 1
        assert world.pair.sessions.filter(notes="Went through refund macros").exists()
        assert goal.updates.filter(value=85).exists()
        assert "Went through refund macros" in client.get(workspace).text  # from the database

        start_redis()
        time.sleep(1.2)  # the cache tries Redis again a second after its last failure
        assert client.get(reverse("healthz")).status_code == 200
        # Not the page kept under the stamp the session's write could not replace.
        assert "Went through refund macros" in client.get(workspace).text
    finally:
        settings.CACHES = original_caches

    owed = Message.objects.filter(status=Message.Status.PENDING)
    assert owed.filter(kind="session_changed").count() == 2
    # Emails held for the recipients' working hours go at once here: the hold is not under test.
    owed.update(next_attempt_at=timezone.now())
    expected = sorted(owed.values_list("to", "subject"))
    env = worker_env(redis_url=redis_url, smtp_port=smtp_port)
    celery_processes.start_worker(env)
    celery_processes.start_beat(env)
    try:
        assert wait_until(
            lambda: len(handler.messages) >= len(expected), timeout=60, processes=celery_processes
        )
        time.sleep(3)  # several more sweeps: nothing more goes out
        assert sorted((m["To"].addresses[0].addr_spec, m["Subject"]) for m in handler.messages) == expected
        assert Message.objects.exclude(status=Message.Status.SENT).count() == 0
    except BaseException:
        celery_processes.dump_logs()
        raise
