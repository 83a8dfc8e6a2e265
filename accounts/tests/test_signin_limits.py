"""Password guessing is limited per account and per real client address, on every way in."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


def _token(address: str, password: str, *, forwarded: str | None = None, email: str = "mentee@example.com"):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json", **extra)


def test_a_forged_forwarded_for_header_buys_no_extra_guesses(mentee):
    # Same real address, a new X-Forwarded-For each time: the address limit still counts them as one.
    statuses = [_token("203.0.113.7", f"guess-{i}", forwarded=f"198.51.100.{i}").status_code for i in range(11)]
    assert statuses[-1] == 429


def test_the_account_locks_after_five_failures_from_many_addresses_even_for_the_right_password(mentee):
    for i in range(5):
        assert _token(f"203.0.113.{i + 1}", "wrong").status_code == 400
    response = _token("192.0.2.99", PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert "token" not in response.json()


def test_another_account_is_not_locked_by_those_failures(mentee, mentor):
    for i in range(5):
        _token(f"203.0.113.{i + 1}", "wrong")
    response = _token("192.0.2.99", PASSWORD, email="mentor@example.com")
    assert response.status_code == 201 and response.json()["token"]


def test_a_known_good_password_interleaved_does_not_buy_more_guesses(mentee):
    # An attacker who also knows a valid pair must not reset the account's count with it.
    for i in range(4):
        assert _token(f"203.0.113.{i + 1}", "wrong").status_code == 400
    assert _token("192.0.2.50", PASSWORD).status_code == 201
    assert _token("203.0.113.20", "wrong").status_code == 400
    assert _token("203.0.113.21", "wrong").status_code == 429


def test_page_failures_count_against_the_api_too(mentee):
    for i in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post("/accounts/login/", {"login": "mentee@example.com", "password": "nope"})
    assert _token("192.0.2.99", PASSWORD).status_code == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1,
                   REST_FRAMEWORK={"NUM_PROXIES": 1, "EXCEPTION_HANDLER": "mentorship.api.exception_handler"})
def test_behind_one_trusted_proxy_the_client_is_the_address_the_proxy_appended(mentee, mentor):
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        # Everything arrives from the proxy (10.0.0.1); the client forged the left part of the header.
        for i in range(5):
            assert _token("10.0.0.1", "wrong", forwarded="1.2.3.4, 198.51.100.1", email=f"x{i}@example.com").status_code == 400
        assert _token("10.0.0.1", "wrong", forwarded="5.6.7.8, 198.51.100.1", email="y@example.com").status_code == 429
        # Another client behind the same proxy has its own address count.
        assert _token("10.0.0.1", PASSWORD, forwarded="198.51.100.2", email="mentor@example.com").status_code == 201
    finally:
        api_settings.reload()


def test_admin_sign_in_goes_through_the_limited_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/booking/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/booking/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_admin_password_guessing_is_limited(staff):
    for i in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post("/accounts/login/?next=/admin/", {"login": staff.email, "password": "nope"})
    client = Client(REMOTE_ADDR="192.0.2.99")
    client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_staff_reach_the_admin_after_signing_in(staff):
    client = Client()
    response = client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/login/?next=/admin/"])
def test_signed_in_non_staff_get_404_not_a_redirect_loop(client, mentee, path):
    client.force_login(mentee)
    assert client.get(path).status_code == 404


def test_api_throttles_count_the_real_address_not_a_forged_header(db, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # DRF binds the rates when its throttling module is imported; the address rule is read per call.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    statuses = [APIClient().get("/api/v1/skills/", REMOTE_ADDR="203.0.113.7",
                                HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
