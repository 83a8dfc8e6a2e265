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


@pytest.mark.django_db
def test_healthz_reports_503_when_broker_is_unreachable(client):
    from mentorship.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_openapi_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any drf-spectacular warning (an undocumented field, a clashing enum
    # name) into an error, so the published API docs stay complete.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/mentors/", "/api/v1/bookings/", "/api/v1/matches/", "/api/v1/ratings/",
                 "/api/v1/availability/rules/", "/api/v1/mentors/{mentor_id}/slots/"):
        assert path in text, path


@pytest.mark.django_db
def test_healthz_hides_error_details_from_the_public(client, settings):
    from mentorship.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        body = client.get("/healthz").json()
    finally:
        app.conf.broker_url = original
    assert body["broker"] == {"ok": False}
    assert "127.0.0.1" not in str(body) and "debug" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "token"])
def test_healthz_shows_details_to_staff_and_to_a_monitor_with_the_token(client, settings, staff, who):
    settings.HEALTHZ_TOKEN = "s3cret-monitor"
    headers = {}
    if who == "staff":
        client.force_login(staff)
    else:
        headers = {"HTTP_X_HEALTHZ_TOKEN": "s3cret-monitor"}
    body = client.get("/healthz", **headers).json()
    assert body["database"]["detail"] and "debug" in body
    assert "detail" not in client.__class__().get("/healthz", HTTP_X_HEALTHZ_TOKEN="wrong").json()["database"]


@pytest.mark.django_db
def test_healthz_fails_when_pages_cannot_render(client, settings, tmp_path):
    # Production storage with no manifest (collectstatic not run as production): every page 500s.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["pages"] == {"ok": False}
