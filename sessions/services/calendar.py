"""iCalendar for bookings: the invitation attached to emails and each user's private feed.

Calendars match events by UID and keep the one with the highest SEQUENCE, so the UID is derived
from the booking's immutable uuid (a reschedule moves the same event instead of adding one) and
SEQUENCE is Booking.sequence, which the booking services raise on every change. Times are written
in UTC (a trailing Z): every client converts them to its own zone, and we never ship VTIMEZONE
definitions that could disagree with the client's tz database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from mentorship.links import absolute_reverse
from mentorship.templatetags.tz_display import format_in_zone
from sessions.models import Booking
from sessions.selectors import booking_addresses_shared

PRODID = "-//Micro-mentorship//Bookings//EN"
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=366)

_STATUS = {
    Booking.Status.REQUESTED: "TENTATIVE",
    Booking.Status.CONFIRMED: "CONFIRMED",
    Booking.Status.COMPLETED: "CONFIRMED",
    Booking.Status.NO_SHOW: "CONFIRMED",
    Booking.Status.DECLINED: "CANCELLED",
    Booking.Status.EXPIRED: "CANCELLED",
    Booking.Status.CANCELLED: "CANCELLED",
}


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def booking_uid(booking: Booking) -> str:
    return f"{booking.uid}@{site_host()}"


def _site_sender() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or f"no-reply@{site_host()}"


def _address(user, role: str, partstat: str, *, shared: bool = True) -> vCalAddress:
    # Unshared: our own sender address under the person's name; calendars need an ORGANIZER URI.
    address = vCalAddress(f"mailto:{user.email if shared else _site_sender()}")
    address.params["cn"] = vText(user.display_name)
    address.params["role"] = vText(role)
    address.params["partstat"] = vText(partstat)
    return address


def _description(booking: Booking, recipient) -> str:
    zone = getattr(recipient, "timezone", None) or "UTC"
    lines = [
        f"Mentoring session: {booking.topic}",
        f"Mentor: {booking.mentor.display_name}",
        f"Mentee: {booking.mentee.display_name}",
        f"When (your time): {format_in_zone(booking.start, zone)} - {format_in_zone(booking.end, zone, with_date=False)}",
        "",
        "Question:",
        booking.question,
    ]
    if booking.context_url:
        lines += ["", f"Context: {booking.context_url}"]
    if booking.call_url and booking.status == Booking.Status.CONFIRMED:
        lines += ["", f"Join the call: {booking.call_url}"]
    if booking.status == Booking.Status.CANCELLED and booking.cancel_reason:
        lines += ["", f"Cancelled: {booking.cancel_reason}"]
    lines += ["", f"Details: {absolute_reverse('booking:detail', args=[booking.pk])}"]
    return "\n".join(lines)


def _event(booking: Booking, *, recipient, cancelled: bool, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add("summary", f"Mentoring: {booking.topic}")
    event.add("description", _description(booking, recipient))
    event.add("status", "CANCELLED" if cancelled else _STATUS.get(booking.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if booking.call_url and not cancelled:
        event.add("location", booking.call_url)
        event.add("url", booking.call_url)
    # Unconfirmed requests (and requests withdrawn, declined or expired) carry no personal address:
    # the organizer is our sender under the mentor's name and the mentee is not listed.
    shared = booking_addresses_shared(booking=booking)
    event.add("organizer", _address(booking.mentor, "CHAIR", "ACCEPTED", shared=shared))
    if shared:
        mentee_state = "ACCEPTED" if booking.status == Booking.Status.CONFIRMED else "NEEDS-ACTION"
        event.add("attendee", _address(booking.mentee, "REQ-PARTICIPANT", mentee_state))
    return event


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def booking_ics(*, booking: Booking, method: str = "REQUEST", recipient=None) -> bytes:
    """One event for one recipient: METHOD:REQUEST for new/changed sessions, CANCEL when called off."""
    method = method.upper()
    if method not in ("REQUEST", "CANCEL", "PUBLISH"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cal = _calendar(method)
    cal.add_component(_event(booking, recipient=recipient or booking.mentee, cancelled=method == "CANCEL",
                             stamp=timezone.now()))
    return cal.to_ical()


def feed_bookings(*, user, now: datetime | None = None):
    now = now or timezone.now()
    return (
        Booking.objects.filter(Q(mentor=user) | Q(mentee=user), start__gte=now - FEED_PAST, start__lte=now + FEED_FUTURE)
        .select_related("mentor", "mentee")
        .order_by("start")
    )


def user_calendar_feed(*, user, now: datetime | None = None) -> bytes:
    """All of a user's recent and upcoming bookings, live and called off, for calendar subscriptions.

    Called-off sessions stay in the feed as STATUS:CANCELLED so subscribed calendars remove or
    strike them instead of silently keeping a stale event.
    """
    now = now or timezone.now()
    cal = _calendar("PUBLISH", name="Mentoring sessions")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for booking in feed_bookings(user=user, now=now):
        cancelled = _STATUS.get(booking.status) == "CANCELLED"
        cal.add_component(_event(booking, recipient=user, cancelled=cancelled, stamp=now))
    return cal.to_ical()


def calendar_token_ensure(*, user) -> str:
    """The user's feed token, created on first use (most people never subscribe)."""
    if not user.calendar_token:
        return calendar_token_rotate(user=user)
    return user.calendar_token


def calendar_token_rotate(*, user) -> str:
    """A new token: every calendar subscribed with the old link stops receiving updates (404)."""
    return user.rotate_calendar_token()
