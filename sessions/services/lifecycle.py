"""Time-driven booking transitions: expiry of unanswered requests, completion, no-show reports.

The periodic jobs claim bookings with select_for_update(skip_locked=True) and change their status
in the claiming transaction, so running a job twice, or on two workers at once, has one effect: a
booking that is already expired or completed no longer matches the filter. On SQLite (no row
locks) the IMMEDIATE transaction mode serialises the writers instead.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from sessions.errors import BookingError
from sessions.models import Booking, BookingEvent, ReliabilityRecord
from sessions.services.notifications import booking_notify, reminders_cancel

JOB_BATCH = 200


def _claim(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def _reliability_add(user_ids, **deltas: int) -> None:
    for user_id in user_ids:
        ReliabilityRecord.objects.get_or_create(user_id=user_id)
    ReliabilityRecord.objects.filter(pk__in=list(user_ids)).update(
        # Greatest: taking a completion back never drives a count below zero.
        **{field: Greatest(F(field) + delta, 0) for field, delta in deltas.items()}
    )


def _completions_count(counts: Counter) -> None:
    """Add a batch's completions per person, locking the records in ascending user id.

    Two completers running at once each hold their records' row locks until they commit; taking
    them in one global order means they queue instead of deadlocking (mentor A + mentee B in one
    batch, mentor B + mentee A in the other).
    """
    for user_id in sorted(counts):
        ReliabilityRecord.objects.get_or_create(user_id=user_id)
        ReliabilityRecord.objects.filter(pk=user_id).update(sessions_completed=F("sessions_completed") + counts[user_id])


def requests_expire_due(*, now: datetime | None = None, batch: int = JOB_BATCH) -> int:
    """Requests the mentor did not answer by expires_at become expired; the mentee is told."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = list(_claim(Booking.objects.select_related("mentor", "mentee").filter(
                status=Booking.Status.REQUESTED, expires_at__lte=now)).order_by("expires_at", "id")[:batch])
            for booking in due:
                booking.status = Booking.Status.EXPIRED
                booking.sequence += 1
                booking.save(update_fields=["status", "sequence", "updated_at"])
                BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.EXPIRED,
                                            note="No answer from the mentor in time")
                booking_notify(booking=booking, event="expired")
        done += len(due)
        if len(due) < batch:
            return done


def sessions_complete_due(*, now: datetime | None = None, grace: int | None = None, batch: int = JOB_BATCH) -> int:
    """Confirmed sessions whose end + grace has passed become completed; the mentee is invited
    to rate. The grace period leaves room for sessions that overrun and for a no-show report
    before the invitation to rate goes out."""
    now = now or timezone.now()
    grace = settings.SESSION_COMPLETE_GRACE_MINUTES if grace is None else grace
    cutoff = now - timedelta(minutes=grace)
    done = 0
    while True:
        with transaction.atomic():
            due = list(_claim(Booking.objects.select_related("mentor", "mentee").filter(
                status=Booking.Status.CONFIRMED, end__lte=cutoff)).order_by("end", "id")[:batch])
            completions: Counter = Counter()
            for booking in due:
                booking.status = Booking.Status.COMPLETED
                booking.completed_at = now
                booking.save(update_fields=["status", "completed_at", "updated_at"])
                BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.COMPLETED)
                completions.update((booking.mentor_id, booking.mentee_id))
                booking_notify(booking=booking, event="completed")
            _completions_count(completions)
        done += len(due)
        if len(due) < batch:
            return done


def booking_report_no_show(*, booking: Booking, actor, party: str | None = None,
                           now: datetime | None = None) -> Booking:
    """A participant reports that the OTHER participant did not show up.

    Allowed once, from the session's end until NO_SHOW_REPORT_HOURS (48) after it, on a confirmed
    (not yet completed) or completed booking. The absent party's reliability record counts it; a
    completion already counted for the pair is taken back, because the session did not happen.
    """
    now = now or timezone.now()
    if not booking.is_participant(actor):
        raise BookingError("Only the mentor or the mentee of this session can report a no-show.",
                           code="forbidden")
    actor_role = Booking.NoShowParty.MENTOR if actor.pk == booking.mentor_id else Booking.NoShowParty.MENTEE
    other_role = Booking.NoShowParty.MENTEE if actor_role == Booking.NoShowParty.MENTOR else Booking.NoShowParty.MENTOR
    party = party or other_role
    if party not in Booking.NoShowParty.values:
        raise BookingError("Say who did not show up.", field_errors={"party": ["Choose “mentor” or “mentee”."]})
    if party == actor_role:
        raise BookingError("You can only report the other participant.",
                           field_errors={"party": [f"As the {actor_role} you can report the {other_role} only."]})
    window = timedelta(hours=settings.NO_SHOW_REPORT_HOURS)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == Booking.Status.NO_SHOW:
            raise BookingError("A no-show has already been reported for this session.",
                               code="already_reported")
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED):
            raise BookingError(f"A {booking.get_status_display().lower()} session cannot have a no-show.",
                               code="wrong_state")
        if now < booking.end:
            raise BookingError("You can report a no-show once the session has ended.",
                               code="not_ended")
        if now > booking.end + window:
            raise BookingError(f"No-shows can be reported up to {settings.NO_SHOW_REPORT_HOURS} hours after "
                               "the session.", code="too_late")
        was_completed = booking.status == Booking.Status.COMPLETED
        booking.status = Booking.Status.NO_SHOW
        booking.no_show_party = party
        booking.no_show_reported_by = actor
        booking.save(update_fields=["status", "no_show_party", "no_show_reported_by", "updated_at"])
        BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.NO_SHOW, actor=actor,
                                    note=f"{party} did not show")
        absent_id = booking.mentor_id if party == Booking.NoShowParty.MENTOR else booking.mentee_id
        _reliability_add((absent_id,), no_shows=1)
        if was_completed:
            _reliability_add((booking.mentor_id, booking.mentee_id), sessions_completed=-1)
        # Reminders cannot be pending after the end, but a stale row must never go out.
        reminders_cancel(booking=booking)
    return booking
