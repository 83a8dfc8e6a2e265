"""One registry of error codes (mentorship.errors.ERROR_CODES) and one error body for every API error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentorship.errors import ERROR_CODES, DomainError


def test_every_registered_code_has_a_status_and_a_message():
    for code, entry in ERROR_CODES.items():
        assert 400 <= entry.status < 500, code
        assert entry.message.strip(), code


def test_a_registered_code_decides_its_status_whatever_a_raise_site_says():
    assert DomainError("x", code="not_a_mentor", status=409).status == 404


def _shape(body):
    assert set(body) >= {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and isinstance(body["code"], str) and isinstance(body["errors"], dict)


@pytest.mark.django_db
def test_validation_error_body(client_for, mentee):
    response = client_for(mentee).post(reverse("api:booking-list"), {"mentor": "abc"}, format="json")
    assert response.status_code == 400
    body = response.json()
    _shape(body)
    assert body["code"] == "invalid" and "mentor" in body["errors"]


@pytest.mark.django_db
def test_domain_error_body(client_for, mentee):
    response = client_for(mentee).get("/api/v1/me/mentor-profile/")
    assert response.status_code == 404
    body = response.json()
    _shape(body)
    assert body["code"] == "not_a_mentor"


@pytest.mark.django_db
def test_not_authenticated_body(api_client):
    response = api_client.get(reverse("api:booking-list"))
    assert response.status_code == 401
    body = response.json()
    _shape(body)
    assert body["code"] == "not_authenticated"


@pytest.mark.django_db
def test_not_found_body(client_for, mentee):
    response = client_for(mentee).get(reverse("api:booking-detail", args=[999999]))
    assert response.status_code == 404
    body = response.json()
    _shape(body)
    assert body["code"] == "not_found"


@pytest.mark.django_db
def test_not_a_mentor_is_404_in_every_service(mentee):
    from accounts import services as accounts_services
    from sessions.services import availability

    for call in (lambda: accounts_services.mentor_profile_update(user=mentee, headline="x"),
                 lambda: availability.availability_set_weekly(mentor=mentee, rules=[])):
        with pytest.raises(DomainError) as caught:
            call()
        assert (caught.value.status, caught.value.code) == (404, "not_a_mentor")
