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

from tests.conftest import empty_caches, login

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
