"""Token clients get times in their own zone, like browsers do (the middleware runs before DRF
authenticates a token, so the API must switch zones itself)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from tests.factories import BookingFactory


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)[1]}")
    return client


@pytest.mark.django_db
def test_token_client_sees_booking_times_in_its_own_zone(mentee):
    booking = BookingFactory(mentee=mentee)  # mentee persona lives in America/New_York
    body = _token_client(mentee).get(f"/api/v1/bookings/{booking.pk}/").json()
    assert body["timezone"] == "America/New_York"
    assert "(America/New_York)" in body["start_local"]


@pytest.mark.django_db
def test_mentor_token_client_sees_the_same_booking_in_berlin_time(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    body = _token_client(mentor).get(f"/api/v1/bookings/{booking.pk}/").json()
    assert body["timezone"] == "Europe/Berlin"
    assert "(Europe/Berlin)" in body["start_local"]


@pytest.mark.django_db
def test_token_client_slots_default_to_its_own_zone(mentor, mentee):
    body = _token_client(mentee).get(f"/api/v1/mentors/{mentor.pk}/slots/?duration=30").json()
    assert body["timezone"] == "America/New_York"


@pytest.mark.django_db
def test_anonymous_api_call_is_challenged_with_401(api_client):
    response = api_client.get("/api/v1/bookings/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
