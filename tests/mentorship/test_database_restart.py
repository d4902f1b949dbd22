"""PostgreSQL restarted under a running site (issue 12): gunicorn with kept connections
(CONN_MAX_AGE) on a PostgreSQL cluster of the test's own. A request waiting on the database when it
restarts gets the product's error page at once, not a hang; while it is down /healthz/ says so in
JSON and pages get the error page; the requests after it work (CONN_HEALTH_CHECKS: a kept
connection the restart killed is replaced before a request uses it)."""

import json
import os
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from demo import loadtest
from tests.factories import build_world
from tests.realservers import site_password

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

PASSWORD = "restart-proof"  # noqa: S105 (a test login)
ERROR_PAGE = b"Something went wrong"


def _waiting_on_a_lock(observer) -> int:
    # The observer must not be in a transaction: PostgreSQL lists the backends of pg_stat_activity
    # once per transaction, so a poll inside the locker's would never see a backend that connected
    # after its first poll (the six requests above may all have gone to one worker).
    with observer.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def test_a_restart_gives_requests_in_flight_the_error_page_and_the_next_ones_work(own_postgres, tmp_path):
    world = build_world(today=timezone.localdate())
    world.mentee.user.password = site_password(PASSWORD)
    world.mentee.user.save(update_fields=["password"])
    dump = tmp_path / "world.dump"
    call_command("backup", str(dump))  # the test's rows, into the cluster the site runs on
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", "--noinput", str(dump)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": own_postgres.url, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr
    workspace = world.pair.get_absolute_url()
    site = {
        "DATABASE_URL": own_postgres.url,
        "CONN_MAX_AGE": "600",
        "REDIS_URL": "",  # the cache in each process: only the database is under test
        "DEBUG": "false",
        "SECRET_KEY": "a-test-key-that-is-long-enough-for-debug-off-0123456789",
    }
    with loadtest.gunicorn(workers=2, env=site) as port:
        member, waiting = loadtest.Client(port), loadtest.Client(port)
        member.login(world.mentee.user.username, PASSWORD)
        waiting.login(world.mentee.user.username, PASSWORD)
        for _ in range(6):  # both workers hold a kept connection
            assert member.get(workspace)[0] == 200

        # A request in flight: it waits on a lock on the logins table until the restart.
        locker = psycopg2.connect(own_postgres.url)
        with locker.cursor() as cursor:
            cursor.execute("LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE")
        answers = []
        observer = psycopg2.connect(own_postgres.url)
        observer.autocommit = True
        request = threading.Thread(target=lambda: answers.append(waiting.get(workspace)))
        request.start()
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(observer) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _waiting_on_a_lock(observer), "the request never reached the database"
        observer.close()
        started = time.monotonic()
        own_postgres.restart()
        request.join(timeout=30)
        assert not request.is_alive(), "the request in flight hung"
        assert time.monotonic() - started < 30
        status, body = answers[0]
        assert status == 500 and ERROR_PAGE in body

        for _ in range(10):  # each worker's killed connection is replaced before it is used
            status, body = member.get(workspace)
            assert status == 200, body[:300]

        own_postgres.stop()
        status, body = member.get("/healthz/")
        assert status == 503
        assert json.loads(body)["database"] == "down"
        status, body = member.get(workspace)
        assert status == 500 and ERROR_PAGE in body

        own_postgres.start()
        assert member.get("/healthz/")[0] == 200
        assert member.get(workspace)[0] == 200
