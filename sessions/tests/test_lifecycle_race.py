"""Two workers running the completion job at the same moment: every session completes once,
every completion is counted once, and crossed mentor/mentee pairs do not deadlock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sessions.models import BookingEvent, Notification, ReliabilityRecord
from sessions.services.lifecycle import sessions_complete_due
from tests.factories import BookingFactory, MenteeFactory, MentorFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_completers_at_once_complete_and_count_each_session_once():
    people = [MentorFactory(is_mentee=True) for _ in range(4)] + [MenteeFactory() for _ in range(2)]
    ended = timezone.now() - timedelta(hours=3)
    bookings = []
    # Every ordered pair of the six people, so that batches lock records of crossed pairs.
    for i, mentor in enumerate(people[:4]):
        for j, mentee in enumerate(people):
            if mentor != mentee:
                start = ended - timedelta(hours=i * 10 + j)
                bookings.append(BookingFactory(mentor=mentor, mentee=mentee, start=start))
    barrier = threading.Barrier(2)
    done: list[int] = []
    errors: list[BaseException] = []

    def completer() -> None:
        try:
            barrier.wait()
            done.append(sessions_complete_due(batch=3))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=completer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(done) == len(bookings)
    assert BookingEvent.objects.filter(kind="completed").count() == len(bookings)
    assert Notification.objects.filter(kind="session_completed").count() == len(bookings)
    expected = {p.pk: sum(1 for b in bookings if p.pk in (b.mentor_id, b.mentee_id)) for p in people}
    assert dict(ReliabilityRecord.objects.values_list("user_id", "sessions_completed")) == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_settlers_at_once_count_each_undisputed_no_show_report_once():
    from sessions.models import Booking, NoShowReport
    from sessions.services.noshow import noshow_report_create, noshow_reports_settle_due

    people = [MentorFactory(is_mentee=True) for _ in range(3)] + [MenteeFactory() for _ in range(2)]
    ended = timezone.now() - timedelta(days=5)
    reports = []
    # Crossed pairs, and both sides of each session reporting, so batches touch shared records.
    for i, mentor in enumerate(people[:3]):
        for j, mentee in enumerate(people):
            if mentor != mentee:
                booking = BookingFactory(mentor=mentor, mentee=mentee, start=ended - timedelta(hours=i * 10 + j),
                                         status="completed")
                for reporter in (mentor, mentee):
                    reports.append(noshow_report_create(booking=booking, reporter=reporter, reason="Nobody came",
                                                        now=booking.end + timedelta(minutes=30)))
    barrier = threading.Barrier(2)
    done: list[int] = []
    errors: list[BaseException] = []

    def settler() -> None:
        try:
            barrier.wait()
            done.append(noshow_reports_settle_due(batch=3))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=settler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(done) == len(reports)
    assert set(NoShowReport.objects.values_list("state", flat=True)) == {"upheld"}
    assert set(Booking.objects.values_list("no_show_party", flat=True)) == {"both"}
    assert BookingEvent.objects.filter(kind="no_show").count() == len(reports)
    expected = {p.pk: sum(1 for r in reports if r.reported_id == p.pk) for p in people}
    assert dict(ReliabilityRecord.objects.values_list("user_id", "no_shows")) == expected
