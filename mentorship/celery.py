"""The one Celery app, and the one place for the beat schedule.

Broker: Redis when REDIS_URL is set, else kombu's filesystem transport under var/celery (no
server needed for `make run`). The filesystem transport has no acknowledgements, so nothing may
depend on redelivery: due work lives in database rows claimed with skip-locked updates.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")

# Queues per kind of work, so that on more machines each kind gets workers of its own and a slow
# matching recompute never delays a reminder. One worker without -Q consumes all of them (the
# default in bin/run-all and docker-compose.yml); tests/test_celery_queues.py checks that every
# task is routed to one of these.
QUEUES = ("mail", "lifecycle", "matching", "default")
TASK_ROUTES = {
    # Outbox sends and the due-reminder claimer: time-critical, small, I/O bound (SMTP).
    "sessions.send_notification": {"queue": "mail"},
    "sessions.send_notifications": {"queue": "mail"},
    "sessions.dispatch_due_notifications": {"queue": "mail"},
    # New-message digests: claim due read states and put one mail each in the outbox.
    "conversations.send_due_digests": {"queue": "mail"},
    # Booking lifecycle sweeps: expire requests, complete sessions, settle no-shows.
    "sessions.expire_requests": {"queue": "lifecycle"},
    "sessions.complete_sessions": {"queue": "lifecycle"},
    "sessions.settle_no_show_reports": {"queue": "lifecycle"},
    "sessions.expire_flash_questions": {"queue": "lifecycle"},
    # External calendar refreshes: network fetches (seconds each at worst), off the mail queue.
    "sessions.refresh_calendars": {"queue": "lifecycle"},
    # The directory's read model of free times (accounts.MentorFreeTime): recomputed after a
    # booking changes, and rolled forward as time passes.
    "sessions.refresh_free_times": {"queue": "lifecycle"},
    "sessions.roll_free_times_forward": {"queue": "lifecycle"},
    # Match recomputes: CPU and memory heavy (the encoder), fine to run seconds late.
    "matching.*": {"queue": "matching"},
    # Insights' scan of booking topics against the skill taxonomy: CPU work, fine minutes late.
    "insights.*": {"queue": "matching"},
}


def _configure() -> None:
    from django.conf import settings

    # The one schedule entry whose period is a setting (it needs the settings, which this module
    # cannot read at import).
    BEAT_SCHEDULE["refresh-calendars"]["schedule"] = settings.CALENDAR_REFRESH_MINUTES * 60.0
    conf: dict = {
        "broker_url": settings.CELERY_BROKER_URL,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "result_backend": None,
        "timezone": "UTC",
        "enable_utc": True,
        "task_soft_time_limit": 120,
        "task_time_limit": 180,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "task_always_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        "beat_schedule": BEAT_SCHEDULE,
        "task_queues": [Queue(name) for name in QUEUES],
        "task_default_queue": "default",  # anything not routed above; still consumed by every full worker
        "task_routes": TASK_ROUTES,
    }
    if conf["broker_url"].startswith("filesystem://"):
        base = settings.CELERY_BROKER_DATA_DIR
        for sub in ("queue", "processed", "control"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        conf["broker_transport_options"] = {
            "data_folder_in": str(base / "queue"),
            "data_folder_out": str(base / "queue"),
            "processed_folder": str(base / "processed"),
            "control_folder": str(base / "control"),
            "store_processed": False,
        }
    else:
        # A worker that dies mid-task leaves the message for another after the visibility timeout;
        # tasks are idempotent (claims in the database), so redelivery can never send twice.
        # Publishing fails fast when Redis is down (kombu would otherwise retry for ~6 s inside the
        # request's on-commit hook): every message we publish has a database row behind it that the
        # dispatcher picks up anyway.
        conf["broker_transport_options"] = {"visibility_timeout": 3600, "max_retries": 1, "interval_start": 0,
                                            "interval_step": 0.2, "interval_max": 0.5}
    app.conf.update(conf)


# Every periodic job, with why it runs when it does. Jobs claim due database rows, so running
# one twice, or two at once, has one effect.
BEAT_SCHEDULE: dict = {
    # Reminders are due at 24 h / 1 h before a session; a minute of lateness is fine, and the same
    # job is the safety net for transactional mails whose on-commit task was lost (broker down).
    "dispatch-due-notifications": {"task": "sessions.dispatch_due_notifications", "schedule": 60.0},
    # Requests expire after 48 h; five minutes late is invisible to a person waiting for an answer.
    "expire-requests": {"task": "sessions.expire_requests", "schedule": 300.0},
    # Completion waits a 15-minute grace anyway; five more minutes before "rate your session" is fine.
    "complete-sessions": {"task": "sessions.complete_sessions", "schedule": 300.0},
    # An undisputed no-show report counts once its 72-hour dispute window has passed; nobody waits
    # on that moment to the minute, so every 15 minutes is plenty.
    "settle-no-show-reports": {"task": "sessions.settle_no_show_reports", "schedule": 900.0},
    # Flash questions in programs are open until the end of their week (Monday 00:00 in the
    # organisation's zone, which may be any offset from UTC): an hourly sweep closes each within the
    # hour; an open question past its week is already refused offers and accepts on its own.
    "expire-flash-questions": {"task": "sessions.expire_flash_questions", "schedule": 3600.0},
    # Mentors' external calendars: each is due CALENDAR_REFRESH_MINUTES after its last fetch (later
    # after failures); a claimer at the same period finds each one due on the tick after that.
    # (The period is settings.CALENDAR_REFRESH_MINUTES, filled in by _configure with the settings.)
    "refresh-calendars": {"task": "sessions.refresh_calendars", "schedule": 900.0},
    # The directory's "next free time" goes stale as soon as that time passes, and its "earliest free"
    # order with it: five minutes is the staleness people see at worst (the slot picker is exact).
    # The same job recomputes each mentor at least every DIRECTORY_FREE_REFRESH_HOURS.
    "roll-free-times-forward": {"task": "sessions.roll_free_times_forward", "schedule": 300.0},
    # New-message digests are due a minute after a quiet thread's first message, then at most one
    # per CONVERSATIONS_DIGEST_MINUTES; a one-minute claimer keeps the first mail prompt.
    "conversations-send-digests": {"task": "conversations.send_due_digests", "schedule": 60.0},
    # Match lists: profile changes are debounced ~30 s in RecomputeRequest rows; a one-minute
    # claimer keeps "edit goals, see new recommendations" within about a minute and a half.
    "matching-process-due": {"task": "matching.process_due_recompute_requests", "schedule": 60.0},
    # Nightly full recompute refreshes every mentor's and mentee's stored features, then every list:
    # it picks up what no trigger sees (time-zone daylight shifts, slots that simply pass, bookings);
    # 03:30 UTC is night in Europe and evening in the Americas, off-peak for both.
    "matching-recompute-all": {"task": "matching.recompute_all_matches", "schedule": crontab(hour=3, minute=30)},
    # "What people ask about" on the insights page counts scanned bookings; ten minutes behind the
    # latest request is invisible in a report over weeks.
    "insights-refresh-booking-skills": {"task": "insights.refresh_booking_skills", "schedule": 600.0},
    # Response times and badges are recomputed on commit when a request is answered or a rating
    # stored; the nightly run catches what no trigger sees (answers ageing out of the sample, a
    # review removed by a moderator). 04:15 UTC: after the matching recompute, off-peak.
    "insights-refresh-mentor-recognition": {"task": "insights.refresh_mentor_recognition",
                                            "schedule": crontab(hour=4, minute=15)},
}

_configure()
app.autodiscover_tasks()
