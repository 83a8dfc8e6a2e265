"""The visitor home: its cost does not grow with the number of mentors, and it tells the record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import MentorProfile
from tests.factories import MentorFactory

pytestmark = pytest.mark.django_db

# The featured mentors, their skills and languages (one UNION query), and the proof line's totals.
HOME_QUERIES = 3


def _rated(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        mentor = MentorFactory(name=f"Rated Mentor {i:02d}")
        MentorProfile.objects.filter(pk=mentor.pk).update(rating_count=4, rating_sum=18, rating_bayes=4.3)


@pytest.mark.parametrize("mentors", [2, 9])
def test_the_home_page_costs_the_same_queries_for_few_or_many_mentors(client, django_assert_num_queries, mentors):
    _rated(mentors)
    with django_assert_num_queries(HOME_QUERIES):
        html = client.get(reverse("home")).content.decode()
    assert html.count('class="card mentor-card"') == min(mentors, 6)


def test_the_proof_line_counts_listed_mentors_and_their_published_reviews(client):
    _rated(3)
    hidden = MentorFactory(name="Hidden Mentor", profile__is_listed=False)
    MentorProfile.objects.filter(pk=hidden.pk).update(rating_count=50, rating_sum=50)
    proof = client.get(reverse("home")).content.decode()
    assert "<strong>3</strong> mentors" in proof and "<strong>12</strong> reviews from real sessions" in proof
    assert "4.5</strong> average rating" in proof  # 54 stars over 12 reviews; the hidden mentor's 1.0 stays out


def test_with_no_mentors_the_home_page_invites_the_first_one(client):
    html = client.get(reverse("home")).content.decode()
    assert "No mentors yet" in html and 'class="proof"' not in html and reverse("account_signup") in html
