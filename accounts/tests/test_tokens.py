"""API tokens: several per person, listed and revocable, ending with idleness or new credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create

NOW = datetime(2027, 2, 10, 10, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _sign_in(email: str, name: str = "") -> dict:
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": PASSWORD, "name": name},
                                format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_signing_in_twice_gives_two_tokens_that_both_work_and_are_listed(mentee):
    laptop, script = _sign_in(mentee.email, "Laptop"), _sign_in(mentee.email, "Sync script")
    assert laptop["token"] != script["token"]
    for body in (laptop, script):
        assert _with(body["token"]).get("/api/v1/me/").status_code == 200
    listed = _with(laptop["token"]).get("/api/v1/me/tokens/").json()
    assert [t["name"] for t in listed] == ["Sync script", "Laptop"]  # newest first (same instant: higher id)
    assert {t["prefix"] for t in listed} == {laptop["token"][:8], script["token"][:8]}
    assert all("token" not in t for t in listed)  # the key is shown once, at creation
    assert listed[0]["expires_at"].startswith("2027-03-12")  # 30 idle days


def test_the_key_is_not_stored(mentee):
    key = _sign_in(mentee.email)["token"]
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert key not in str(list(ApiToken.objects.values()))


def test_revoking_a_token_ends_it_and_only_it(mentee):
    a, b = _sign_in(mentee.email), _sign_in(mentee.email)
    assert _with(a["token"]).delete(f"/api/v1/me/tokens/{b['id']}/").status_code == 204
    assert _with(b["token"]).get("/api/v1/me/").status_code == 401
    assert _with(a["token"]).get("/api/v1/me/").status_code == 200


def test_a_stranger_cannot_revoke_or_see_someone_elses_token(mentee, stranger):
    theirs = _sign_in(mentee.email)
    mine = _sign_in(stranger.email)
    response = _with(mine["token"]).delete(f"/api/v1/me/tokens/{theirs['id']}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert [t["id"] for t in _with(mine["token"]).get("/api/v1/me/tokens/").json()] == [mine["id"]]
    assert _with(theirs["token"]).get("/api/v1/me/").status_code == 200


def test_anonymous_callers_get_401_on_token_lists(db):
    assert APIClient().get("/api/v1/me/tokens/").status_code == 401
    assert APIClient().delete("/api/v1/me/tokens/1/").status_code == 401


def test_a_password_change_ends_every_earlier_token(mentee):
    key = _sign_in(mentee.email)["token"]
    mentee.set_password("a-new-long-passphrase")
    mentee.save()
    response = _with(key).get("/api/v1/me/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=mentee).exists()


def test_changing_password_on_the_page_ends_tokens_too(mentee):
    key = _sign_in(mentee.email)["token"]
    client = Client()
    client.post("/accounts/login/", {"login": mentee.email, "password": PASSWORD})
    response = client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": "a-new-long-passphrase",
                                                          "password2": "a-new-long-passphrase"})
    assert response.status_code == 302
    assert _with(key).get("/api/v1/me/").status_code == 401


def test_an_email_change_ends_every_earlier_token(mentee):
    key = _sign_in(mentee.email)["token"]
    mentee.email = "manu.new@example.com"
    mentee.save()
    assert _with(key).get("/api/v1/me/").status_code == 401


def test_an_idle_token_ends_and_a_used_one_lives_on(mentee, _pinned):
    idle, used = api_token_create(user=mentee)[1], api_token_create(user=mentee)[1]
    _pinned.move_to(NOW + timedelta(days=20))
    assert _with(used).get("/api/v1/me/").status_code == 200
    _pinned.move_to(NOW + timedelta(days=31))
    assert _with(idle).get("/api/v1/me/").status_code == 401
    assert _with(used).get("/api/v1/me/").status_code == 200  # last used 11 days ago


def test_using_a_token_does_not_write_on_every_request(mentee, django_assert_num_queries):
    key = api_token_create(user=mentee)[1]
    client = _with(key)
    client.get("/api/v1/me/tokens/")
    with django_assert_num_queries(2):  # the token with its user, then the list
        client.get("/api/v1/me/tokens/")


def test_the_page_lists_creates_once_shows_and_revokes(client, mentee):
    client.force_login(mentee)
    page = client.get("/me/tokens/")
    assert page.status_code == 200 and "You have no API tokens" in page.content.decode()
    created = client.post("/me/tokens/", {"name": "Sync script"}).content.decode()
    token = ApiToken.objects.get(user=mentee)
    assert 'id="new-token-key"' in created and token.prefix in created
    assert "(America/New_York)" in created  # times in the viewer's zone, named
    again = client.get("/me/tokens/").content.decode()
    assert "Sync script" in again and 'id="new-token-key"' not in again
    response = client.post(f"/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_page_answers_404_for_someone_elses_token(client, mentee, stranger):
    theirs, _ = api_token_create(user=mentee)
    client.force_login(stranger)
    assert client.post(f"/me/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert Client().get("/me/tokens/").status_code == 302  # anonymous: sign in first
