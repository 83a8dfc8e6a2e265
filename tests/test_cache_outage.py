"""A Redis outage degrades instead of failing: requests proceed, sign-in limits keep counting.

The outage is real: the cache points at a port where nothing listens.
"""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from mentorship.throttling import UserRateThrottle

DEAD_REDIS = {
    "default": {"BACKEND": "mentorship.cache.FailoverRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    "fallback": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_fallback"},
}


@pytest.fixture
def redis_down(db):
    with override_settings(CACHES=DEAD_REDIS):
        yield


def test_the_sign_in_page_and_the_api_answer_while_redis_is_down(redis_down, mentee, caplog):
    assert Client().get("/accounts/login/").status_code == 200
    assert APIClient().get("/api/v1/mentors/").status_code == 200
    assert "Redis cache unreachable" in caplog.text
    response = APIClient().post("/api/v1/auth/token/", {"email": mentee.email, "password": "correct-horse-battery"},
                                format="json")
    assert response.status_code == 201 and response.json()["token"]


def test_password_guessing_is_still_limited_from_the_database_while_redis_is_down(redis_down, mentee):
    from django.db import connection

    for i in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post("/accounts/login/", {"login": mentee.email, "password": "x"})
    response = APIClient().post("/api/v1/auth/token/", {"email": mentee.email, "password": "correct-horse-battery"},
                                format="json", REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cache_fallback")
        assert cursor.fetchone()[0] > 0  # the counts live in the database table


def test_a_throttle_lets_requests_through_when_no_cache_answers_at_all(db, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("cache gone")

    # Every way a throttle reaches the cache: add/incr, and the one-round-trip counter of ours.
    for name in ("add", "incr", "incr_windows"):
        monkeypatch.setattr(cache, name, broken, raising=False)
    throttle = UserRateThrottle()
    request = APIRequestFactory().get("/")
    request.user = type("U", (), {"is_authenticated": True, "pk": 1})()
    assert throttle.allow_request(request, APIView()) is True
    assert "cache unavailable" in caplog.text


class _Throttle(UserRateThrottle):
    rate = "600/min"


def test_throttle_counters_hold_under_concurrency(db):
    # 16 threads, 1,200 requests, a 600/min limit: exactly 600 pass (DRF's list-based throttle let 761 through).
    barrier = threading.Barrier(16)
    passed: list[bool] = []
    lock = threading.Lock()
    request = APIRequestFactory().get("/")
    request.user = type("U", (), {"is_authenticated": True, "pk": 424242})()

    def worker():
        barrier.wait()
        results = [_Throttle().allow_request(request, APIView()) for _ in range(75)]
        with lock:
            passed.extend(results)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 1200 and sum(passed) == 600
