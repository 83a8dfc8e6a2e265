"""Password guessing is limited per account and per real client address, on every way in."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.factories import UserFactory

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
NOW = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
OFFICE = "203.0.113.66"  # one NAT address shared by a guesser and their colleagues


def _token(address: str, password: str, *, forwarded: str | None = None, email: str = "mentee@example.com"):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(TOKEN, {"email": email, "password": password}, format="json", **extra)


def test_a_forged_forwarded_for_header_buys_no_extra_guesses(mentee, frozen_now):
    # Same real address, a new X-Forwarded-For each time: the address delay still counts them as one.
    frozen_now.move_to(NOW, tick=False)
    statuses = [_token("203.0.113.7", f"guess-{i}", forwarded=f"198.51.100.{i}").status_code for i in range(8)]
    assert statuses == [400] * 5 + [429] * 3


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


# --- per account locks, per address only delays ------------------------------------------------

def _page_sign_in(address: str, email: str, password: str, *, next_url: str = ""):
    client = Client(REMOTE_ADDR=address)
    path = f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/"
    return client, client.post(path, {"login": email, "password": password})


def _signs_in(way: str, address: str, email: str, password: str) -> bool:
    """Whether this sign-in gets in, on the sign-in page, the admin's sign-in or the token API."""
    if way == "api":
        response = _token(address, password, email=email)
        assert response.status_code in {201, 400, 429}
        return response.status_code == 201
    client, response = _page_sign_in(address, email, password, next_url="/admin/" if way == "admin" else "")
    if response.status_code != 302:
        return False
    if way == "admin":
        return response["Location"] == "/admin/" and client.get("/admin/").status_code == 200
    return response["Location"] == "/home/" and client.get("/home/").status_code == 200


@pytest.mark.parametrize("way", ["page", "admin", "api"])
def test_a_guesser_on_one_account_delays_a_colleague_at_the_same_address_by_seconds_not_minutes(
        way, mentee, staff, mentor, frozen_now, settings):
    frozen_now.move_to(NOW, tick=False)
    colleague = staff if way == "admin" else mentor
    for _ in range(5):
        assert not _signs_in(way, OFFICE, mentee.email, "guess")
    # Right after the fifth failure the address waits a few seconds, whoever signs in...
    assert not _signs_in(way, OFFICE, colleague.email, PASSWORD)
    # ...and then the colleague gets in with the right password, from the same address.
    frozen_now.shift(settings.SIGNIN_ADDRESS_DELAY_SECONDS)
    assert _signs_in(way, OFFICE, colleague.email, PASSWORD)
    # The guessed account stays locked for its window, from that address and from any other.
    frozen_now.shift(settings.SIGNIN_ADDRESS_DELAY_SECONDS)
    assert not _signs_in(way, OFFICE, mentee.email, PASSWORD)
    assert not _signs_in(way, "192.0.2.44", mentee.email, PASSWORD)
    frozen_now.shift(5 * 60)
    assert _signs_in("api" if way == "api" else "page", "192.0.2.44", mentee.email, PASSWORD)


def test_the_page_says_to_wait_seconds_and_the_api_answers_429_during_the_delay(mentee, mentor, frozen_now):
    frozen_now.move_to(NOW, tick=False)
    for _ in range(5):
        _page_sign_in(OFFICE, mentee.email, "guess")
    _, page = _page_sign_in(OFFICE, mentor.email, PASSWORD)
    assert page.status_code == 200 and "Wait a few seconds" in page.content.decode()
    response = _token(OFFICE, PASSWORD, email=mentor.email)
    assert response.status_code == 429 and response.json()["code"] == "too_many_attempts"
    assert "few seconds" in response.json()["detail"]


def test_successful_sign_ins_do_not_slow_the_address_down(mentor, frozen_now):
    frozen_now.move_to(NOW, tick=False)
    for _ in range(20):
        assert _signs_in("page", OFFICE, mentor.email, PASSWORD)


def test_spraying_fifty_accounts_from_one_address_stays_slow(db, frozen_now, settings):
    frozen_now.move_to(NOW, tick=False)
    emails = [UserFactory(email=f"person{i}@example.com").email for i in range(50)]
    started = NOW.timestamp()
    guesses_checked = 0
    for email in emails:  # one common password against each account, retrying whenever told to wait
        for _ in range(100):
            _, response = _page_sign_in(OFFICE, email, "Winter2026!")
            if response.status_code == 200 and "Wait a few seconds" not in response.content.decode():
                guesses_checked += 1
                break
            # Told to wait (or, polling faster than 30 a minute, refused by allauth's flood cap).
            frozen_now.shift(5)
    elapsed = time.time() - started
    assert guesses_checked == 50
    # Five free failures, then one guess per delay: 50 guesses cost the guesser minutes, not a second.
    assert elapsed >= (50 - settings.SIGNIN_ADDRESS_FREE_FAILURES) * settings.SIGNIN_ADDRESS_DELAY_SECONDS
    # None of those accounts was locked by the spray (one failure each): their owners still get in.
    frozen_now.shift(settings.SIGNIN_ADDRESS_DELAY_SECONDS)
    assert _signs_in("page", OFFICE, emails[0], PASSWORD)


# Real threads need real commits; serialized_rollback keeps the data migrations' rows for the
# serialized transactional tests that run after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_guesses_from_a_waiting_address_get_one_try_between_them(frozen_now):
    # The attempt is counted before the password is checked, under a lock: sixteen guesses fired at
    # once after the free failures cannot all slip through the same gap.
    import threading

    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test import RequestFactory

    frozen_now.move_to(NOW, tick=False)
    for i in range(5):
        assert _token(OFFICE, "guess", email=f"nobody{i}@example.com").status_code == 400
    frozen_now.shift(60)
    barrier, outcomes, lock = threading.Barrier(16), [], threading.Lock()

    def guess(n: int) -> None:
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=OFFICE)
        barrier.wait()
        try:
            get_adapter(request).authenticate(request, email=f"target{n}@example.com", password="guess")
            outcome = "checked"
        except ValidationError:
            outcome = "wait"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["checked"] + ["wait"] * 15
