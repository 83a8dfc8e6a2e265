"""iCalendar invitations and the private feed: stable UID, SEQUENCE, CANCEL, revocation."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from sessions.services.bookings import booking_cancel, booking_reschedule
from sessions.services.calendar import booking_ics, site_host, user_calendar_feed
from sessions.tests.test_bookings_support import book, local_slot, open_every_day
from tests.factories import BookingFactory, MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db


def _event(ics: bytes):
    cal = Calendar.from_ical(ics)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


@pytest.fixture
def booking(mentor, mentee):
    open_every_day(mentor)
    return book(mentee, mentor, local_slot(mentor), question="How do I negotiate a raise?",
                context_url="https://example.com/notes")


def test_invitation_parses_back_with_uid_times_people_and_question(booking, mentor, mentee):
    cal, event = _event(booking_ics(booking=booking, method="REQUEST", recipient=mentee))
    assert cal["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{booking.uid}@{site_host()}"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == booking.start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == booking.end
    # UTC form (a trailing Z), never a TZID the client would have to resolve.
    assert f"DTSTART:{booking.start.astimezone(UTC):%Y%m%dT%H%M%S}Z".encode() in booking_ics(booking=booking, recipient=mentee)
    assert str(event["ORGANIZER"]) == f"mailto:{mentor.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{mentee.email}"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "How do I negotiate a raise?" in description
    assert booking.call_url in description and str(event["LOCATION"]) == booking.call_url
    assert "America/New_York" in description  # the recipient's own time


def test_reschedule_keeps_uid_and_raises_sequence(booking, mentee):
    _, first = _event(booking_ics(booking=booking, recipient=mentee))
    moved = booking_reschedule(booking=booking, actor=mentee, new_start=booking.start + timedelta(days=1))
    _, second = _event(booking_ics(booking=moved, recipient=mentee))
    assert str(second["UID"]) == str(first["UID"])
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert second.decoded("DTSTART") == booking.start + timedelta(days=1)


def test_cancellation_is_method_cancel_with_status_cancelled(booking, mentee, mentor):
    cancelled = booking_cancel(booking=booking, actor=mentee, reason="Got the job")
    cal, event = _event(booking_ics(booking=cancelled, method="CANCEL", recipient=mentor))
    assert cal["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{booking.uid}@{site_host()}"
    assert event["SEQUENCE"] == cancelled.sequence == 1
    assert "LOCATION" not in event


def test_unknown_method_is_refused(booking, mentee):
    with pytest.raises(ValueError):
        booking_ics(booking=booking, method="PUBLISHX", recipient=mentee)


def test_feed_has_my_live_and_cancelled_sessions_in_both_roles_and_nothing_else(mentor, mentee):
    as_mentee = BookingFactory(mentor=MentorFactory(), mentee=mentee)
    cancelled = BookingFactory(mentee=mentee, status="cancelled", start=as_mentee.start + timedelta(days=1))
    # The same person mentors someone else in another booking.
    as_mentor = BookingFactory(mentor=mentee, mentee=MenteeFactory(), start=as_mentee.start + timedelta(days=2))
    others = BookingFactory(mentor=mentor, mentee=MenteeFactory())
    cal = Calendar.from_ical(user_calendar_feed(user=mentee))
    uids = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert set(uids) == {str(as_mentee.uid), str(cancelled.uid), str(as_mentor.uid)}
    assert str(uids[str(cancelled.uid)]["STATUS"]) == "CANCELLED"
    assert str(uids[str(as_mentee.uid)]["STATUS"]) == "CONFIRMED"
    assert str(others.uid) not in uids


def test_feed_url_is_created_on_first_visit_and_reset_revokes_it(client_for, mentee):
    BookingFactory(mentee=mentee)
    client = client_for(mentee)
    page = client.get(reverse("booking:calendar"))
    assert page.status_code == 200
    mentee.refresh_from_db()
    token = mentee.calendar_token
    assert token
    feed_url = reverse("booking:calendar_feed", args=[token])
    assert f"webcal://testserver{feed_url}" in page.content.decode()
    assert f"http://testserver{feed_url}" in page.content.decode()
    # Calendar apps fetch without cookies: the token alone opens the feed.
    from django.test import Client

    anonymous = Client()
    response = anonymous.get(feed_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1
    # Visiting the page again does not rotate the token.
    client.get(reverse("booking:calendar"))
    mentee.refresh_from_db()
    assert mentee.calendar_token == token
    assert client.post(reverse("booking:calendar_reset")).status_code == 302
    mentee.refresh_from_db()
    assert mentee.calendar_token != token
    assert anonymous.get(feed_url).status_code == 404
    assert anonymous.get(reverse("booking:calendar_feed", args=[mentee.calendar_token])).status_code == 200


def test_unknown_feed_token_is_404(client):
    assert client.get(reverse("booking:calendar_feed", args=["not-a-token"])).status_code == 404


def test_calendar_page_needs_login(client):
    response = client.get(reverse("booking:calendar"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reset_needs_post(client_for, mentee):
    assert client_for(mentee).get(reverse("booking:calendar_reset")).status_code == 405


def test_participant_downloads_the_invite_others_get_404(client_for, mentee, stranger, staff):
    booking = BookingFactory(mentee=mentee)
    url = reverse("booking:invite", args=[booking.pk])
    response = client_for(mentee).get(url)
    assert response.status_code == 200
    _, event = _event(response.content)
    assert str(event["UID"]).startswith(str(booking.uid))
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 200
