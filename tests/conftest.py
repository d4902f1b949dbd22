"""Shared fixtures: the named people of every test, and the rules for tests that need real servers.

A test marked `postgres`, `redis` or `browser` skips with a reason when that server is not on the
machine; with REQUIRE_SERVICES=1 (as in CI) it fails instead, so nothing can pass by skipping.
"""

import datetime
import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from mentorship.celery import app as celery_app
from sessions.templatetags import blank_forms
from tests.browser import CHROMIUM, browser, page, phone_page  # noqa: F401 - shared by every browser test
from tests.oidc_provider.server import oidc_provider  # noqa: F401 - the single sign-on tests' provider
from tests.realservers import celery_processes, own_postgres, own_redis, smtp_server  # noqa: F401 - shared fixtures

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM
# calls from it (a known pytest-playwright issue).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _redis_available() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set (scripts/with-services starts Redis when redis-server is installed)"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"Redis at {url} is not reachable: {exc}"
    return None


def _postgres_available() -> str | None:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return "DATABASE_URL is not PostgreSQL (scripts/with-services starts a throwaway cluster)"
    return None


def _browser_available() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


# No test needs a statement that runs for minutes: one that does (a plan gone wrong) fails with its
# traceback instead of holding the whole run until CI's time limit.
TEST_STATEMENT_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """No autovacuum on the test database's tables. A test's rows never commit, so an ANALYZE that
    autovacuum runs mid-suite sees empty tables, and the planner then picks plans (nested loops over
    subqueries) that take minutes on the rows a later test does have. Left unanalysed, PostgreSQL
    estimates from each table's size, as it does in every test of a fresh run."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT format('ALTER TABLE %I.%I SET (autovacuum_enabled = false)',"
                    " schemaname, tablename) FROM pg_tables WHERE schemaname = current_schema()"
                )
                for (statement,) in cursor.fetchall():
                    cursor.execute(statement)


@receiver(connection_created)
def _bounded_statements(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [TEST_STATEMENT_TIMEOUT_MS])


_CHECKS = {"postgres": _postgres_available, "redis": _redis_available, "browser": _browser_available}


def pytest_runtest_setup(item):
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    for marker, check in _CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = check()
        if reason is None:
            continue
        if required:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_and_offline(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Sessions from the cache whether or not REDIS_URL is set (Redis, or this process's memory, which
    # is safe in one process), so pinned query counts are the same under plain pytest and with-services.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Fragments of a pair's pages are cached as with Redis (one process: its memory cache is shared).
    settings.PAIRING_FRAGMENT_SECONDS = 3600


def empty_caches() -> None:
    """Forget everything cached: the database rolls back after each test, and ids are reused, so
    anything cached about one test's rows would otherwise show in another's. In Redis, only the
    app's keys (KEY_PREFIX): Celery's queues may share the server with a worker still running."""
    for cache in caches.all():
        if isinstance(cache, RedisCache):
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _caches_start_empty():
    empty_caches()
    blank_forms.forget()
    yield
    empty_caches()


@pytest.fixture(autouse=True)
def _celery_runs_inline():
    """Tasks run in the test's own process unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


# --- named people -----------------------------------------------------------------------------


@pytest.fixture
def today():
    return datetime.date(2026, 11, 2)


@pytest.fixture
def working_hours(today, time_machine):
    """10:00 UTC on the world's `today` (a Monday), clock running: lifecycle emails wait for the
    person's working hours, so a test that reads what was sent runs inside them."""
    now = datetime.datetime.combine(today, datetime.time(10, 0), tzinfo=datetime.UTC)
    time_machine.move_to(now, tick=True)
    return now


@pytest.fixture
def world(db, today):
    """A small organisation: two teams, a manager, an admin, one cohort with two active pairs,
    and an outsider. Returns a namespace of the named objects."""
    from tests.factories import build_world

    return build_world(today=today)


@pytest.fixture
def admin_user(world):
    return world.admin


@pytest.fixture
def programme_admin_group(db):
    return Group.objects.get_or_create(name=django_settings.ADMINS_GROUP)[0]


def login(client, user: User):
    client.force_login(user)
    return client
