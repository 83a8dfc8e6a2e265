"""Celery adapters for the outbox and the booking lifecycle: take ids, call a service, nothing else.

All of them are idempotent (the services claim database rows and mark them in the same
transaction), so they are acks_late: a worker killed mid-task leaves the message to be redelivered
and the redelivery finds nothing left to do twice. Only transient database errors are retried
here; SMTP failures are retried by the outbox itself (attempts, backoff, then "failed"), and a
domain error is never retried.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sessions.services import calendars, flash, free_times, lifecycle, noshow, notifications

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# A dispatch keeps taking batches while there is a backlog, but hands the worker back well
# before the soft time limit (120 s) and before the next beat tick piles up behind it.
DISPATCH_BUDGET_SECONDS = 50

_retrying = {"autoretry_for": TRANSIENT_DB_ERRORS, "retry_backoff": 5, "retry_backoff_max": 60,
             "retry_jitter": True, "max_retries": 3, "acks_late": True}


@shared_task(name="sessions.send_notification", **_retrying)
def send_notification_task(notification_id: int) -> str:
    return notifications.notification_send(notification_id=notification_id)


@shared_task(name="sessions.send_notifications", **_retrying)
def send_notifications_task(notification_ids: list[int]) -> list[str]:
    """The outbox's fast path: the new mails of one or more committed transactions, published as
    one message (one broker round trip for a booking's two confirmations, fewer still under load).
    Each row is claimed on its own, so a redelivered or retried message sends nothing twice."""
    return [notifications.notification_send(notification_id=pk) for pk in notification_ids]


@shared_task(name="sessions.dispatch_due_notifications", **_retrying)
def dispatch_due_notifications(batch: int = 200) -> int:
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < DISPATCH_BUDGET_SECONDS:
        counts = notifications.notifications_dispatch_due(batch=batch)
        sent += counts["sent"]
        if counts["claimed"] < batch:
            break
    return sent


@shared_task(name="sessions.expire_requests", **_retrying)
def expire_requests() -> int:
    return lifecycle.requests_expire_due()


@shared_task(name="sessions.complete_sessions", **_retrying)
def complete_sessions() -> int:
    return lifecycle.sessions_complete_due()


@shared_task(name="sessions.settle_no_show_reports", **_retrying)
def settle_no_show_reports() -> int:
    return noshow.noshow_reports_settle_due()


@shared_task(name="sessions.expire_flash_questions", **_retrying)
def expire_flash_questions() -> int:
    return flash.flash_questions_expire()


@shared_task(name="sessions.refresh_calendars", **_retrying)
def refresh_calendars() -> int:
    """Fetch the mentors' due calendars, batch after batch, within the dispatch budget."""
    started = time.monotonic()
    done = 0
    while time.monotonic() - started < DISPATCH_BUDGET_SECONDS:
        outcomes = calendars.calendars_refresh_due()
        done += outcomes["claimed"]
        if outcomes["claimed"] < calendars.REFRESH_BATCH:
            break
    return done


@shared_task(name="sessions.refresh_free_times", **_retrying)
def refresh_free_times(mentor_ids: list[int]) -> int:
    return free_times.mentors_free_times_refresh(mentor_ids=mentor_ids)


@shared_task(name="sessions.roll_free_times_forward", **_retrying)
def roll_free_times_forward() -> int:
    return free_times.free_times_roll_forward()
