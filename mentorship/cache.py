"""Django's Redis cache, keeping one client per connection pool (issue 8, §5), and riding out a
Redis outage (issue 12).

Django's `RedisCacheClient` makes a new `redis.Redis` for every cache call; building one registers
its ~170 response callbacks, about 0.1 ms of CPU, and a page makes three or four calls (session,
stamp and kept page, figures). The client holds no state of its own beside its pool (which
redis-py resets in a forked child), so one per pool serves every call.

A Redis that is down or hangs is a miss, never an error: a read gives the default, a write does
nothing, each with a logged warning, so pages are rendered from the database and every write still
succeeds (the sessions are written through to the database too). What a failed write leaves behind
is the danger: a stamp that a write could not replace (mentorship/stamps.py), or a session a logout
could not forget, is still in Redis when it comes back with its data (compose runs it with an
append-only file), and the pages kept under the old stamp would be served as if nothing had changed.
So a process that saw Redis fail owes a flush: before its next call reaches Redis, it deletes every
key of the app's (KEY_PREFIX, never Celery's keys in a shared server), and only then serves from the
cache again. Every process that served a request during the outage saw it fail (the session is read
from Redis first); a process that served none and answers before any of those does could still read
an old page, for as long as that takes (documented in the README, "Faults").
"""

import functools
import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failure, calls skip Redis for this long: a Redis that hangs costs one timeout per process
# and second, not one per cache call (a page makes three or four).
RETRY_AFTER_SECONDS = 1.0

# What a Redis that is down, restarting (BusyLoadingError is a ConnectionError) or hanging raises.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class _KeptClientRedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _tolerant(fallback):
    """The cache call, or `fallback(*args, **kwargs)` when Redis is unavailable (a logged warning)."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if not self._reachable():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                self._failed(error, method.__name__)
                return fallback(*args, **kwargs)

        return call

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClientRedisCacheClient
        # Set by any call that found Redis unavailable; cleared once the app's keys are deleted.
        self.flush_owed = False
        self._retry_at = 0.0

    def _failed(self, error, what: str) -> None:
        self.flush_owed = True
        self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning("Cache unavailable, %s skipped: %s", what, error)

    def _reachable(self) -> bool:
        """False while a recent failure says Redis is down; otherwise the flush owed, if any, done."""
        if not self.flush_owed:
            return True
        if time.monotonic() < self._retry_at:
            return False
        try:
            self._flush_own_keys()
        except UNAVAILABLE as error:
            self._failed(error, "flush")
            return False
        return True

    def _flush_own_keys(self) -> None:
        client = self._cache.get_client(write=True)
        pattern = self.make_key("*", version="*")
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
        self.flush_owed = False
        logger.warning("Cache reachable again: its keys were deleted, as writes may have been lost")

    add = _tolerant(lambda *a, **k: False)(django_redis.RedisCache.add)
    get = _tolerant(_default)(django_redis.RedisCache.get)
    set = _tolerant(lambda *a, **k: None)(django_redis.RedisCache.set)
    touch = _tolerant(lambda *a, **k: False)(django_redis.RedisCache.touch)
    delete = _tolerant(lambda *a, **k: False)(django_redis.RedisCache.delete)
    get_many = _tolerant(lambda *a, **k: {})(django_redis.RedisCache.get_many)
    has_key = _tolerant(lambda *a, **k: False)(django_redis.RedisCache.has_key)
    set_many = _tolerant(lambda data, *a, **k: list(data))(django_redis.RedisCache.set_many)
    delete_many = _tolerant(lambda *a, **k: None)(django_redis.RedisCache.delete_many)

    def ping(self) -> bool:
        """Whether Redis answers (for /healthz/); a failure owes a flush like any other call."""
        if not self._reachable():
            return False
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNAVAILABLE as error:
            self._failed(error, "ping")
            return False
