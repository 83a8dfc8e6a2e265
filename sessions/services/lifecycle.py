"""Time-driven booking transitions: expiry of unanswered requests and completion.

No-show reports and their disputes live in sessions.services.noshow.

The periodic jobs claim bookings with select_for_update(skip_locked=True) and change their status
in the claiming transaction, so running a job twice, or on two workers at once, has one effect: a
booking that is already expired or completed no longer matches the filter. On SQLite (no row
locks) the IMMEDIATE transaction mode serialises the writers instead.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from mentorship.claims import claim
from sessions.models import Booking, BookingEvent, ReliabilityRecord
from sessions.services.free_times import mentor_free_times_changed
from sessions.services.notifications import booking_notify

JOB_BATCH = 200


def reliability_add(user_ids, **deltas: int) -> None:
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
            due = list(claim(Booking.objects.select_related("mentor", "mentee").filter(
                status=Booking.Status.REQUESTED, expires_at__lte=now)).order_by("expires_at", "id")[:batch])
            for booking in due:
                booking.status = Booking.Status.EXPIRED
                booking.sequence += 1
                booking.save(update_fields=["status", "sequence", "updated_at"])
                BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.EXPIRED,
                                            note="No answer from the mentor in time")
                booking_notify(booking=booking, event="expired")
            mentor_free_times_changed(mentor_ids={b.mentor_id for b in due}, defer=True)
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
            due = list(claim(Booking.objects.select_related("mentor", "mentee").filter(
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
