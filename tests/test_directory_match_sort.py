"""The directory sorts by match for a signed-in mentee (scores from the matching app)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from matching.models import MatchScore
from tests.factories import MentorFactory


@pytest.fixture
def three_mentors(db):
    return [MentorFactory(email=f"m{i}@example.com", name=f"Mentor {i}") for i in range(3)]


def _store_matches(mentee, ranked_mentors):
    now = timezone.now()
    for rank, (mentor, score) in enumerate(ranked_mentors, start=1):
        MatchScore.objects.create(mentee=mentee, mentor=mentor, score=score, rank=rank,
                                  reasons=["Speaks English"], computed_at=now)


@pytest.mark.django_db
def test_api_sorts_by_the_mentees_stored_match_scores(client_for, mentee, three_mentors):
    first, second, third = three_mentors[2], three_mentors[0], three_mentors[1]
    _store_matches(mentee, [(first, 0.9), (second, 0.6)])
    response = client_for(mentee).get("/api/v1/mentors/?sort=match")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    # Matched mentors first, by score; the unmatched one after them.
    assert ids[:3] == [first.pk, second.pk, third.pk]


@pytest.mark.django_db
def test_page_sorts_by_match_and_offers_the_option_to_mentees(client, mentee, three_mentors):
    best = three_mentors[0]
    _store_matches(mentee, [(best, 0.95)])
    client.force_login(mentee)
    page = client.get("/mentors/?sort=match").content.decode()
    assert 'value="match"' in page
    assert page.index(best.mentor_profile.get_absolute_url()) < page.index(three_mentors[2].mentor_profile.get_absolute_url())


@pytest.mark.django_db
def test_anonymous_sort_by_match_is_a_field_error(api_client, three_mentors):
    response = api_client.get("/api/v1/mentors/?sort=match")
    assert response.status_code == 400
    assert "mentee" in response.json()["errors"]["sort"][0]


@pytest.mark.django_db
def test_mentor_only_user_does_not_see_the_match_option(client, mentor, three_mentors):
    client.force_login(mentor)
    page = client.get("/mentors/").content.decode()
    assert 'value="match"' not in page
    assert 'value="rating"' in page


@pytest.mark.django_db
def test_sort_by_match_query_count_does_not_grow_with_mentors(client_for, mentee, django_assert_max_num_queries):
    mentors = [MentorFactory(email=f"bulk{i}@example.com") for i in range(12)]
    _store_matches(mentee, [(m, 0.5 + i / 100) for i, m in enumerate(mentors[:10])])
    client = client_for(mentee)
    client.get("/api/v1/mentors/?sort=match")  # warm caches (content types, languages)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/mentors/?sort=match&page_size=5")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/mentors/?sort=match&page_size=12")
    assert len(few) == len(many)
