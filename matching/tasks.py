"""Celery adapters: each calls one service and nothing else (schedules in mentorship/celery.py)."""

from __future__ import annotations

from celery import shared_task

from matching import services


@shared_task(name="matching.process_due_recompute_requests")
def process_due_recompute_requests() -> int:
    return services.recompute_requests_process_due()


@shared_task(name="matching.recompute_all_matches")
def recompute_all_matches() -> int:
    return services.matches_recompute_all()
