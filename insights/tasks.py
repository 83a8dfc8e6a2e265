"""Celery adapters: the background scan of booking topics (insights.services) and the nightly
recompute of every mentor's recognition (insights.recognition)."""

from __future__ import annotations

import time

from celery import shared_task
from django.db import InterfaceError, OperationalError

from insights.recognition import recognition_refresh_all
from insights.services import booking_skills_refresh

# Hands the worker back well before the soft time limit (120 s); the next tick goes on.
BUDGET_SECONDS = 50


@shared_task(name="insights.refresh_booking_skills", autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, max_retries=3, acks_late=True)
def refresh_booking_skills(batch: int = 5000) -> int:
    started, scanned = time.monotonic(), 0
    while time.monotonic() - started < BUDGET_SECONDS:
        done = booking_skills_refresh(batch=batch)
        scanned += done
        if done < batch:
            break
    return scanned


@shared_task(name="insights.refresh_mentor_recognition", autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, max_retries=3, acks_late=True)
def refresh_mentor_recognition() -> int:
    return recognition_refresh_all()
