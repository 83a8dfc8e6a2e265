"""The platform starts: home page, health check, API schema."""

import pytest


@pytest.mark.django_db
def test_home_page_renders_with_empty_state(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No mentors yet" in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert response.status_code == 200


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


@pytest.mark.django_db
def test_factories_build_personas(mentor, mentee):
    assert mentor.mentor_profile.session_lengths == [30, 60]
    assert mentee.mentee_profile.languages.filter(code="en").exists()


@pytest.mark.django_db
def test_booking_factory_builds_a_confirmed_session():
    from tests.factories import BookingFactory

    booking = BookingFactory()
    assert booking.status == "confirmed"
    assert booking.end - booking.start == booking.end - booking.blocked_start
    assert booking.mentor.is_mentor and booking.mentee.is_mentee
