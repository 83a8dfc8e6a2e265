"""Turn an outbox row into an email: text and HTML parts, times in the recipient's zone.

Both parts extend the one email layout (templates/email/layout.html and .txt) through
templates/booking/email/_base.*; `preferences_url` and `zone` fill its footer.

Every time is shown in the RECIPIENT's IANA zone with the zone named, the way the site shows it
(mentorship.templatetags.tz_display.format_in_zone), because a mentor in Berlin and a mentee in
New York read the same mail about the same moment. Calendar invites (.ics, from
sessions.services.calendar.booking_ics) ride along with every mail that changes a calendar.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from mentorship.links import absolute_reverse, absolute_url
from mentorship.templatetags.tz_display import format_in_zone
from sessions.models import Booking, BookingEvent, NoShowReport, Notification
from sessions.selectors import mentor_slots
from sessions.services.calendar import booking_ics

logger = logging.getLogger(__name__)

ICS_METHODS = {
    "booking_requested": "REQUEST",
    "booking_confirmed": "REQUEST",
    "booking_rescheduled": "REQUEST",
    "booking_cancelled": "CANCEL",
    # A request that came with a tentative invite must leave the calendar again.
    "booking_declined": "CANCEL",
    "booking_expired": "CANCEL",
}
OTHER_SLOTS_LIMIT = 5

# Apps above booking add their part to a booking mail (conversations: the agenda, the latest
# unanswered message, action items) without booking importing them: each registers, in its
# AppConfig.ready(), a function (notification, booking, recipient, zone) -> {"extras_text": ...,
# "extras_html": ...} that renders its own words with its own templates.
_EXTENSIONS: list = []


def register_mail_extension(extension) -> None:
    if extension not in _EXTENSIONS:
        _EXTENSIONS.append(extension)


def _extras(notification: Notification, booking: Booking, recipient, zone: str) -> dict:
    text, html = [], []
    for extension in _EXTENSIONS:
        part = extension(notification=notification, booking=booking, recipient=recipient, zone=zone)
        if part:
            text.append(part.get("extras_text", ""))
            html.append(part.get("extras_html", ""))
    return {"extras_text": "".join(text), "extras_html": "".join(html)}
OTHER_SLOTS_WINDOW = timedelta(days=14)


def _booking_url(booking: Booking) -> str:
    return absolute_reverse("booking:detail", args=[booking.pk])


def _other_slots(booking: Booking, zone_name: str) -> list[dict]:
    """Free slots of the same mentor and length in the next two weeks, for an expired request."""
    now = timezone.now()
    try:
        starts = list(mentor_slots(mentor=booking.mentor, start=now, end=now + OTHER_SLOTS_WINDOW,
                                   duration=booking.duration_minutes, now=now))[:OTHER_SLOTS_LIMIT]
    except Exception:  # noqa: BLE001 - suggestions are a courtesy; never lose the mail over them
        logger.warning("no slot suggestions for booking %s", booking.pk, exc_info=True)
        return []
    out = []
    for start in starts:
        start = getattr(start, "start", start)
        iso = start.astimezone(UTC).isoformat().replace("+00:00", "Z")
        out.append({
            "label": format_in_zone(start, zone_name),
            "url": absolute_reverse("booking:book", args=[booking.mentor_id],
                                    query={"start": iso, "duration": booking.duration_minutes}),
        })
    return out


def _subject(kind: str, booking: Booking, other_name: str, when: str) -> str:
    subjects = {
        "booking_requested": f"Session request: {booking.topic}",
        "booking_confirmed": f"Confirmed: {booking.topic} with {other_name}, {when}",
        "booking_declined": f"Declined: {booking.topic}",
        "booking_cancelled": f"Cancelled: {booking.topic} with {other_name}, {when}",
        "booking_rescheduled": f"Moved: {booking.topic} with {other_name}, now {when}",
        "booking_expired": f"Your request to {other_name} expired",
        "booking_extended": f"{other_name} needs a little more time to answer your request",
        "reminder_24h": f"Tomorrow: {booking.topic} with {other_name}, {when}",
        "reminder_1h": f"In 1 hour: {booking.topic} with {other_name}, {when}",
        "session_completed": f"How was your session with {other_name}?",
        "no_show_reported": f"{other_name} reported that you missed your session on {when}",
        "no_show_disputed": f"{other_name} disputes your no-show report",
        "no_show_decided": f"Decision on the no-show report for your session on {when}",
        "no_show_withdrawn": f"{other_name} withdrew the no-show report",
    }
    return subjects.get(kind, f"About your session: {booking.topic}")


def _template_name(kind: str) -> str:
    return "reminder" if kind.startswith("reminder_") else kind


def _attach_ics(message: EmailMultiAlternatives, notification: Notification, booking: Booking) -> None:
    method = ICS_METHODS.get(notification.kind)
    if method is None:
        return
    content = booking_ics(booking=booking, method=method, recipient=notification.recipient)
    message.attach("invite.ics", content, f"text/calendar; method={method}; charset=utf-8")


def _outbox_message(notification: Notification, *, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    """Every outbox mail's envelope: our sender, the row's recipient, the headers that tie it to its row."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.to_email or notification.recipient.email],
        headers={"X-Notification-Id": str(notification.pk), "Auto-Submitted": "auto-generated"},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def _prewritten_email(notification: Notification) -> EmailMultiAlternatives:
    """A mail another app wrote (services.notifications.mail_enqueue): sent as it was written."""
    payload = notification.payload
    if "text" not in payload:
        raise ValueError(f"notification {notification.pk} has neither a booking nor a written message")
    return _outbox_message(notification, subject=payload.get("subject") or notification.subject,
                           text=payload["text"], html=payload.get("html", ""))


