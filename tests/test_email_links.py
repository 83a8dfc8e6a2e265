"""Every link the platform mails out leads somewhere: a 200, or the sign-in page for a stranger.

Booking mail and its .ics (kinds discovered from the templates on disk, so a new booking email with a
broken link fails here without anyone remembering to add it), the review-removed mail, allauth's
account mail as the sign-up and password-reset pages send it, and the private calendar feed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client

from ratings import services as ratings_services
from ratings.tests.conftest import completed_booking_for
from sessions.emails import notification_email
from sessions.models import AvailabilityRule, NoShowReport, Notification
from sessions.services.calendar import calendar_token_ensure
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "booking" / "email"
URL = re.compile(r"""https?://[^\s"'<>)\\]+""")


def _kinds() -> list[str]:
    names = sorted({p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")})
    return [k for name in names for k in (["reminder_24h", "reminder_1h"] if name == "reminder" else [name])]


def _urls(parts: list[str]) -> set[str]:
    found = set()
    for part in parts:
        # .ics folds long lines at 75 octets with CRLF + space; unfold before looking for URLs.
        part = re.sub(r"\r?\n[ \t]", "", part)
        found |= {url.rstrip(".,;").replace("&amp;", "&").replace("\\,", ",") for url in URL.findall(part)}
    return found


def _links(message) -> set[str]:
    parts = [message.body] + [content for content, _ in message.alternatives]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.content
        parts.append(content if isinstance(content, str) else content.decode())
    return _urls(parts)


def _follow_each(links: set[str], client: Client, *, what: str) -> int:
    """GET every link of ours; each must answer 200, or redirect (within the site) to a page that
    does: the sign-in page for a stranger, the set-password form for a reset key. Returns how many."""
    followed = 0
    for link in links:
        if not link.startswith(settings.SITE_URL):
            continue  # the meeting link is the mentor's own room elsewhere
        parts = urlsplit(link)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""), follow=True)
        assert response.status_code == 200, f"{what}: {link} -> {response.status_code}"
        for hop, _ in response.redirect_chain:
            assert not urlsplit(hop).netloc or hop.startswith(settings.SITE_URL), f"{what}: {link} left the site"
        followed += 1
    return followed


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


def _mail_to(address: str):
    notifications_dispatch_due()  # account mail that goes through the outbox is sent by the dispatcher
    found = [m for m in mail.outbox if address in m.to]
    assert found, f"no mail to {address} among {[m.to for m in mail.outbox]}"
    return found[-1]


SIGNUP = {"email": "nia@example.com", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42",
          "name": "Nia New", "role": "mentee", "timezone": "Asia/Kolkata"}


def test_every_link_in_the_sign_up_confirmation_leads_somewhere(client):
    client.post("/accounts/signup/", SIGNUP)
    links = _links(_mail_to("nia@example.com"))
    assert any("/accounts/confirm-email/" in link for link in links)
    assert _follow_each(links, Client(), what="confirmation") == len(links)


def test_every_link_in_a_password_reset_leads_somewhere(client, mentee):
    client.post("/accounts/password/reset/", {"email": mentee.email})
    links = _links(_mail_to(mentee.email))
    assert any("/accounts/password/reset/key/" in link for link in links)
    # Followed by a stranger's browser, as a person clicking it while signed out would.
    assert _follow_each(links, Client(), what="password reset") == len(links)


@pytest.mark.parametrize("address", ["nobody@example.com", "mentee@example.com"])
def test_every_link_in_mail_to_an_unknown_or_taken_address_leads_somewhere(client, mentee, address):
    # A reset for an unknown address tells its owner how to sign up; a sign-up with a taken one how to reset.
    if address == mentee.email:
        client.post("/accounts/signup/", {**SIGNUP, "email": address})
    else:
        client.post("/accounts/password/reset/", {"email": address})
    links = _links(_mail_to(address))
    assert len(links) >= 2
    assert _follow_each(links, Client(), what=address) == len(links)


def test_every_link_in_a_security_notice_leads_somewhere(client_for, mentor, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client_for(mentor).post("/accounts/password/change/", {
        "oldpassword": "correct-horse-battery", "password1": "brand-new-passphrase-9",
        "password2": "brand-new-passphrase-9"})
    links = _links(_mail_to(mentor.email))
    assert any("/accounts/password/reset/" in link for link in links)
    assert _follow_each(links, Client(), what="security notice") == len(links)


def test_every_link_in_the_review_removed_mail_leads_somewhere(mentor, mentee, moderator):
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    rating = ratings_services.rating_create(booking_id=booking.pk, rater=mentee, stars=1, comment="Call me")
    ratings_services.moderate(ratings=[rating.pk], moderator=moderator, action="remove", reason="Contact details")
    links = _links(notification_email(Notification.objects.get(kind="rating_removed")))
    client = Client()
    client.force_login(mentee)
    assert links and _follow_each(links, client, what="review removed") == len(links)


@pytest.mark.parametrize("signed_in", [True, False])
def test_every_link_in_the_calendar_feed_leads_somewhere(mentor, mentee, signed_in):
    for days, status in ((3, "confirmed"), (4, "requested"), (-3, "completed")):
        BookingFactory(mentor=mentor, mentee=mentee, status=status, start=NOW + timedelta(days=days))
    feed = Client().get(f"/calendar/{calendar_token_ensure(user=mentee)}.ics")
    assert feed.status_code == 200
    links = _urls([feed.content.decode()])
    assert any("/sessions/" in link for link in links), links
    client = Client()
    if signed_in:
        client.force_login(mentee)
    # A stranger (the calendar app, a forwarded invite) lands on the sign-in page, never on a 404.
    assert _follow_each(links, client, what="calendar feed") >= 1
