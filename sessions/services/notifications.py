"""The outbox: the one place that decides who is told what about a booking, and when.

Interface used by the booking services (keep these signatures):
    booking_notify(*, booking, event, actor=None)  -> rows for the emails an event causes
    reminders_arm(*, booking)                      -> reminder rows for a confirmed booking
    reminders_cancel(*, booking)                   -> cancel pending reminders (cancel/reschedule)
All three must be called inside the booking's transaction; sending happens after commit.
"""

from __future__ import annotations

from django.utils import timezone

from sessions.models import Booking, Notification

BOOKING_EVENTS = ("requested", "confirmed", "declined", "cancelled", "rescheduled", "expired")


def booking_notify(*, booking: Booking, event: str, actor=None) -> list[Notification]:
    if event not in BOOKING_EVENTS:
        raise ValueError(f"unknown booking event {event!r}")
    now = timezone.now()
    rows = []
    for recipient in (booking.mentor, booking.mentee):
        if actor is not None and recipient.pk == actor.pk and event not in ("confirmed", "rescheduled"):
            continue
        key = f"booking:{booking.pk}:{event}:seq{booking.sequence}:to{recipient.pk}"
        row, _ = Notification.objects.get_or_create(
            dedupe_key=key,
            defaults={"kind": f"booking_{event}", "recipient": recipient, "booking": booking, "due_at": now},
        )
        rows.append(row)
    return rows


def reminders_arm(*, booking: Booking) -> list[Notification]:
    return []


def reminders_cancel(*, booking: Booking) -> int:
    return Notification.objects.filter(
        booking=booking, state=Notification.State.PENDING, kind__startswith="reminder_"
    ).update(state=Notification.State.CANCELLED)
