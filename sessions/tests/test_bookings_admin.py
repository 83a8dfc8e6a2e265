"""Booking admin: read-mostly, searchable by email, history inline; no adding or deleting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sessions.models import BookingEvent
from sessions.tests.test_bookings_support import open_every_day, set_policy
from tests.factories import BookingFactory, MenteeFactory

pytestmark = pytest.mark.django_db


def test_staff_filters_and_searches_bookings_by_email(client_for, staff, mentor, mentee):
    mine = BookingFactory(mentor=mentor, mentee=mentee, topic="Visible topic")
    BookingFactory(mentee=MenteeFactory(email="someone@example.org"), status="cancelled", topic="Other topic")
    client = client_for(staff)
    url = reverse("admin:booking_booking_changelist")
    html = client.get(url, {"q": "mentee@example.com"}).content.decode()
    assert f"/admin/booking/booking/{mine.pk}/change/" in html and "someone@example.org" not in html
    html = client.get(url, {"status__exact": "cancelled"}).content.decode()
    assert f"/admin/booking/booking/{mine.pk}/change/" not in html


def test_change_page_shows_events_and_nothing_can_be_added_or_deleted(client_for, staff, mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    BookingEvent.objects.create(booking=booking, kind="confirmed", actor=mentee, note="from the test")
    client = client_for(staff)
    response = client.get(reverse("admin:booking_booking_change", args=[booking.pk]))
    assert response.status_code == 200 and "from the test" in response.content.decode()
    assert client.get(reverse("admin:booking_booking_add")).status_code == 403
    assert client.get(reverse("admin:booking_booking_delete", args=[booking.pk])).status_code == 403


def test_non_staff_cannot_open_the_booking_admin(client_for, mentee):
    response = client_for(mentee).get(reverse("admin:booking_booking_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", ["availabilityrule", "availabilityoverride", "bookingpolicy", "reliabilityrecord"])
def test_other_booking_models_are_listed(client_for, staff, mentor, model):
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    assert client_for(staff).get(reverse(f"admin:booking_{model}_changelist")).status_code == 200
