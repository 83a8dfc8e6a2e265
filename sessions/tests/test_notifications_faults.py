"""Faults: concurrent dispatchers, a broker that is down when a booking is made.

These need real commits (transaction=True): row locks and on-commit hooks only exist there.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from mentorship.celery import app as celery_app
from sessions.models import Notification
from sessions.services import notifications
from sessions.services.bookings import booking_confirm
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory


def _sent_ids() -> Counter:
    return Counter(int(m.extra_headers["X-Notification-Id"]) for m in mail.outbox)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_at_once_send_each_row_exactly_once(mentor, mentee):
    now = timezone.now()
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=now + timedelta(hours=2))
    Notification.objects.bulk_create([
        Notification(kind="reminder_1h", recipient=mentee if i % 2 else mentor, booking=booking,
                     dedupe_key=f"race:{i}", due_at=now - timedelta(seconds=i), payload={"sequence": 0})
        for i in range(400)
    ])
    barrier = threading.Barrier(2)
    claimed: dict[int, int] = {}
    errors: list[BaseException] = []

    def dispatcher(n: int) -> None:
        try:
            barrier.wait()
            total = 0
            while True:
                counts = notifications_dispatch_due(batch=25)
                total += counts["sent"]
                if counts["claimed"] == 0:
                    break
            claimed[n] = total
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    sent = _sent_ids()
    assert len(sent) == 400 and set(sent.values()) == {1}, "every row sent once, none twice"
    assert claimed[0] + claimed[1] == 400
    assert Notification.objects.filter(state="sent").count() == 400


@pytest.fixture
def broker_down():
    """Point the project's Celery app at a port where nothing listens, as if Redis were down."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        # Publishing happens on the outbox's thread: let it meet the dead broker before it is back.
        notifications.publisher.flush(timeout=15)
        celery_app.conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_when_a_booking_is_confirmed_loses_nothing(mentor, mentee, broker_down):
    start = timezone.now() + timedelta(days=3)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=start, status="requested",
                             expires_at=timezone.now() + timedelta(days=1))
    # The request succeeds although the on-commit enqueue cannot reach the broker.
    booking = booking_confirm(booking=booking, actor=mentor)
    assert booking.status == "confirmed"
    rows = Notification.objects.filter(booking=booking)
    assert sorted(rows.values_list("kind", flat=True)) == ["booking_confirmed", "booking_confirmed"] + [
        "reminder_1h", "reminder_1h", "reminder_24h", "reminder_24h"]
    assert set(rows.values_list("state", flat=True)) == {"pending"}
    assert mail.outbox == []

    # Workers come back: the dispatcher sends the confirmations now and each reminder at its time.
    assert notifications_dispatch_due()["sent"] == 2
    assert notifications_dispatch_due(now=start - timedelta(hours=24))["sent"] == 2
    assert notifications_dispatch_due(now=start - timedelta(hours=1))["sent"] == 2
    assert notifications_dispatch_due(now=start - timedelta(minutes=1))["claimed"] == 0
    assert set(_sent_ids().values()) == {1} and len(mail.outbox) == 6
    assert {m.to[0] for m in mail.outbox} == {mentor.email, mentee.email}
