"""Celery adapters, the beat schedule, and a real worker on Redis delivering a reminder once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from mentorship.celery import BEAT_SCHEDULE, QUEUES
from mentorship.celery import app as celery_app
from sessions.models import Booking, Notification
from sessions.services.notifications import booking_notify, reminders_arm
from sessions.tasks import (
    complete_sessions,
    dispatch_due_notifications,
    expire_requests,
    send_notification_task,
    send_notifications_task,
    settle_no_show_reports,
)
from tests.factories import BookingFactory


def test_beat_schedule_runs_each_job_on_its_cadence():
    celery_app.loader.import_default_modules()
    by_task = {entry["task"]: entry["schedule"] for entry in BEAT_SCHEDULE.values()}
    assert by_task["sessions.dispatch_due_notifications"] == 60.0
    assert by_task["sessions.expire_requests"] == 300.0
    assert by_task["sessions.complete_sessions"] == 300.0
    assert by_task["sessions.settle_no_show_reports"] == 900.0
    assert by_task["sessions.refresh_calendars"] == 60.0 * settings.CALENDAR_REFRESH_MINUTES
    for task_name in by_task:
        assert task_name in celery_app.tasks, task_name
    assert celery_app.conf.beat_schedule is BEAT_SCHEDULE


def test_idempotent_tasks_ack_late_and_retry_only_transient_errors():
    from django.db import InterfaceError, OperationalError

    for task in (send_notification_task, send_notifications_task, dispatch_due_notifications, expire_requests, complete_sessions,
                 settle_no_show_reports):
        assert task.acks_late is True
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}
        assert task.max_retries == 3


@pytest.mark.django_db
def test_send_task_sends_a_row_once_however_often_it_runs(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    rows = booking_notify(booking=booking, event="confirmed", actor=mentor)
    row = next(r for r in rows if r.recipient_id == mentee.pk)
    assert send_notification_task.apply(args=(row.pk,)).get() == "sent"
    assert send_notification_task.apply(args=(row.pk,)).get() == "not-due"
    assert send_notification_task.apply(args=(987654,)).get() == "not-due"
    assert [m.to for m in mail.outbox] == [[mentee.email]]


@pytest.mark.django_db
def test_the_batched_send_task_sends_each_row_once_however_often_it_runs(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    ids = [row.pk for row in booking_notify(booking=booking, event="cancelled", actor=None)]
    assert len(ids) == 2
    assert send_notifications_task.apply(args=(ids,)).get() == ["sent", "sent"]
    assert send_notifications_task.apply(args=(ids + [987654],)).get() == ["not-due"] * 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])


@pytest.mark.django_db
def test_periodic_tasks_run_twice_have_one_effect(mentor, mentee):
    now = timezone.now()
    requested = BookingFactory(mentor=mentor, mentee=mentee, start=now + timedelta(days=2), status="requested",
                               expires_at=now - timedelta(minutes=1))
    finished = BookingFactory(mentor=mentor, mentee=mentee, start=now - timedelta(hours=2))

    assert expire_requests.apply().get() == 1
    assert expire_requests.apply().get() == 0
    assert complete_sessions.apply().get() == 1
    assert complete_sessions.apply().get() == 0
    assert Booking.objects.get(pk=requested.pk).status == "expired"
    assert Booking.objects.get(pk=finished.pk).status == "completed"

    assert dispatch_due_notifications.apply().get() == 2  # expiry mail + invitation to rate
    assert dispatch_due_notifications.apply().get() == 0
    assert sorted(m.subject.split(" ")[0] for m in mail.outbox) == ["How", "Your"]


# --- a real worker on Redis --------------------------------------------------------------------------

def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker: set REDIS_URL=redis://127.0.0.1:6379/N (CI does)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_on_redis_sends_a_confirmed_bookings_reminder_exactly_once(mentor, mentee):
    import redis
    from celery.contrib.testing.worker import start_worker

    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete(*QUEUES)  # leftovers of earlier runs refer to rows that no longer exist

    def queued() -> int:
        return sum(broker.llen(name) for name in QUEUES)

    start = timezone.now() + timedelta(hours=3)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=start)
    mentor.remind_1h = False
    mentor.save()
    mentee.remind_24h = False
    mentee.save()
    booking.refresh_from_db()
    [reminder] = reminders_arm(booking=booking)
    assert (reminder.kind, reminder.recipient_id) == ("reminder_1h", mentee.pk)
    # Two hours pass: the reminder is due now (the dispatcher reads the clock, so move the row).
    Notification.objects.filter(pk=reminder.pk).update(due_at=timezone.now() - timedelta(seconds=1))

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        # Everything that could send it twice: two beat ticks, a duplicated fast-path message
        # (as after a Redis visibility-timeout redelivery), and a send for the row directly.
        dispatch_due_notifications.delay()
        dispatch_due_notifications.delay()
        send_notification_task.delay(reminder.pk)
        send_notification_task.delay(reminder.pk)
        assert _wait_for(lambda: Notification.objects.get(pk=reminder.pk).state == "sent")
        assert _wait_for(lambda: queued() == 0)
        dispatch_due_notifications.delay()  # one more tick after the send: must find nothing
        assert _wait_for(lambda: queued() == 0)
        time.sleep(1.0)  # let the worker finish the last message it took

    reminders = [m for m in mail.outbox if m.extra_headers.get("X-Notification-Id") == str(reminder.pk)]
    assert len(reminders) == 1
    assert reminders[0].to == [mentee.email] and reminders[0].subject.startswith("In 1 hour:")
    assert "(America/New_York)" in reminders[0].body
