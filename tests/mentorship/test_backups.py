"""`manage.py backup` and `restore` (mentorship/backups.py): a backup restored into a fresh database
on the same PostgreSQL cluster holds the same rows in every table, and a person can log in there."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.utils import timezone

from mentorship import backups
from tests.factories import SessionFactory, build_world
from tests.realservers import site_password, subprocess_database_url

PASSWORD = "restored-and-still-mine"  # noqa: S105 (a test login)


def _connect(name: str):
    db = connection.settings_dict
    return psycopg2.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None, dbname=name
    )


def _row_counts(name: str) -> dict[str, int]:
    db = _connect(name)
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            counts = {}
            for (table,) in cursor.fetchall():
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        db.close()


def _as_admin(statement: str) -> None:
    admin = _connect("postgres")
    admin.autocommit = True  # CREATE and DROP DATABASE refuse to run in a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


@pytest.fixture
def fresh_database():
    """A second, empty database on the test's PostgreSQL cluster; its URL, dropped at the end."""
    name = f"restore_{uuid.uuid4().hex[:10]}"
    _as_admin(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    try:
        yield name, f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{name}"
    finally:
        _as_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, database_url: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
        timeout=180,
    )


LOGIN_THERE = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
from django.urls import reverse
client = Client()
answer = client.post(reverse("login"), {"username": %r, "password": %r})
home = client.get(reverse("home"))
print(json.dumps([answer.status_code, answer.get("Location"), home.status_code]))
"""


@pytest.mark.postgres
@pytest.mark.timeout(300)
@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_a_backup_restored_into_a_fresh_database_has_every_row_and_a_working_login(tmp_path, fresh_database):
    world = build_world(today=timezone.localdate())
    SessionFactory.create_batch(3, pairing=world.pair)
    user = world.mentor.user
    user.password = site_password(PASSWORD)
    user.save(update_fields=["password"])
    fresh_name, fresh_url = fresh_database
    dump = tmp_path / "mentorship.dump"

    call_command("backup", str(dump))
    restored = _manage("restore", str(dump), database_url=fresh_url, stdin=b"yes\n")

    assert restored.returncode == 0, restored.stderr.decode()
    before = _row_counts(connection.settings_dict["NAME"])
    after = _row_counts(fresh_name)
    assert before["auth_user"] >= 7 and before["mentoring_sessions_mentoringsession"] == 3
    assert after == before
    login = subprocess.run(
        [sys.executable, "-c", LOGIN_THERE % (user.username, PASSWORD)],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": fresh_url,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert login.returncode == 0, login.stderr
    status, location, home = json.loads(login.stdout.strip().splitlines()[-1])
    assert (status, home) == (302, 200), location


@pytest.mark.postgres
@pytest.mark.timeout(300)
@pytest.mark.django_db(transaction=True)
def test_with_docker_compose_a_backup_goes_through_standard_output_and_back_in(fresh_database):
    """`docker compose exec -T web python manage.py backup - > file` and `restore --noinput - < file`."""
    build_world(today=timezone.localdate())
    fresh_name, fresh_url = fresh_database

    dumped = _manage("backup", "-", database_url=subprocess_database_url())
    assert dumped.returncode == 0, dumped.stderr.decode()
    assert dumped.stdout.startswith(b"PGDMP")  # pg_dump's custom format, and nothing else
    restored = _manage("restore", "--noinput", "-", database_url=fresh_url, stdin=dumped.stdout)

    assert restored.returncode == 0, restored.stderr.decode()
    assert _row_counts(fresh_name) == _row_counts(connection.settings_dict["NAME"])


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_password_never_reaches_the_command_line(monkeypatch, tmp_path):
    seen = []

    def run(command, env, **kwargs):
        seen.append((command, env))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backups.subprocess, "run", run)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-pw")
    backups.backup(tmp_path / "x.dump")
    (tmp_path / "x.dump").write_bytes(b"")
    backups.restore(tmp_path / "x.dump")

    for command, env in seen:
        assert not any("s3cret-pw" in part for part in command)
        assert env["PGPASSWORD"] == "s3cret-pw"


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(backups.BackupError, match="no backup at"):
        backups.restore(tmp_path / "nowhere.dump")


def _sqlite(path) -> SqliteWrapper:
    return SqliteWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
        },
        alias="backup-test",
    )


def test_sqlite_is_copied_whole_and_restored_over_the_live_file(tmp_path, django_db_blocker):
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as db:
        db.execute("CREATE TABLE person (name TEXT)")
        db.executemany("INSERT INTO person VALUES (?)", [("Ada",), ("Grace",)])
    db.close()
    wrapper = _sqlite(live)

    with django_db_blocker.unblock():  # a database of the test's own, beside the test database
        backups.backup(tmp_path / "copy.sqlite3", using=wrapper)
        with wrapper.cursor() as cursor:
            cursor.execute("DELETE FROM person")
        backups.restore(tmp_path / "copy.sqlite3", using=wrapper)

        with wrapper.cursor() as cursor:
            cursor.execute("SELECT name FROM person ORDER BY name")
            assert cursor.fetchall() == [("Ada",), ("Grace",)]
        wrapper.close()