def _noshow_context(notification: Notification, zone: str) -> dict:
    report = NoShowReport.objects.select_related("decided_by").get(pk=notification.payload["report_id"])
    return {
        "report": report,
        "dispute_deadline": format_in_zone(report.dispute_deadline, zone),
        "dispute_hours": settings.NO_SHOW_DISPUTE_HOURS,
        "is_reporter": report.reporter_id == notification.recipient_id,
        "upheld": report.state == NoShowReport.State.UPHELD,
        "by_moderator": report.decided_by_id is not None,
    }


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    booking = notification.booking
    recipient = notification.recipient
    if booking is None:
        return _prewritten_email(notification)
    zone = recipient.timezone or "UTC"
    is_mentor = recipient.pk == booking.mentor_id
    other = booking.mentee if is_mentor else booking.mentor
    when = format_in_zone(booking.start, zone)
    context = {
        "recipient": recipient,
        "is_mentor": is_mentor,
        "other_name": other.display_name,
        "booking": booking,
        "kind": notification.kind,
        "when": when,
        "end_time": format_in_zone(booking.end, zone, with_date=False),
        "zone": zone,
        "booking_url": _booking_url(booking),
        "directory_url": absolute_reverse("accounts:directory"),
        "preferences_url": absolute_reverse("accounts:me"),
        "hours_before": 24 if notification.kind == "reminder_24h" else 1,
    }
    if notification.kind == "booking_rescheduled":
        moved = booking.events.filter(kind=BookingEvent.Kind.RESCHEDULED).order_by("-at", "-id").first()
        context["previous_when"] = format_in_zone(moved.from_start, zone) if moved and moved.from_start else ""
    if notification.kind == "booking_cancelled" and booking.cancelled_by_id:
        context["cancelled_by_other"] = booking.cancelled_by_id != recipient.pk
        context["departure"] = bool(notification.payload.get("departure"))
    if notification.kind == "booking_extended":
        extended = booking.events.filter(kind=BookingEvent.Kind.EXTENDED).first()
        context["answer_by"] = format_in_zone(extended.to_end, zone) if extended and extended.to_end else ""
    if notification.kind == "booking_expired":
        context["other_slots"] = _other_slots(booking, zone)
        context["mentor_url"] = absolute_url(booking.mentor.mentor_profile.get_absolute_url())
    if notification.kind.startswith("no_show_"):
        context.update(_noshow_context(notification, zone))
    context.update(_extras(notification, booking, recipient, zone))
    name = _template_name(notification.kind)
    message = _outbox_message(notification, subject=_subject(notification.kind, booking, other.display_name, when),
                              text=render_to_string(f"booking/email/{name}.txt", context),
                              html=render_to_string(f"booking/email/{name}.html", context))
    _attach_ics(message, notification, booking)
    return message
