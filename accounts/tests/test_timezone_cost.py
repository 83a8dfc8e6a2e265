"""Zone checks run on every request (token authentication, the time-zone middleware): they read the
tz database once per process, never per request (it cost 9 ms a request when they listed it)."""

from __future__ import annotations

import zoneinfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import timezones
from accounts.tokens import api_token_create


@pytest.fixture
def tz_database_gone(monkeypatch):
    """Warm the per-process sets, then make any further read of the tz database fail loudly."""
    timezones.is_valid_timezone("UTC")
    timezones.canonical_timezone("Asia/Calcutta")

    def listed(*args, **kwargs):
        raise AssertionError("the tz database was listed again")

    monkeypatch.setattr(zoneinfo, "available_timezones", listed)
    monkeypatch.setattr(timezones, "_tz_file", listed)


def test_zone_checks_use_the_sets_read_once(tz_database_gone):
    assert timezones.is_valid_timezone("Europe/Berlin")
    assert not timezones.is_valid_timezone("Mars/Olympus_Mons")
    assert timezones.canonical_timezone("Asia/Calcutta") == "Asia/Kolkata"
    assert timezones.canonical_timezone("Europe/Berlin") == "Europe/Berlin"


@pytest.mark.django_db
def test_a_token_request_and_a_visitor_page_read_no_tz_database(tz_database_gone, mentee):
    _, key = api_token_create(user=mentee)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(reverse("api:booking-list"))
    assert response.status_code == 200

    visitor = APIClient()
    visitor.cookies["tz"] = "Asia/Calcutta"
    assert visitor.get("/").status_code == 200
