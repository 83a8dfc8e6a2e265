"""Booking pages: book, my sessions, detail with actions; times in the viewer's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Booking
from sessions.tests.test_bookings_support import book, iso, local_slot, open_every_day, set_policy
from tests.factories import BookingFactory, MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    return mentor


def _book_url(mentor, start, duration=30):
    return f"{reverse('booking:book', args=[mentor.pk])}?start={quote(iso(start))}&duration={duration}"


def _form(start, **changes):
    data = {"start": iso(start), "duration": "30", "topic": "Promotion",
            "question": "What evidence do I need for a senior promotion case?", "context_url": ""}
    data.update(changes)
    return data


# --- book page -----------------------------------------------------------------------------------

def test_book_page_needs_login(client, open_mentor):
    response = client.get(_book_url(open_mentor, local_slot(open_mentor)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_book_page_shows_the_slot_in_my_zone_and_the_mentors(client_for, open_mentor, mentee):
    start = local_slot(open_mentor, hour=15)
    html = client_for(mentee).get(_book_url(open_mentor, start)).content.decode()
    assert "15:00 CET (Europe/Berlin)" in html or "15:00 CEST (Europe/Berlin)" in html
    assert "(America/New_York)" in html
    ny = start.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert f"{ny:%H:%M}" in html
    assert "specific question" in html  # guidance on a good question


def test_book_page_without_start_asks_to_pick_a_time(client_for, open_mentor, mentee):
    response = client_for(mentee).get(reverse("booking:book", args=[open_mentor.pk]) + "?start=garbage")
    assert response.status_code == 400
    assert "Pick a time" in response.content.decode()


def test_book_page_for_unknown_mentor_is_404(client_for, mentee, stranger):
    assert client_for(mentee).get(reverse("booking:book", args=[999999])).status_code == 404
    assert client_for(mentee).get(reverse("booking:book", args=[stranger.pk])).status_code == 404


def test_booking_through_the_page(client_for, open_mentor, mentee):
    start = local_slot(open_mentor)
    response = client_for(mentee).post(_book_url(open_mentor, start), _form(start))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("booking:detail", args=[booking.pk])
    assert (booking.mentee, booking.start, booking.status) == (mentee, start, "confirmed")


def test_missing_question_re_renders_the_form(client_for, open_mentor, mentee):
    start = local_slot(open_mentor)
    response = client_for(mentee).post(_book_url(open_mentor, start), _form(start, question=""))
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert "Ask the specific question you want answered" in response.content.decode()
    assert "Promotion" in response.content.decode()  # what was typed is kept
    assert not Booking.objects.exists()


def test_lost_slot_shows_the_message_and_next_free_slots(client_for, open_mentor, mentee):
    start = local_slot(open_mentor)
    book(MenteeFactory(), open_mentor, start)
    response = client_for(mentee).post(_book_url(open_mentor, start), _form(start))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="booking-error"' in html and "pick another" in html
    assert 'id="next-slots"' in html
    assert html.count(reverse("booking:book", args=[open_mentor.pk]) + "?start=") >= 1
    assert Booking.objects.count() == 1


def test_request_page_says_send_request(client_for, open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    html = client_for(mentee).get(_book_url(open_mentor, local_slot(open_mentor))).content.decode()
    assert "Send request" in html


# --- my sessions ---------------------------------------------------------------------------------

def test_my_sessions_needs_login(client):
    assert client.get(reverse("booking:my_sessions")).status_code == 302


def test_my_sessions_empty_state(client_for, mentee):
    html = client_for(mentee).get(reverse("booking:my_sessions")).content.decode()
    assert 'id="no-sessions"' in html and "Find a mentor" in html


def test_my_sessions_upcoming_and_past_in_both_roles(client_for, mentee, mentor):
    now = timezone.now()
    mine = BookingFactory(mentee=mentee, mentor=mentor, topic="Upcoming topic")
    old = BookingFactory(mentee=mentee, mentor=mentor, topic="Old topic", start=now - timedelta(days=5),
                         status="completed")
    BookingFactory(topic="Someone else's topic")
    client = client_for(mentee)
    upcoming = client.get(reverse("booking:my_sessions")).content.decode()
    assert "Upcoming topic" in upcoming and "Old topic" not in upcoming and "Someone else" not in upcoming
    past = client.get(reverse("booking:my_sessions") + "?when=past").content.decode()
    assert "Old topic" in past and "Upcoming topic" not in past
    as_mentor = client_for(mentor).get(reverse("booking:my_sessions") + "?role=mentor").content.decode()
    assert f'data-booking="{mine.pk}"' in as_mentor and "Mentee: Manu Mentee" in as_mentor
    assert client_for(mentor).get(reverse("booking:my_sessions") + "?role=mentee").content.decode().count(
        "data-booking=") == 0
    assert f'data-booking="{old.pk}"' in past and f'data-booking="{old.pk}"' not in upcoming


def test_my_sessions_flags_requests_waiting_for_the_mentor(client_for, open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    book(mentee, open_mentor, local_slot(open_mentor))
    assert "Needs your answer" in client_for(open_mentor).get(reverse("booking:my_sessions")).content.decode()
    assert "Needs your answer" not in client_for(mentee).get(reverse("booking:my_sessions")).content.decode()


def test_my_sessions_is_paginated_with_fixed_queries(client_for, mentee, django_assert_num_queries):
    client = client_for(mentee)
    mentor = MentorFactory()
    base = timezone.now() + timedelta(days=1)
    for i in range(3):
        BookingFactory(mentee=mentee, mentor=mentor, start=base + timedelta(hours=i))
    client.get(reverse("booking:my_sessions"))
    # session, user, count, the nav's two permission lookups, one page of bookings with both people.
    with django_assert_num_queries(6) as few:
        client.get(reverse("booking:my_sessions"))
    for i in range(3, 25):
        BookingFactory(mentee=mentee, mentor=mentor, start=base + timedelta(hours=i))
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(reverse("booking:my_sessions")).content.decode()
    assert html.count("data-booking=") == 10 and "Page 1 of 3" in html
    assert client.get(reverse("booking:my_sessions") + "?page=3").content.decode().count("data-booking=") == 5


# --- detail and actions --------------------------------------------------------------------------

@pytest.mark.parametrize("persona, status", [("mentee", 200), ("mentor", 200), ("staff", 200), ("stranger", 404)])
def test_detail_visibility(client_for, request, persona, status, mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    assert client_for(request.getfixturevalue(persona)).get(
        reverse("booking:detail", args=[booking.pk])).status_code == status


def test_detail_anonymous_redirects_to_login(client, mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    assert client.get(reverse("booking:detail", args=[booking.pk])).status_code == 302


def test_join_link_appears_ten_minutes_before(client_for, mentor, mentee):
    soon = BookingFactory(mentor=mentor, mentee=mentee, start=timezone.now() + timedelta(minutes=8))
    later = BookingFactory(mentor=mentor, mentee=mentee, start=timezone.now() + timedelta(minutes=40))
    client = client_for(mentee)
    soon_html = client.get(reverse("booking:detail", args=[soon.pk])).content.decode()
    assert 'id="join-call"' in soon_html and soon.call_url in soon_html
    later_html = client.get(reverse("booking:detail", args=[later.pk])).content.decode()
    assert 'id="join-call"' not in later_html and later.call_url not in later_html
    assert 'id="join-later"' in later_html


def test_mentor_confirms_and_declines_from_the_page(client_for, open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    first = book(mentee, open_mentor, local_slot(open_mentor))
    second = book(mentee, open_mentor, local_slot(open_mentor, days=4))
    client = client_for(open_mentor)
    html = client.get(reverse("booking:detail", args=[first.pk])).content.decode()
    assert 'id="confirm-button"' in html
    assert 'id="confirm-button"' not in client_for(mentee).get(reverse("booking:detail", args=[first.pk])).content.decode()
    assert client.post(reverse("booking:confirm", args=[first.pk])).status_code == 302
    assert client.post(reverse("booking:decline", args=[second.pk]), {"reason": "Away"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "declined")


def test_decline_and_cancel_reasons_have_their_own_labelled_fields(client_for, open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    mentor_html = client_for(open_mentor).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    mentee_html = client_for(mentee).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    # One shared id="id_reason" made the cancel label focus the decline box.
    assert 'id="id_reason"' not in mentor_html + mentee_html
    assert '<label for="id_decline_reason">Reason for declining (optional)</label>' in mentor_html
    # A required field's label carries the one field template's marker; the optional one does not.
    assert '<label for="id_cancel_reason">Reason for cancelling<span class="required-mark"' in mentee_html


def test_mentor_answering_a_request_sees_decline_not_a_second_cancel(client_for, open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    mentor_html = client_for(open_mentor).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert 'id="decline-button"' in mentor_html and 'id="cancel-button"' not in mentor_html
    assert "Please answer by" in mentor_html and "Waiting for the mentor" not in mentor_html
    mentee_html = client_for(mentee).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert "Withdraw request" in mentee_html and "Waiting for the mentor's answer" in mentee_html


def test_cancel_error_is_announced_with_its_field(client_for, open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    html = client_for(mentee).post(reverse("booking:cancel", args=[booking.pk]), {"reason": ""}).content.decode()
    textarea = re.search(r"<textarea[^>]*id=\"id_cancel_reason\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in textarea and "id_cancel_reason_error" in textarea
    assert 'id="id_cancel_reason_error"' in html


def test_mentee_cannot_confirm_from_the_page(client_for, open_mentor, mentee):
    set_policy(open_mentor, requires_approval=True)
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    response = client_for(mentee).post(reverse("booking:confirm", args=[booking.pk]))
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == "requested"


@pytest.mark.parametrize("name", ["confirm", "decline", "cancel", "reschedule"])
def test_stranger_actions_are_404(client_for, open_mentor, mentee, stranger, name):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    response = client_for(stranger).post(reverse(f"booking:{name}", args=[booking.pk]),
                                         {"reason": "x", "start": iso(booking.start + timedelta(hours=1))})
    assert response.status_code == 404


def test_cancel_from_the_page_needs_a_reason(client_for, open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    client = client_for(mentee)
    response = client.post(reverse("booking:cancel", args=[booking.pk]), {"reason": ""})
    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()
    response = client.post(reverse("booking:cancel", args=[booking.pk]), {"reason": "Sick"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    html = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert 'data-status="cancelled"' in html and 'id="cancel-button"' not in html


def test_reschedule_from_the_page_offers_free_slots(client_for, open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    client = client_for(mentee)
    html = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert 'id="id_new_start"' in html
    offered = [datetime.fromisoformat(v) for v in re.findall(r'<option value="([^"]+)"', html)]
    assert offered and booking.start not in offered
    assert len({s.astimezone(UTC).date() for s in offered}) > 7, "two weeks of days are offered"
    new_start = next(s for s in offered if s > booking.start + timedelta(days=1))
    response = client.post(reverse("booking:reschedule", args=[booking.pk]), {"start": new_start.isoformat()})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == new_start and booking.sequence == 1
    assert "Rescheduled" in client.get(reverse("booking:detail", args=[booking.pk])).content.decode()


def test_reschedule_to_garbage_is_400(client_for, open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    response = client_for(mentee).post(reverse("booking:reschedule", args=[booking.pk]), {"start": "soon"})
    assert response.status_code == 400


def test_booking_across_dst_shows_each_viewers_local_time(client_for, mentor, mentee):
    """Booked on 20 March 2027 (Berlin on CET) for 29 March (after Europe's switch to CEST)."""
    open_every_day(mentor, start=datetime(2000, 1, 1, 9).time(), end=datetime(2000, 1, 1, 12).time())
    booking = book(mentee, mentor, datetime(2027, 3, 29, 7, tzinfo=UTC), now=datetime(2027, 3, 20, 12, tzinfo=UTC))
    mentor_html = client_for(mentor).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert "Mon 29 Mar 2027, 09:00 CEST (Europe/Berlin)" in mentor_html
    mentee_html = client_for(mentee).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert "Mon 29 Mar 2027, 03:00 EDT (America/New_York)" in mentee_html
    # Each also sees the other's wall clock.
    assert "09:00 CEST (Europe/Berlin)" in mentee_html and "03:00 EDT (America/New_York)" in mentor_html
