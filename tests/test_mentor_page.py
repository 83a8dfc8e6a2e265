"""The mentor page: booking and reviews within reach (in-page links, a Book bar for phones), the
first reviews only, and a fixed number of queries whatever the number of reviews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from ratings.models import Rating
from ratings.services import mentor_aggregates_refresh
from tests.factories import BookingFactory, MenteeFactory

PAGE_QUERIES = 6


def _reviews(mentor, n: int, *, offset: int = 0) -> None:
    for i in range(offset, offset + n):
        start = datetime(2026, 9, 1, 9, 0, tzinfo=UTC) + timedelta(days=i)
        booking = BookingFactory(mentor=mentor, mentee=MenteeFactory(), status="completed", start=start,
                                 end=start + timedelta(minutes=30), blocked_start=start,
                                 blocked_end=start + timedelta(minutes=30), completed_at=start + timedelta(minutes=30))
        Rating.objects.create(booking=booking, rater=booking.mentee, ratee=mentor, direction="mentee_to_mentor",
                              stars=5, comment=f"Review number {i}.", created_at=start + timedelta(hours=1))
    mentor_aggregates_refresh(mentor_ids=[mentor.pk])


@pytest.mark.django_db
def test_visitors_get_page_links_a_book_bar_and_the_first_three_reviews(client, mentor):
    _reviews(mentor, 5)
    html = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert 'href="#booking-panel">Book a session</a>' in html and 'href="#reviews">Reviews (5)</a>' in html
    assert 'class="rating-link" href="#reviews"' in html
    assert 'class="sticky-bar" id="book-bar"' in html and 'id="booking-panel"' in html
    assert html.count('class="card review"') == 3 and "All 5 reviews" in html
    # The booking panel and the reviews come before the longer "About".
    assert html.index('id="booking-panel"') < html.index('id="reviews"') < html.index('id="about"')


@pytest.mark.django_db
def test_the_mentor_on_their_own_page_and_a_closed_book_have_no_book_bar(mentor):
    client = Client()
    client.force_login(mentor)
    assert 'id="book-bar"' not in client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    mentor.mentor_profile.accepting_bookings = False
    mentor.mentor_profile.save()
    assert 'id="book-bar"' not in Client().get(mentor.mentor_profile.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_mentor_page_queries_do_not_grow_with_reviews(client, mentor, django_assert_num_queries):
    # The profile; skills, industries, languages; the reviews panel (distribution, recent reviews
    # with replies). The slot picker loads separately (sessions/tests/test_picker.py pins it).
    for more in (2, 6):
        _reviews(mentor, more, offset=10 * more)
        with django_assert_num_queries(PAGE_QUERIES):
            assert client.get(mentor.mentor_profile.get_absolute_url()).status_code == 200
