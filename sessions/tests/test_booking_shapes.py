"""The booking API's shapes answer with to_representation written out (sessions/api/
bookings_serializers.py); their declared fields remain the reference. Here both give the same JSON,
key order included, for bookings in each state, with and without a name, in two zones."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from rest_framework import serializers

from sessions.api.bookings_serializers import BookingDetailSerializer, BookingEventSerializer, BookingSerializer
from sessions.models import BookingEvent
from tests.factories import BookingFactory, MenteeFactory

pytestmark = pytest.mark.django_db


def _by_fields(serializer, instance) -> dict:
    """What DRF answers from the declared fields (the generic Serializer.to_representation)."""
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.fixture
def bookings(mentor):
    unnamed = MenteeFactory(name="", timezone="America/New_York")
    requested = BookingFactory(mentor=mentor, mentee=unnamed, status="requested", call_url="",
                               expires_at=BookingFactory.start.function() + timedelta(hours=-3),
                               context_url="https://example.com/brief")
    cancelled = BookingFactory(mentor=mentor, status="cancelled", cancelled_late=True, sequence=2,
                               cancel_reason="Sick «today»\nsorry", start=requested.start + timedelta(hours=2),
                               end=requested.start + timedelta(hours=2, minutes=30))
    BookingEvent.objects.create(booking=cancelled, kind="confirmed", actor=cancelled.mentee,
                                to_start=cancelled.start, to_end=cancelled.end)
    BookingEvent.objects.create(booking=cancelled, kind="rescheduled", actor=mentor, from_start=cancelled.start,
                                from_end=cancelled.end, to_start=cancelled.start + timedelta(days=1),
                                to_end=cancelled.end + timedelta(days=1))
    BookingEvent.objects.create(booking=cancelled, kind="cancelled", actor=None, note="late: Sick")
    return [requested, cancelled]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_booking_shapes_answer_what_their_fields_would(bookings, zone):
    context = {"request": SimpleNamespace(tz_name=zone)}
    for booking in bookings:
        detail = BookingDetailSerializer(booking, context=context)
        expected = _by_fields(detail, booking)
        expected["events"] = [_by_fields(BookingEventSerializer(), e) for e in booking.events.all()]
        assert json.dumps(detail.data) == json.dumps(expected)
        listed = BookingSerializer(booking, context=context)
        assert json.dumps(listed.data) == json.dumps(_by_fields(listed, booking))
    assert [e["actor_id"] for e in BookingDetailSerializer(bookings[1], context=context).data["events"]][-1] is None
