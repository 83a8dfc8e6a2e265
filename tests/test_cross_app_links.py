"""The places where one app's page leads into another's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import BookingFactory, MenteeFactory, MentorFactory


def _completed_booking():
    start = (timezone.now() - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    return BookingFactory(status="completed", start=start, end=start + timedelta(minutes=30))


@pytest.mark.django_db
def test_mentee_is_invited_to_rate_a_completed_session_from_its_page(client):
    booking = _completed_booking()
    client.force_login(booking.mentee)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert reverse("ratings:rate", args=[booking.pk]) in page
    assert "Rate this session" in page


@pytest.mark.django_db
def test_mentor_is_offered_private_feedback_on_a_completed_session(client):
    booking = _completed_booking()
    client.force_login(booking.mentor)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert reverse("ratings:rate", args=[booking.pk]) in page
    assert "Give feedback" in page


@pytest.mark.django_db
def test_upcoming_session_has_no_rating_link(client):
    booking = BookingFactory()
    client.force_login(booking.mentee)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert reverse("ratings:rate", args=[booking.pk]) not in page


@pytest.mark.django_db
def test_mentor_page_header_shows_the_plain_average_not_the_smoothed_one(client):
    booking = _completed_booking()
    profile = booking.mentor.mentor_profile
    profile.rating_count, profile.rating_sum, profile.rating_bayes = 1, 5, 4.17
    profile.save()
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "★ 5.0 from 1 review" in page and "★ 4.2" not in page


@pytest.mark.django_db
def test_account_page_links_to_sessions_availability_and_calendar_feed(client, mentor):
    client.force_login(mentor)
    page = client.get(reverse("accounts:me")).content.decode()
    for name in ("booking:my_sessions", "booking:availability", "booking:calendar"):
        assert f'href="{reverse(name)}"' in page, name


@pytest.mark.django_db
def test_mentor_on_their_own_page_is_sent_to_availability_not_invited_to_book(client):
    mentor = MentorFactory()
    url = mentor.mentor_profile.get_absolute_url()
    client.force_login(mentor)
    own = client.get(url).content.decode()
    assert "Your free times" in own and reverse("booking:availability") in own and "Book a session" not in own
    client.force_login(MenteeFactory())
    assert "Book a session" in client.get(url).content.decode()


@pytest.mark.django_db
def test_after_rating_the_session_page_offers_an_edit_not_a_second_rating(client):
    from ratings.services import rating_create

    booking = _completed_booking()
    rating_create(booking_id=booking.pk, rater=booking.mentee, stars=4, comment="Clear, practical advice.",
                  expectation="met")
    client.force_login(booking.mentee)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert "You rated this session 4 out of 5." in page
    assert "Edit your rating" in page
    assert "Rate this session" not in page


@pytest.mark.django_db
def test_after_the_edit_window_the_rating_is_shown_as_final(client):
    from ratings.models import Rating
    from ratings.services import rating_create

    booking = _completed_booking()
    rating = rating_create(booking_id=booking.pk, rater=booking.mentee, stars=5, expectation="exceeded")
    Rating.objects.filter(pk=rating.pk).update(created_at=timezone.now() - timedelta(days=30))
    client.force_login(booking.mentee)
    page = client.get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert "It can no longer be changed." in page
    assert "Edit your rating" not in page
