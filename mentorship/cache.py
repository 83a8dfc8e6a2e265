"""The Redis cache, with the database standing in while Redis is down.

Throttles, allauth's sign-in limits and sessions' rate data live in the cache. With plain RedisCache
an outage turned every API call and the sign-in page into a 500. Here each operation that cannot
reach Redis is served by the `fallback` cache (a database table, `cache_fallback`), so requests
proceed and password-guessing limits keep counting from the database. A warning is logged at
most once a minute while it lasts.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

FALLBACK_ALIAS = "fallback"
_WARN_EVERY_SECONDS = 60


class FailoverRedisCache(RedisCache):
    _last_warning = 0.0

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
