"""Every email the platform sends is built on the one layout (templates/email/layout.html and .txt),
has a text and an HTML part, and names the recipient's time zone wherever it shows a time.

Kinds are discovered, not listed: booking mail from templates/booking/email/, account mail from
every `*_subject.txt` allauth ships (account, mfa, socialaccount), so a new kind that skips the
layout or its HTML part fails here without anyone remembering to add it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import RequestFactory

from ratings import services as ratings_services
from ratings.tests.conftest import completed_booking_for
from sessions.emails import notification_email
from sessions.models import AvailabilityRule, BookingEvent, NoShowReport, Notification
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

LAYOUT_HTML = 'data-email-layout="1"'  # on the outer table of templates/email/layout.html
LAYOUT_TEXT = "\n-- \nMicro-mentorship, "  # the signature block of templates/email/layout.txt
TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])")
ZONE_NAMES = {"Europe/Berlin": ("CET", "CEST"), "America/New_York": ("EST", "EDT"), "Asia/Kolkata": ("IST",)}
TEMPLATES = Path(settings.BASE_DIR) / "templates"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def assert_one_layout(message, *, zone: str) -> None:
    """Text and HTML parts, each from the one layout exactly once, times followed by the zone."""
    assert isinstance(message, EmailMultiAlternatives), "no HTML part"
    text = message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert text.strip() and "<p" not in text and "<html" not in text
    assert html.count(LAYOUT_HTML) == 1 and html.count("<html") == 1 and '<html lang="en">' in html
    assert text.count(LAYOUT_TEXT) == 1
    for part in (text, html):
        times = list(TIME.finditer(part))
        if not times:
            continue
        assert zone in part, f"times shown but the zone {zone} is not named: {message.subject}"
        for found in times:
            after = part[found.end():found.end() + 6]
            assert after.startswith(tuple(f" {name}" for name in ZONE_NAMES[zone])), (
                f"{found.group()} without its zone in {message.subject!r}: ...{part[found.start() - 30:found.end() + 30]}...")


def test_every_email_template_outside_the_layout_is_a_fragment():
    """The reminder was once a hand-copied page: only the layout may be a whole HTML document."""
    templates = set(TEMPLATES.glob("**/email/*.html"))
    assert len(templates) > 30
    pages = sorted(p.relative_to(TEMPLATES).as_posix() for p in templates
                   if "<html" in p.read_text() or "<body" in p.read_text())
    assert pages == ["email/layout.html"]


# --- booking mail and reminders --------------------------------------------------------------------


def _booking_kinds() -> list[str]:
    names = sorted({p.stem for p in (TEMPLATES / "booking" / "email").glob("*.txt") if not p.stem.startswith("_")})
    return [k for name in names for k in (["reminder_24h", "reminder_1h"] if name == "reminder" else [name])]


def test_booking_kinds_are_discovered():
    assert {"booking_requested", "booking_confirmed", "booking_declined", "booking_cancelled", "booking_rescheduled",
            "booking_expired", "booking_extended", "session_completed", "reminder_24h", "reminder_1h", "no_show_reported",
            "no_show_disputed", "no_show_decided", "no_show_withdrawn"} == set(_booking_kinds())


@pytest.mark.parametrize("kind", _booking_kinds())
@pytest.mark.parametrize("to", ["mentor", "mentee"])
def test_booking_mail_has_both_parts_from_the_one_layout_with_the_zone_named(kind, to, mentor, mentee, frozen_now):
    frozen_now.move_to(NOW, tick=False)
    for weekday in range(7):  # an expired request lists the mentor's other free times
        AvailabilityRule.objects.create(mentor=mentor, weekday=weekday, start_time="09:00", end_time="12:00")
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=NOW + timedelta(days=3), cancel_reason="Ill",
                             cancelled_by=mentor)
    BookingEvent.objects.create(booking=booking, kind=BookingEvent.Kind.RESCHEDULED, actor=mentee,
                                from_start=NOW + timedelta(days=2), to_start=booking.start)
    recipient = mentor if to == "mentor" else mentee
    payload = {}
    if kind.startswith("no_show_"):  # the no-show mails read their report
        other = mentee if to == "mentor" else mentor
        report = NoShowReport.objects.create(booking=booking, reporter=other, reported=recipient, reason="Never came",
                                             created_at=NOW, dispute_deadline=NOW + timedelta(days=3))
        payload = {"report_id": report.pk}
    row = Notification.objects.create(booking=booking, recipient=recipient, kind=kind, due_at=NOW, dedupe_key=kind,
                                      payload=payload)

    message = notification_email(row)

    assert_one_layout(message, zone=recipient.timezone)
    assert TIME.search(message.body), "a booking mail shows when the session is"
    assert f"{settings.SITE_URL}/me/" in message.body, "booking mail links to the notification settings"


def test_the_zone_check_catches_a_time_without_its_zone(mentor, mentee):
    """The assertion above is not vacuous: a time written in UTC into a Berlin mail fails it."""
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    row = Notification.objects.create(booking=booking, recipient=mentor, kind="reminder_1h", due_at=NOW,
                                      dedupe_key="r")
    message = notification_email(row)
    message.body = message.body.replace("Topic:", "Sent at 06:00 UTC.\nTopic:")
    with pytest.raises(AssertionError, match="without its zone"):
        assert_one_layout(message, zone=mentor.timezone)


# --- ratings ---------------------------------------------------------------------------------------


def test_review_removed_mail_has_both_parts_from_the_one_layout(mentor, mentee, moderator):
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    rating = ratings_services.rating_create(booking_id=booking.pk, rater=mentee, stars=1, comment="Call me")
    ratings_services.moderate(ratings=[rating.pk], moderator=moderator, action="remove", reason="Contact details")
    [row] = Notification.objects.filter(kind="rating_removed")

    message = notification_email(row)

    assert_one_layout(message, zone=mentee.timezone)
    assert "Contact details" in message.body and "Hi Manu Mentee," in message.body


# --- account mail (django-allauth) -----------------------------------------------------------------


def _allauth_kinds() -> list[str]:
    return sorted(p.relative_to(ALLAUTH_TEMPLATES).as_posix().removesuffix("_subject.txt")
                  for p in ALLAUTH_TEMPLATES.glob("*/email/*_subject.txt"))


def test_allauth_kinds_are_discovered():
    kinds = _allauth_kinds()
    assert {"account/email/email_confirmation", "account/email/password_reset_key", "account/email/email_changed",
            "mfa/email/totp_activated", "socialaccount/email/account_connected"} <= set(kinds)


@pytest.mark.parametrize("prefix", _allauth_kinds())
def test_every_account_mail_has_both_parts_from_the_one_layout(prefix, mentor, rf: RequestFactory):
    """Whatever allauth may send (some only with ACCOUNT_EMAIL_NOTIFICATIONS or login codes on)."""
    request = rf.get("/")
    request.user = mentor
    context = {
        "user": mentor, "email": mentor.email, "code": "K7Q-2MX", "activate_url": f"{settings.SITE_URL}/a/",
        "password_reset_url": f"{settings.SITE_URL}/r/", "signup_url": f"{settings.SITE_URL}/s/",
        "from_email": "old@example.com", "to_email": mentor.email, "deleted_email": "old@example.com",
        "provider": "GitHub", "ip": "192.0.2.7", "user_agent": "Firefox", "timestamp": NOW,
    }
    with request_context(request):
        message = get_adapter(request).render_mail(prefix, mentor.email, context)

    assert_one_layout(message, zone=mentor.timezone)
    assert "Hi Maya Mentor," in message.body and "Hi Maya Mentor," in message.alternatives[0][0]


def _sent_to(address: str):
    notifications_dispatch_due()  # account mail that goes through the outbox is sent by the dispatcher
    found = [m for m in mail.outbox if address in m.to]
    assert found, f"no mail to {address}"
    return found[-1]


SIGNUP = {"email": "nia@example.com", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42",
          "name": "Nia New", "role": "mentee", "timezone": "Asia/Kolkata"}


def test_sign_up_confirmation_as_sent(client):
    client.post("/accounts/signup/", SIGNUP)
    message = _sent_to("nia@example.com")
    assert_one_layout(message, zone="Asia/Kolkata")
    assert "Hi Nia New," in message.body and "/accounts/confirm-email/" in message.body


def test_password_reset_and_unknown_address_as_sent(client, mentee):
    client.post("/accounts/password/reset/", {"email": mentee.email})
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    reset, unknown = _sent_to(mentee.email), _sent_to("nobody@example.com")
    assert_one_layout(reset, zone=mentee.timezone)
    assert_one_layout(unknown, zone=mentee.timezone)
    assert "/accounts/password/reset/key/" in reset.body and "/accounts/signup/" in unknown.body


def test_sign_up_with_a_taken_address_as_sent(client, mentee):
    client.post("/accounts/signup/", {**SIGNUP, "email": mentee.email})
    message = _sent_to(mentee.email)
    assert_one_layout(message, zone=mentee.timezone)
    assert "already exists" in message.body


def test_security_notice_names_the_owners_zone(client, mentor, settings):
    """A password reset (with allauth's notices on) says when, in the owner's zone, though whoever
    used the reset link was signed out: the adapter hands the account holder to the template."""
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.post("/accounts/password/reset/", {"email": mentor.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", _sent_to(mentor.email).body).group(0)
    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    form_path = response.redirect_chain[-1][0]
    client.post(form_path, {"password1": "brand-new-passphrase-9", "password2": "brand-new-passphrase-9"})

    message = _sent_to(mentor.email)
    assert "password has been reset" in message.body
    assert_one_layout(message, zone="Europe/Berlin")
    assert "(Europe/Berlin)" in message.body and "Hi Maya Mentor," in message.body


# --- the look: the product's name, mark and colours -----------------------------------------------

# The light theme's tokens (static/css/tokens.css) that mail may use: text, small print, page and
# card, lines, the brand teal (links, buttons) and the coral quarter of the mark.
EMAIL_PALETTE = {"#1c2321", "#56605c", "#f3f1ec", "#ffffff", "#e2ded5", "#0f6b63", "#e0603a"}


def test_mail_uses_the_colours_of_the_pages():
    off_palette = []
    for template in sorted(TEMPLATES.glob("**/email/*.html")):
        for colour in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", template.read_text()):
            if colour.lower() not in EMAIL_PALETTE:
                off_palette.append(f"{template.relative_to(TEMPLATES)}: {colour}")
    assert not off_palette, "colours outside the mail palette (see EMAIL_PALETTE):\n" + "\n".join(off_palette)


def test_mail_carries_the_name_and_the_mark_without_remote_images(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    message = notification_email(Notification(booking=booking, kind="booking_requested", recipient=mentor))
    [(html, _)] = message.alternatives
    assert "Micro&#8209;mentorship" in html and "#e0603a" in html  # the wordmark and the mark's coral quarter
    assert "<img" not in html and "<svg" not in html  # mail clients block remote images and drop inline SVG
