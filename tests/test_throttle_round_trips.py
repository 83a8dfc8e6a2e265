"""Throttles cost one Redis round trip: the counters are raised by a Lua script (INCR, and EXPIRE
for a new window), all of a view's throttles at once on the slots endpoint, and the database
cache still counts while Redis is down. Needs Redis (REDIS_URL); the outage tests need none.
"""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from mentorship.cache import FailoverRedisCache
from tests.test_cache_outage import DEAD_REDIS


def needs_redis(test):
    return pytest.mark.redis(pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL (CI does)")(test))


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands this process sends to Redis (a spy on redis-py: every command still runs)."""
    sent: list[str] = []
    real = redis.Redis.execute_command

    def spy(self, *args, **options):
        sent.append(str(args[0]).upper())
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    return sent


@needs_redis
def test_counters_rise_together_and_expire_with_their_window(db):
    assert isinstance(caches["default"], FailoverRedisCache)
    assert cache.incr_windows([("t:a", 61), ("t:b", 3601)]) == [1, 1]
    assert cache.incr_windows([("t:a", 61), ("t:b", 3601)]) == [2, 2]
    assert cache.get("t:a") == 2  # plain integers, as add/incr write them
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("t:a")) <= 61
    assert 61 < client.ttl(cache.make_key("t:b")) <= 3601


@needs_redis
def test_the_script_is_loaded_again_after_a_redis_restart_forgets_it(db):
    cache.incr_windows([("t:c", 60)])
    cache._cache.get_client(write=True).script_flush()
    assert cache.incr_windows([("t:c", 60)]) == [2]


@needs_redis
@pytest.mark.parametrize("signed_in", [False, True])
def test_slots_endpoint_throttles_in_one_redis_round_trip(client_for, mentor, mentee, redis_commands, signed_in):
    client = client_for(mentee) if signed_in else APIClient()
    url = reverse("api:slots-list", args=[mentor.pk])
    assert client.get(url).status_code == 200
    redis_commands.clear()
    assert client.get(url).status_code == 200
    # Anonymous calls meet two throttles (anon and user), signed-in ones one: one EVALSHA each way.
    assert redis_commands == ["EVALSHA"]


def test_slots_endpoint_answers_429_once_any_of_its_throttles_is_over(mentor, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "3/min"})
    url = reverse("api:slots-list", args=[mentor.pk])
    responses = [APIClient().get(url, REMOTE_ADDR="203.0.113.9") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert 0 < int(responses[-1]["Retry-After"]) <= 60
    assert APIClient().get(url, REMOTE_ADDR="203.0.113.10").status_code == 200  # per address


def test_counters_live_in_the_database_while_redis_is_down(db, monkeypatch):
    from django.db import connection

    # The outage warning is logged once a minute; leave the next test's minute untouched.
    monkeypatch.setattr(FailoverRedisCache, "_last_warning", 0.0)

    with override_settings(CACHES=DEAD_REDIS):
        assert caches["default"].incr_windows([("t:down", 60)]) == [1]
        assert caches["default"].incr_windows([("t:down", 60)]) == [2]
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM cache_fallback")
            assert cursor.fetchone()[0] == 1


@needs_redis
def test_one_redis_client_serves_every_cache_operation(db):
    """Django builds a redis.Redis per operation, whose constructor cost more CPU than the round
    trip; ours keeps one per connection pool (and still works after the counters are used)."""
    client = cache._cache.get_client(write=True)
    cache.incr_windows([("t:d", 60)])
    cache.set("t:e", 1)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client() is client  # one server: reads use the same pool
