"""Celery adapters for conversations: call a service, nothing else (idempotent: see digests.py)."""

from __future__ import annotations

from celery import shared_task

from conversations.digests import digests_send_due


@shared_task(name="conversations.send_due_digests", acks_late=True)
def send_due_digests() -> int:
    return digests_send_due()
