"""What /healthz/ reports: whether the database, the Celery broker and (when it is a server of its
own) the cache answer, each with a short timeout so a hanging server cannot hold the check.

`/healthz/` is also the reference page of `make bench` (other pages' targets are a share of its
throughput), so it stays cheap: the database is asked on every request (one `SELECT 1` on the
request's connection, the thing a load balancer most needs to know), while the broker's and the
cache's answers are kept in the process for `HEALTHZ_REMEMBER_SECONDS` (2 s by default). A ping is
a network round trip; at a thousand checks a second it would measure Redis rather than Django, and
a load balancer that polls every few seconds learns nothing from an answer fresher than 2 s. A
failed ping is remembered as well, so a hanging Redis costs one timeout per process every 2 s.
"""

import functools
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import Error as DatabaseError
from django.db import connection

from mentorship.cache import UNAVAILABLE
from mentorship.cache import RedisCache as AppRedisCache

OK, DOWN = "ok", "down"
# Seconds a ping may take before the server counts as down.
PING_TIMEOUT = 1.0

_remembered: dict[str, tuple[float, str]] = {}
_redis_clients: dict[str, object] = {}


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return DOWN
    return OK


def _remember(name: str, ask) -> str:
    now = time.monotonic()
    seen = _remembered.get(name)
    if seen is not None and now - seen[0] < settings.HEALTHZ_REMEMBER_SECONDS:
        return seen[1]
    state = ask()
    _remembered[name] = (time.monotonic(), state)
    return state


def _redis_ping(url: str) -> str:
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(
            url, socket_timeout=PING_TIMEOUT, socket_connect_timeout=PING_TIMEOUT
        )
    try:
        client.ping()
    except UNAVAILABLE:
        return DOWN
    return OK


def _ask_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        return _redis_ping(url)
    from mentorship.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=PING_TIMEOUT)
    except Exception:  # noqa: BLE001 (kombu raises each transport's own errors)
        return DOWN
    return OK


@functools.lru_cache(maxsize=16)
def _server(url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def cache_is_separate() -> bool:
    """A Redis cache on another server than the broker's (on the same one, the broker's answer
    covers it)."""
    if not isinstance(caches["default"], AppRedisCache):
        return False
    location = settings.CACHES["default"]["LOCATION"]
    return _server(location) != _server(settings.CELERY_BROKER_URL)


def broker_state() -> str:
    return _remember("broker", _ask_broker)


def cache_state() -> str:
    return _remember("cache", lambda: OK if caches["default"].ping() else DOWN)


def report() -> dict[str, str]:
    """Each part's state, and "status": "ok" only if all of them are."""
    parts = {"database": database_state(), "broker": broker_state()}
    if cache_is_separate():
        parts["cache"] = cache_state()
    status = OK if all(state == OK for state in parts.values()) else "degraded"
    return {"status": status, **parts}


class AnonymousHealthCheck:
    """/healthz/ is answered without the caller's cookies: a health check is anonymous, and a
    browser's session (read from the database, to know whether the caller is logged in) would turn a
    database outage into an error page instead of the 503 that reports it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:
            from django.urls import reverse

            self.path = reverse("healthz")
        if request.path_info == self.path:
            request.COOKIES = {}
        return self.get_response(request)
