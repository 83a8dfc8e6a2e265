"""The Redis cache, with the database standing in while Redis is down.

Throttles, allauth's sign-in limits and sessions' rate data live in the cache. With plain RedisCache
an outage turned every API call and the sign-in page into a 500. Here each operation that cannot
reach Redis is served by the `fallback` cache (a database table, `cache_fallback`), so requests
proceed and password-guessing limits keep counting from the database. A warning is logged at
most once a minute while it lasts.
"""

from __future__ import annotations

import hashlib
import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

FALLBACK_ALIAS = "fallback"
_WARN_EVERY_SECONDS = 60


# Raise each counter by one and give a new one its expiry: KEYS are the counters, ARGV[i] the
# seconds KEYS[i] lives. A script runs atomically, so no request sees a counter without expiry.
_INCR_WINDOWS = """
local counts = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = n
end
return counts
"""
_INCR_WINDOWS_SHA = hashlib.sha1(_INCR_WINDOWS.encode()).hexdigest()


def incr_windows(cache, items: list[tuple[str, int]]) -> list[int]:
    """Raise each (key, timeout) counter of any Django cache by one, creating it if missing, and
    return the new counts. `add` then `incr` (atomic in Redis and in the database cache); a cache
    with its own `incr_windows` (FailoverRedisCache: one round trip for all) does it its way."""
    own = getattr(cache, "incr_windows", None)
    if own is not None:
        return own(items)
    counts = []
    for key, timeout in items:
        cache.add(key, 0, timeout=timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)
            counts.append(1)
    return counts


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, but one redis.Redis per connection pool instead of a new one per operation.

    Django builds a redis.Redis around the pool for every get/add/incr; its constructor fills a
    table of ~170 response callbacks, which took ~0.2 ms of CPU per throttled API request (more
    than the Redis round trip itself). A redis.Redis only holds the pool and is safe to share
    between threads; the pool checks the process id, so a forked worker opens its own sockets.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailoverRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _fallback(self, exc: Exception):
        now = time.monotonic()
        if now - FailoverRedisCache._last_warning > _WARN_EVERY_SECONDS:
            FailoverRedisCache._last_warning = now
            logger.warning("Redis cache unreachable (%s); using the database cache until it is back.", exc)
        return caches[FALLBACK_ALIAS]

    def _run(self, name: str, *args, **kwargs):
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            return getattr(self._fallback(exc), name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._run("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._run("delete", key, version)

    def get_many(self, keys, version=None):
        return self._run("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._run("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._run("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._run("delete_many", keys, version)

    def clear(self):
        return self._run("clear")

    def incr_windows(self, items: list[tuple[str, int]], version=None) -> list[int]:
        """incr_windows() for every (key, timeout) in one round trip: a Lua script (EVALSHA), where
        add + incr cost three (Django's incr asks EXISTS first). Counters are plain integers, as
        `add`/`incr` write them, so either path reads the other's."""
        if not items:
            return []
        keys = [self.make_and_validate_key(key, version=version) for key, _ in items]
        timeouts = [int(timeout) for _, timeout in items]
        try:
            client = self._cache.get_client(write=True)
            try:
                return client.evalsha(_INCR_WINDOWS_SHA, len(keys), *keys, *timeouts)
            except redis.exceptions.NoScriptError:  # a restarted or new server: EVAL loads it
                return client.eval(_INCR_WINDOWS, len(keys), *keys, *timeouts)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            return incr_windows(self._fallback(exc), items)
