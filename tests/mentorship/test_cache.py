"""The cache and the sessions in it (issue 8, §5): Redis when REDIS_URL is set, and tests that cannot
see each other's cached state."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import timezone

from mentorship import cache as cache_module
from mentorship.cache import RedisCache as KeptClientRedisCache
from tests.conftest import empty_caches, login
from tests.realservers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def _cache_settings(redis_url: str | None) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings", "DEBUG": "true"}
    env.pop("REDIS_URL", None)
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION', ''), "
        "s.SESSION_ENGINE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sessions_come_from_redis_when_it_is_configured_and_from_the_database_otherwise():
    assert _cache_settings("redis://cache.example:6379/1") == [
        "mentorship.cache.RedisCache",
        "redis://cache.example:6379/1",
        "django.contrib.sessions.backends.cached_db",
    ]
    # The embedded set-up: a cache per process, so sessions stay in the database alone.
    assert _cache_settings(None) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "",
        "django.contrib.sessions.backends.db",
    ]


def test_a_logout_ends_the_session_held_in_the_cache(client, world):
    login(client, world.mentee.user)
    assert client.get(reverse("home")).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # an old copy of the cookie
    assert client.get(reverse("home")).status_code == 302


def test_each_test_starts_with_an_empty_cache_part_one():
    assert cache.get("left-by-another-test") is None
    cache.set("left-by-another-test", 1)


def test_each_test_starts_with_an_empty_cache_part_two():
    assert cache.get("left-by-another-test") is None
    cache.set("left-by-another-test", 2)


@pytest.mark.redis
def test_emptying_the_cache_between_tests_leaves_celerys_keys_in_a_shared_redis():
    redis_cache = caches["default"]
    if not isinstance(redis_cache, RedisCache):
        pytest.skip("the cache is not Redis here (REDIS_URL is not set for the settings)")
    client = redis_cache._cache.get_client(write=True)
    cache.set("a-cached-fragment", "x")
    client.set("_kombu.binding.celery", "a queue binding")
    try:
        empty_caches()
        assert cache.get("a-cached-fragment") is None
        assert client.get("_kombu.binding.celery") == b"a queue binding"
    finally:
        client.delete("_kombu.binding.celery")


@pytest.mark.redis
def test_the_redis_cache_keeps_one_client_per_pool_and_works_through_it():
    """Django builds a new redis-py client on every call (mentorship/cache.py)."""
    redis_cache = caches["default"]
    if not isinstance(redis_cache, RedisCache):
        pytest.skip("the cache is not Redis here (REDIS_URL is not set for the settings)")
    from mentorship.cache import RedisCache as KeptClientRedisCache

    assert isinstance(redis_cache, KeptClientRedisCache)
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client(write=True)
    cache.set_many({"one": 1, "two": 2})
    assert cache.get_many(["one", "two", "three"]) == {"one": 1, "two": 2}


# --- a Redis that is down (issue 12) ----------------------------------------------------------


def _redis_cache(url: str) -> KeptClientRedisCache:
    return KeptClientRedisCache(
        url, {"KEY_PREFIX": "mentorship", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_a_redis_that_is_down_is_a_miss_and_a_no_op_with_a_warning(caplog, monkeypatch):
    monkeypatch.setattr(cache_module, "RETRY_AFTER_SECONDS", 0)
    down = _redis_cache(f"redis://127.0.0.1:{free_port()}/0")

    assert down.get("stamp") is None
    assert down.get("stamp", "fallback") == "fallback"
    assert down.get_many(["a", "b"]) == {}
    assert down.get_or_set("stamp", lambda: "made") == "made"
    assert down.add("a", 1) is False
    down.set("a", 1)
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    down.delete("a")
    down.delete_many(["a", "b"])
    assert down.has_key("a") is False
    assert down.ping() is False

    assert "Cache unavailable, get skipped" in caplog.text
    assert down.flush_owed


def test_after_a_failure_calls_skip_redis_for_a_moment(monkeypatch):
    """A Redis that hangs would otherwise cost a timeout on every cache call of every page."""
    down = _redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    down.get("stamp")
    tried = []
    monkeypatch.setattr(down._cache, "get", lambda *a, **k: tried.append(1))

    assert down.get("stamp") is None
    assert tried == []


@pytest.mark.redis
def test_a_write_lost_while_redis_was_down_never_serves_an_old_page_once_it_is_back(own_redis, monkeypatch):
    """Redis comes back with what it held (compose keeps an append-only file): the stamp a write
    could not replace would still point at the page rendered before the write."""
    monkeypatch.setattr(cache_module, "RETRY_AFTER_SECONDS", 0)
    url, start, stop = own_redis
    shared = _redis_cache(url)
    shared.set_many({"stamp:pair:1": "before", "page:pair:1:before": "<p>old</p>"})
    raw = shared._cache.get_client(write=True)
    raw.set("_kombu.binding.celery", "a queue binding")

    stop(keep_data=True)
    shared.delete_many(["stamp:pair:1"])  # a write replaces the pair's stamp: lost
    start()
    assert _redis_cache(url).get("stamp:pair:1") == "before"  # what another process would read

    assert shared.get("stamp:pair:1") is None
    assert shared.get("page:pair:1:before") is None
    assert not shared.flush_owed
    assert raw.get("_kombu.binding.celery") == b"a queue binding"  # Celery's keys are not the app's
    shared.set("stamp:pair:1", "after")
    assert shared.get("stamp:pair:1") == "after"


def test_pages_and_writes_work_with_the_cache_down(client, world, settings):
    """A member's kept page and a logout with Redis down."""
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "mentorship.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "KEY_PREFIX": "mentorship",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        login(client, world.mentee.user)
        assert client.get(reverse("home")).status_code == 200
        assert (
            client.get(reverse("mentoring_sessions:pairing-detail", args=[world.pair.pk])).status_code == 200
        )
        client.post(reverse("logout"))
        assert client.get(reverse("home")).status_code == 302
    finally:
        settings.CACHES = original  # before the autouse fixture empties the cache


def test_an_admin_invites_and_publishes_with_the_cache_down(
    client, world, settings, django_capture_on_commit_callbacks
):
    """Writes that replace a cohort's stamp (mentorship/stamps.py) and owe emails: saved, emails in
    the outbox, nothing raised by the stamps the cache could not replace."""
    from matching.models import MatchRun
    from matching.services import match_run_create
    from outbox.models import Message
    from programmes.models import Cohort, Enrolment
    from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory

    cohort = CohortFactory(state=Cohort.State.ENROLLING, programme=world.cohort.programme)
    for role, hired in ((Enrolment.Role.MENTOR, "2015-01-01"), (Enrolment.Role.MENTEE, "2025-06-01")):
        EnrolmentFactory(
            cohort=cohort,
            role=role,
            capacity=1,
            person=PersonFactory(hire_date=hired),
            profile_completed_at=timezone.now(),
        )
    run = match_run_create(cohort=cohort, by=world.admin)
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "mentorship.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "KEY_PREFIX": "mentorship",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        login(client, world.admin)
        with django_capture_on_commit_callbacks(execute=True):
            invited = client.post(
                reverse("enrolment:invite", args=[cohort.pk]),
                {"people": [world.outsider.pk], "role": "mentee"},
            )
            published = client.post(reverse("matching:run-publish", args=[run.pk]))
    finally:
        settings.CACHES = original

    assert invited.status_code == 302 and published.status_code == 302
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.PUBLISHED
    assert Message.objects.filter(to=world.outsider.email).exists()
    assert Message.objects.count() >= 3  # the invitation and both sides of the published pair
