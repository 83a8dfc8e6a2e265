"""Control characters in what people write (mentorship/text.py), through the API and the pages.

From the tracker: a CR/LF in a booking topic was accepted, and then every email about that booking
failed silently (BadHeaderError). Single-line fields refuse every control character; multi-line
fields keep line breaks and tabs and refuse the rest.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.forms import SignupExtraForm
from accounts.models import ApiToken, MentorProfile, Skill
from mentorship.text import MULTI_LINE_MESSAGE, SINGLE_LINE_MESSAGE, multi_line_error, single_line_error
from sessions.models import AvailabilityOverride, Booking, Notification
from sessions.services.notifications import notifications_dispatch_due
from sessions.tests.test_bookings_support import book, iso, local_slot, open_every_day

pytestmark = pytest.mark.django_db

QUESTION = "How do I answer system design questions at staff level?"


@pytest.mark.parametrize("text", ["Interviews\r\nBcc: all@example.com", "a\nb", "a\rb", "tab\there", "bell\x07",
                                  "esc\x1b[31m", "del\x7f", "c1\x85", "line\u2028sep", "para\u2029sep"])
def test_single_line_refuses_control_characters_and_separators(text):
    assert single_line_error(text) == SINGLE_LINE_MESSAGE


@pytest.mark.parametrize("text", ["Staff interview", "C++ & C#", "Zoë Ünal – 日本語 🙂", "", "a, b"])
def test_single_line_accepts_ordinary_text(text):
    assert single_line_error(text) is None


def test_multi_line_keeps_line_breaks_and_tabs_but_refuses_the_rest():
    assert multi_line_error("First line\r\nSecond\n\n\tindented") is None
    for bad in ("esc\x1b[2J", "bell\x07", "vt\x0b", "ff\x0c", "c1\x9b"):
        assert multi_line_error(bad) == MULTI_LINE_MESSAGE, repr(bad)


# --- bookings -----------------------------------------------------------------------------------

@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)
    return mentor


def _booking_payload(mentor, **changes):
    return {"mentor": mentor.pk, "start": iso(local_slot(mentor)), "duration": 30, "topic": "Interviews",
            "question": QUESTION, "context_url": "", **changes}


def test_api_refuses_a_topic_with_a_line_break(client_for, open_mentor, mentee):
    response = client_for(mentee).post(reverse("api:booking-list"),
                                       _booking_payload(open_mentor, topic="Interviews\r\nBcc: x@example.com"),
                                       format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]["topic"] == [SINGLE_LINE_MESSAGE]
    assert not Booking.objects.exists() and not Notification.objects.exists()


def test_api_keeps_line_breaks_in_the_question_but_not_escape_codes(client_for, open_mentor, mentee):
    client = client_for(mentee)
    bad = client.post(reverse("api:booking-list"),
                      _booking_payload(open_mentor, question=QUESTION + "\x1b[2J"), format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["question"] == [MULTI_LINE_MESSAGE]
    good = client.post(reverse("api:booking-list"),
                       _booking_payload(open_mentor, question="Context first.\r\n\r\n" + QUESTION), format="json")
    assert good.status_code == 201, good.json()
    # And every mail about it goes out: nothing in the subject or headers can break it.
    assert notifications_dispatch_due()["failed"] == 0
    assert not Notification.objects.filter(kind__startswith="booking_").exclude(state="sent").exists()


def test_booking_page_shows_the_topic_error_and_keeps_what_was_written(client_for, open_mentor, mentee):
    response = client_for(mentee).post(reverse("booking:book", args=[open_mentor.pk]),
                                       _booking_payload(open_mentor, topic="Interviews\nBcc: x@example.com"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_topic_error"' in html and "Keep this to one line" in html
    assert QUESTION in html
    assert not Booking.objects.exists()


def test_cancel_reason_refuses_escape_codes_on_the_page_and_the_api(client_for, open_mentor, mentee):
    booking = book(mentee, open_mentor, local_slot(open_mentor))
    api = client_for(mentee).post(reverse("api:booking-cancel", args=[booking.pk]), {"reason": "ok\x1b[31m"},
                                  format="json")
    assert api.status_code == 400 and api.json()["errors"]["reason"] == [MULTI_LINE_MESSAGE]
    page = client_for(mentee).post(reverse("booking:cancel", args=[booking.pk]), {"reason": "ok\x1b[31m"})
    assert page.status_code == 400 and MULTI_LINE_MESSAGE in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_override_note_is_one_line(client_for, mentor):
    response = client_for(mentor).post(reverse("api:availability-overrides"),
                                       {"start_date": str(date(2026, 12, 24)), "note": "Holiday\r\nX-Header: 1"},
                                       format="json")
    assert response.status_code == 400 and response.json()["errors"]["note"] == [SINGLE_LINE_MESSAGE]
    page = client_for(mentor).post(reverse("booking:availability_override_add"),
                                   {"start_date": "2026-12-24", "note": "Holiday\x07"})
    assert page.status_code == 400 and "Keep this to one line" in page.content.decode()
    assert not AvailabilityOverride.objects.exists()


# --- people and profiles ------------------------------------------------------------------------

def test_name_with_a_line_break_is_refused_by_the_api_and_the_page(client_for, mentee):
    api = client_for(mentee).patch(reverse("api:accounts-me"), {"name": "Manu\r\nBcc: x@example.com"}, format="json")
    assert api.status_code == 400 and api.json()["errors"]["name"] == [SINGLE_LINE_MESSAGE]
    page = client_for(mentee).post("/me/", {"name": "Manu\x1b[31m", "timezone": "Europe/Lisbon", "is_mentee": "on"})
    assert 'id="id_name_error"' in page.content.decode() and "Keep this to one line" in page.content.decode()
    mentee.refresh_from_db()
    assert mentee.name == "Manu Mentee"


def test_signup_name_is_one_line():
    form = SignupExtraForm(data={"name": "New\nPerson", "role": "mentee", "timezone": "UTC"})
    assert not form.is_valid() and form.errors["name"] == [SINGLE_LINE_MESSAGE]


def test_headline_is_one_line_but_the_bio_keeps_its_paragraphs(client_for, mentor):
    url = reverse("api:accounts-mentor-profile")
    bad = client_for(mentor).patch(url, {"headline": "Engineer\nSecond line", "bio": "Para one.\n\nPara two."},
                                   format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"headline"}
    good = client_for(mentor).patch(url, {"headline": "Engineer", "bio": "Para one.\n\nPara two."}, format="json")
    assert good.status_code == 200, good.json()
    page = client_for(mentor).post("/me/mentor-profile/", {
        "headline": "Staff\x07engineer", "bio": "Ten years.", "skills": "Python", "industries": "Fintech",
        "languages": ["en"], "years_experience": "10", "session_lengths": ["30"], "call_method": "jitsi",
        "meeting_url": "", "accepting_bookings": "on"})
    assert 'id="id_headline_error"' in page.content.decode()
    assert MentorProfile.objects.get(user=mentor).headline == "Engineer"


def test_skill_names_are_one_line(client_for, mentor):
    response = client_for(mentor).patch(reverse("api:accounts-mentor-profile"), {"skills": ["Python", "Ru\nst"]},
                                        format="json")
    assert response.status_code == 400 and "skills" in response.json()["errors"]
    assert not Skill.objects.filter(name__contains="\n").exists()


def test_api_token_name_is_one_line_on_the_page_and_the_api(client_for, api_client, mentee):
    page = client_for(mentee).post(reverse("accounts:api_tokens"), {"name": "Script\r\nX"})
    assert page.status_code == 200 and "Keep this to one line" in page.content.decode()
    api = api_client.post(reverse("api:accounts-token"), {"email": mentee.email, "password": "correct-horse-battery",
                                                           "name": "Script\nX"}, format="json")
    assert api.status_code == 400 and api.json()["errors"]["name"] == [SINGLE_LINE_MESSAGE]
    assert not ApiToken.objects.exists()


def test_rating_comment_keeps_paragraphs_but_refuses_escape_codes(client_for, mentor, mentee, frozen_now):
    open_every_day(mentor)
    booking = book(mentee, mentor, local_slot(mentor))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    frozen_now.move_to(booking.end + timedelta(hours=1))
    url = reverse("api:rating-list")
    bad = client_for(mentee).post(url, {"booking": booking.pk, "stars": 5, "comment": "Great\x1b[5m"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["comment"] == [MULTI_LINE_MESSAGE]
    good = client_for(mentee).post(url, {"booking": booking.pk, "stars": 5, "comment": "Great.\n\nThanks!"},
                                   format="json")
    assert good.status_code == 201, good.json()
