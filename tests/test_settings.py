"""Configuration fails fast: production refuses unsafe settings, malformed values raise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentorship.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def _start_django(**env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "PRODUCTION")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env={**full_env, "DJANGO_SETTINGS_MODULE": "mentorship.settings"},
        capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _start_django(PRODUCTION="1")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _start_django(PRODUCTION="1", SECRET_KEY="x" * 50, DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_starts_with_a_secret_key_and_debug_off():
    result = _start_django(PRODUCTION="1", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_malformed_boolean_raises(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_malformed_integer_raises(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 3)


def test_env_readers_parse_values(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("NUMBER", "42")
    monkeypatch.setenv("HOSTS", "a.example, b.example ,")
    assert env_bool("FLAG") is True
    assert env_int("NUMBER", 0) == 42
    assert env_list("HOSTS") == ["a.example", "b.example"]
    assert env_bool("UNSET_FLAG_XYZ", default=True) is True


def test_integer_below_its_minimum_raises(monkeypatch):
    # A booking cap of 0 would refuse every booking: a typo, not a policy.
    monkeypatch.setenv("BOOKING_MAX_OPEN_REQUESTS", "0")
    with pytest.raises(ImproperlyConfigured, match="BOOKING_MAX_OPEN_REQUESTS='0' must be at least 1"):
        env_int("BOOKING_MAX_OPEN_REQUESTS", 5, minimum=1)
    monkeypatch.setenv("BOOKING_MAX_OPEN_REQUESTS", "1")
    assert env_int("BOOKING_MAX_OPEN_REQUESTS", 5, minimum=1) == 1


def test_booking_caps_are_read_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.BOOKING_MAX_OPEN_REQUESTS_PER_MENTOR, settings.BOOKING_MAX_OPEN_REQUESTS, "
         "settings.BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK)"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings",
                       "BOOKING_MAX_OPEN_REQUESTS_PER_MENTOR": "3", "BOOKING_MAX_OPEN_REQUESTS": "7",
                       "BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK": "4"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "7", "4"]
