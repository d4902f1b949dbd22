"""Django's Redis cache, keeping one client per connection pool (issue 8, §5).

Django's `RedisCacheClient` makes a new `redis.Redis` for every cache call; building one registers
its ~170 response callbacks, about 0.1 ms of CPU, and a page makes three or four calls (session,
stamp and kept page, figures). The client holds no state of its own beside its pool (which
redis-py resets in a forked child), so one per pool serves every call.
"""

from django.core.cache.backends import redis as django_redis


class _KeptClientRedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClientRedisCacheClient
