"""Every link in a booking email and its .ics leads somewhere: a 200 or the sign-in page.

Kinds are discovered from the templates on disk, so a new booking email with a broken link fails
here without anyone remembering to add it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from sessions.emails import notification_email
from sessions.models import AvailabilityRule, NoShowReport, Notification
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "booking" / "email"
URL = re.compile(r"""https?://[^\s"'<>)\\]+""")


def _kinds() -> list[str]:
    names = sorted({p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")})
    return [k for name in names for k in (["reminder_24h", "reminder_1h"] if name == "reminder" else [name])]


def _links(message) -> set[str]:
    parts = [message.body] + [content for content, _ in message.alternatives]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.content
        # .ics folds long lines at 75 octets with CRLF + space; unfold before looking for URLs.
        parts.append(re.sub(r"\r?\n[ \t]", "", content if isinstance(content, str) else content.decode()))
    found = set()
    for part in parts:
        found |= {url.rstrip(".,;").replace("&amp;", "&").replace("\\,", ",") for url in URL.findall(part)}
    return found


def test_kinds_are_discovered():
    assert {"booking_expired", "booking_confirmed", "reminder_24h"} <= set(_kinds())


@pytest.mark.parametrize("kind", _kinds())
@time_machine.travel(NOW, tick=False)
def test_every_link_in_a_booking_email_leads_somewhere(kind, mentor, mentee):
    for weekday in range(7):
        AvailabilityRule.objects.create(mentor=mentor, weekday=weekday, start_time="09:00", end_time="12:00")
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=NOW + timedelta(days=3), status="confirmed")
    recipients = [mentee] if kind in ("booking_expired", "booking_declined") else [mentee, mentor]
    payload = {}
    if kind.startswith("no_show_"):
        # No-show mails are about one report (sessions.services.notifications.noshow_notify).
        closed = {"state": "dismissed", "decided_at": NOW, "decision_reason": "Both joined."}
        report = NoShowReport.objects.create(booking=booking, reporter=mentor, reported=mentee, reason="Nobody came",
                                             created_at=NOW, dispute_deadline=NOW + timedelta(hours=72),
                                             **(closed if kind == "no_show_decided" else {}))
        payload = {"report_id": report.pk}
    for recipient in recipients:
        notification = Notification.objects.create(booking=booking, recipient=recipient, kind=kind, due_at=NOW,
                                                   dedupe_key=f"{kind}:{booking.pk}:{recipient.pk}", payload=payload)
        links = _links(notification_email(notification))
        assert links, f"{kind} mail has no links"
        client = Client()
        client.force_login(recipient)
        for link in links:
            if not link.startswith(settings.SITE_URL):
                continue  # the meeting link is the mentor's own room elsewhere
            parts = urlsplit(link)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            response = client.get(path)
            assert response.status_code == 200, f"{kind} to {recipient.email}: {link} -> {response.status_code}"
