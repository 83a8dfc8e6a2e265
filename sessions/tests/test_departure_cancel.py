"""bookings_cancel_for_departure: the booking service's cancellation for people who left their
organisation (called by the directory sync)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import Booking, Notification
from sessions.services.bookings import bookings_cancel_for_departure
from tests.factories import BookingFactory, OrganisationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _at(days: float) -> dict:
    start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return {"start": start, "end": start + timedelta(minutes=30), "blocked_start": start,
            "blocked_end": start + timedelta(minutes=30)}


def test_cancels_future_live_bookings_once_and_mails_the_other_side_once(mentor, mentee):
    upcoming = BookingFactory(mentor=mentor, mentee=mentee, **_at(1))
    cancelled_before = BookingFactory(mentor=mentor, mentee=mentee, status="cancelled", **_at(2))
    past = BookingFactory(mentor=mentor, mentee=mentee, **_at(-1))
    reasons = {mentor.pk: "Maya Mentor has left Acme."}
    assert bookings_cancel_for_departure(reasons=reasons) == [upcoming]
    assert bookings_cancel_for_departure(reasons=reasons) == []
    upcoming.refresh_from_db()
    assert (upcoming.status, upcoming.sequence, upcoming.cancel_reason) == ("cancelled", 1, "Maya Mentor has left Acme.")
    assert Booking.objects.get(pk=cancelled_before.pk).sequence == 0
    assert Booking.objects.get(pk=past.pk).status == "confirmed"  # started: the lifecycle jobs own it
    assert list(Notification.objects.filter(kind="booking_cancelled").values_list("recipient_id", "payload__departure")) == [
        (mentee.pk, True)]


def test_only_one_organisations_program_bookings(mentor, mentee):
    acme, globex = OrganisationFactory(name="Acme"), OrganisationFactory(name="Globex")
    inside = BookingFactory(mentor=mentor, mentee=mentee, program=ProgramFactory(organisation=acme), **_at(1))
    other = BookingFactory(mentor=mentor, mentee=mentee, program=ProgramFactory(organisation=globex), **_at(2))
    market = BookingFactory(mentor=mentor, mentee=mentee, **_at(3))
    assert bookings_cancel_for_departure(reasons={mentee.pk: "Left Acme."}, only_programs_of=acme.pk) == [inside]
    assert {b.status for b in Booking.objects.filter(pk__in=[other.pk, market.pk])} == {"confirmed"}
