"""No email address changes hands before the mentor confirms.

From the tracker: any signed-in user could harvest mentors' private addresses: request a slot,
download the .ics, withdraw (7 addresses in 1.3 s). Every place an address could leak before
confirmation is checked here: the .ics download, the calendar feed, the mails' .ics attachments
(and their text), the API's booking payloads and the booking pages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from sessions.models import Booking
from sessions.services.bookings import booking_cancel, booking_confirm, booking_decline
from sessions.services.calendar import booking_ics, user_calendar_feed
from sessions.services.lifecycle import requests_expire_due
from sessions.services.notifications import notifications_dispatch_due
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def approving_mentor(mentor):
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    return mentor


@pytest.fixture
def request_booking(approving_mentor, mentee):
    return book(mentee, approving_mentor, local_slot(approving_mentor))


def _event(ics: bytes):
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return event


def _unfold(ics: bytes | str) -> bytes:
    """iCalendar folds lines at 75 octets, which can split an address; look at unfolded text."""
    ics = ics.encode() if isinstance(ics, str) else ics
    return ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


def _mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_harvest_by_request_download_withdraw_gets_no_address(client_for, request_booking, mentor, mentee):
    client = client_for(mentee)
    invite = reverse("booking:invite", args=[request_booking.pk])
    assert client.get(invite).status_code == 404  # a request is not a meeting yet
    booking_cancel(booking=request_booking, actor=mentee, reason="Changed my mind")
    response = client.get(invite)
    assert response.status_code == 200
    assert mentor.email.encode() not in _unfold(response.content)
    event = _event(response.content)
    assert str(event["ORGANIZER"]) == "mailto:no-reply@mentorship.local"
    assert event["ORGANIZER"].params["CN"] == mentor.display_name
    assert "ATTENDEE" not in event


def test_request_mails_and_their_invitations_carry_no_address(request_booking, mentor, mentee):
    notifications_dispatch_due()
    to_mentor, to_mentee = _mails_to(mentor), _mails_to(mentee)
    assert to_mentor, "the mentor is told about the request"
    for message, other in [(m, mentee) for m in to_mentor] + [(m, mentor) for m in to_mentee]:
        assert other.email not in message.body
        assert all(other.email not in html for html, _ in message.alternatives)
        for _, content, _ in message.attachments:
            assert other.email.encode() not in _unfold(content)


@pytest.mark.parametrize("ending", ["declined", "expired"])
def test_a_request_that_ends_unanswered_or_declined_sends_a_cancel_without_address(
        request_booking, mentor, mentee, frozen_now, ending):
    notifications_dispatch_due()
    mail.outbox.clear()
    if ending == "declined":
        booking_decline(booking=request_booking, actor=mentor, reason="Away")
    else:
        frozen_now.move_to(request_booking.expires_at + timedelta(minutes=1))
        assert requests_expire_due() == 1
    notifications_dispatch_due()
    (message,) = _mails_to(mentee)
    ((_, content, _),) = message.attachments
    assert b"METHOD:CANCEL" in _unfold(content)
    assert mentor.email.encode() not in _unfold(content)


def test_feeds_list_requests_without_addresses(request_booking, approving_mentor, mentor, mentee):
    withdrawn = book(mentee, approving_mentor, local_slot(approving_mentor, days=4))
    booking_cancel(booking=withdrawn, actor=mentee, reason="Not needed")
    mentee_feed = _unfold(user_calendar_feed(user=mentee))
    mentor_feed = _unfold(user_calendar_feed(user=mentor))
    assert len(Calendar.from_ical(mentee_feed).walk("VEVENT")) == 2
    assert mentor.email.encode() not in mentee_feed
    assert mentee.email.encode() not in mentor_feed


def test_feed_download_over_http_has_no_address_for_a_request(client, request_booking, mentor, mentee):
    mentee.rotate_calendar_token()
    response = client.get(reverse("booking:calendar_feed", args=[mentee.calendar_token]))
    assert response.status_code == 200 and b"VEVENT" in response.content
    assert mentor.email.encode() not in _unfold(response.content)


def test_after_confirmation_both_see_each_other_everywhere(client_for, request_booking, mentor, mentee):
    confirmed = booking_confirm(booking=request_booking, actor=mentor)
    event = _event(booking_ics(booking=confirmed, recipient=mentee))
    assert str(event["ORGANIZER"]) == f"mailto:{mentor.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{mentee.email}"
    assert mentor.email.encode() in _unfold(user_calendar_feed(user=mentee))
    assert mentee.email.encode() in _unfold(user_calendar_feed(user=mentor))
    # And a session cancelled after it was confirmed keeps them: they were already shared.
    cancelled = booking_cancel(booking=confirmed, actor=mentee, reason="Sick")
    download = client_for(mentee).get(reverse("booking:invite", args=[cancelled.pk]))
    assert mentor.email.encode() in _unfold(download.content)


def test_api_payloads_and_pages_show_no_address_before_confirmation(client_for, request_booking, mentor, mentee):
    for viewer, other in ((mentee, mentor), (mentor, mentee)):
        client = client_for(viewer)
        for url in (reverse("api:booking-detail", args=[request_booking.pk]), reverse("api:booking-list"),
                    reverse("booking:detail", args=[request_booking.pk]), reverse("booking:my_sessions")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert other.email.encode() not in response.content, url
    assert request_booking.status == Booking.Status.REQUESTED
