"""Reminders carry the agenda, the message waiting for an answer and open action items; the recap
lists the session's action items and offers the mentee to book again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from conversations import services
from sessions.emails import notification_email
from sessions.services.notifications import booking_notify, reminders_arm
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _mail_to(rows, user, kind):
    row = next(r for r in rows if r.recipient_id == user.pk and r.kind == kind)
    message = notification_email(row)
    return message.body, message.alternatives[0][0]


def test_reminder_lists_agenda_the_waiting_message_and_open_items_from_earlier_sessions(mentor, mentee):
    earlier = BookingFactory(mentor=mentor, mentee=mentee, status="completed",
                             start=BookingFactory.build().start - timedelta(days=14))
    services.action_item_create(booking=earlier, actor=mentor, text="Draft the promotion case", due_date=date(2026, 11, 9))
    done = services.action_item_create(booking=earlier, actor=mentor, text="Already done thing")
    services.action_item_update(item=done, actor=mentee, done=True)
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=BookingFactory.build().start + timedelta(days=3))
    services.agenda_add(booking=booking, author=mentee, text="Salary band question")
    services.message_post(booking=booking, author=mentee, body="Could you look at my **draft** first?")

    rows = reminders_arm(booking=booking)
    text, html = _mail_to(rows, mentor, "reminder_24h")
    assert "Salary band question" in text and "Salary band question" in html
    assert "waiting for your answer" in text and "Could you look at my **draft** first?" in text
    assert "<strong>draft</strong>" in html
    assert "Draft the promotion case" in text and "due Mon 9 Nov 2026" in text
    assert "Already done thing" not in text
    assert reverse("conversations:page", args=[booking.pk]) in text

    # The mentee wrote last: nothing is "waiting for your answer" in the mentee's own reminder.
    text, _ = _mail_to(rows, mentee, "reminder_24h")
    assert "waiting for your answer" not in text and "Salary band question" in text


def test_reminder_without_anything_around_the_session_is_unchanged(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=BookingFactory.build().start + timedelta(days=3))
    text, html = _mail_to(reminders_arm(booking=booking), mentee, "reminder_24h")
    assert "Agenda points" not in text and "conversation" not in html


def test_recap_lists_action_items_and_offers_the_mentee_to_book_again(mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee, status="completed")
    services.action_item_create(booking=booking, actor=mentor, text="Rewrite the CV summary")
    rows = booking_notify(booking=booking, event="completed")
    text, html = _mail_to(rows, mentee, "session_completed")
    assert "Rewrite the CV summary" in text and "Rewrite the CV summary" in html
    book_again = mentor.mentor_profile.get_absolute_url() + "#booking-panel-heading"
    assert book_again in text and book_again in html
    if any(r.recipient_id == mentor.pk for r in rows):
        text, _ = _mail_to(rows, mentor, "session_completed")
        assert book_again not in text


def test_book_again_is_one_click_from_a_past_session_page(mentor, mentee, client_for):
    booking = BookingFactory(mentor=mentor, mentee=mentee, status="completed")
    page = client_for(mentee).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert f'href="{mentor.mentor_profile.get_absolute_url()}#booking-panel-heading" id="book-again"' in page
    upcoming = BookingFactory(mentor=mentor, mentee=mentee, start=booking.start + timedelta(days=7))
    assert 'id="book-again"' not in client_for(mentee).get(reverse("booking:detail", args=[upcoming.pk])).content.decode()
    assert 'id="book-again"' not in client_for(mentor).get(reverse("booking:detail", args=[booking.pk])).content.decode()
