"""GET /api/v1/matches/: mentee only, scores and reasons, pinned query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching import services
from matching.tests.conftest import make_mentor

pytestmark = pytest.mark.django_db
URL = reverse("api:match-list")


def test_anonymous_gets_401(api_client, pool):
    assert api_client.get(URL).status_code == 401


def test_mentor_who_is_not_a_mentee_gets_403(client_for, mentor):
    response = client_for(mentor).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == "Recommendations are for mentees."


def test_staff_who_is_not_a_mentee_gets_403(client_for, staff):
    assert client_for(staff).get(URL).status_code == 403


def test_mentee_gets_ranked_mentors_with_scores_and_reasons(client_for, mentee, pool):
    profile = mentee.mentee_profile
    profile.goals = "I freeze when presenting to the board"
    profile.save()
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    body = client_for(mentee).get(URL).json()
    first = body["results"][0]
    assert first["rank"] == 1 and first["mentor"]["id"] == pool["speaker"].pk
    assert first["mentor"]["url"] == pool["speaker"].mentor_profile.get_absolute_url()
    assert 0 < first["score"] <= 1 and first["reasons"]
    assert [r["rank"] for r in body["results"]] == list(range(1, body["count"] + 1))


def test_stranger_sees_only_their_own_list(client_for, mentee, stranger, pool):
    profile = stranger.mentee_profile
    profile.goals = "Quiero hablar en público sin miedo"
    profile.save()
    profile.languages.add("es")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk, stranger.pk])
    theirs = client_for(stranger).get(URL).json()["results"]
    assert theirs[0]["mentor"]["id"] == pool["oratoria"].pk
    mine = client_for(mentee).get(URL).json()["results"]
    assert [r["mentor"]["id"] for r in mine] != [r["mentor"]["id"] for r in theirs] or mine[0]["score"] != theirs[0]["score"]


def test_mentee_without_stored_list_gets_one_computed_on_the_fly(client_for, mentee, pool):
    body = client_for(mentee).get(URL).json()
    assert body["count"] == 3  # all but the German-only mentor


@pytest.mark.parametrize("value", ["abc", "0", "51", "-3"])
def test_bad_limit_is_400_with_a_message_for_the_field(client_for, mentee, value):
    response = client_for(mentee).get(URL, {"limit": value})
    assert response.status_code == 400
    assert response.json()["errors"]["limit"]


def test_limit_caps_the_list(client_for, mentee, pool):
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    assert client_for(mentee).get(URL, {"limit": 2}).json()["count"] == 2


def test_query_count_does_not_grow_with_the_number_of_matches(client_for, mentee, pool, django_assert_num_queries):
    client = client_for(mentee)
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    with django_assert_num_queries(3):  # session, user, the stored list
        assert client.get(URL).json()["count"] == 3
    for n in range(6):
        make_mentor(f"extra{n}@example.com", "Career coach", "I help people grow.")
    services.mentor_features_refresh()  # as the worker does after their profiles are saved
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    with django_assert_num_queries(3):  # session, user, the stored list
        assert client.get(URL).json()["count"] == 9
