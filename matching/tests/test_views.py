"""The "Recommended for you" page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import MenteeProfile
from matching import services
from matching.tests.conftest import make_mentor

pytestmark = pytest.mark.django_db
URL = reverse("matching:recommended")


def test_url_is_recommended():
    assert URL == "/recommended/"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mentor_and_staff_who_are_not_mentees_get_403(client_for, mentor, staff):
    assert client_for(mentor).get(URL).status_code == 403
    assert client_for(staff).get(URL).status_code == 403


def test_mentee_sees_ranked_mentors_with_reasons_and_profile_links(client_for, mentee, pool):
    profile = mentee.mentee_profile
    profile.goals = "I freeze when presenting to the board"
    profile.save()
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    html = client_for(mentee).get(URL).content.decode()
    speaker = pool["speaker"].mentor_profile
    assert html.index(speaker.get_absolute_url()) < html.index(pool["board"].mentor_profile.get_absolute_url())
    assert "Coaches public speaking, which matches your goal" in html
    assert "% match" in html
    assert pool["architect"].mentor_profile.get_absolute_url() not in html  # no shared language


def test_stranger_sees_their_own_recommendations_not_the_mentees(client_for, mentee, stranger, pool):
    profile = stranger.mentee_profile
    profile.goals = "Tengo miedo a hablar en público"
    profile.save()
    profile.languages.set(["es"])
    html = client_for(stranger).get(URL).content.decode()
    assert pool["oratoria"].mentor_profile.get_absolute_url() in html
    assert pool["speaker"].mentor_profile.get_absolute_url() not in html  # speaks no Spanish


def test_mentee_without_goals_is_asked_to_add_them(client_for, mentee, pool):
    MenteeProfile.objects.filter(user=mentee).update(goals="")
    html = client_for(mentee).get(URL).content.decode()
    assert "Add your goals" in html and 'href="/me/mentee-profile/"' in html


def test_mentee_without_a_profile_is_asked_to_create_one(client_for, mentee):
    MenteeProfile.objects.filter(user=mentee).delete()
    html = client_for(mentee).get(URL).content.decode()
    assert "Create your mentee profile" in html and 'href="/me/mentee-profile/"' in html


def test_page_query_count_does_not_grow_with_matches(client_for, mentee, pool, django_assert_num_queries):
    client = client_for(mentee)
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(6):
        make_mentor(f"more{n}@example.com", "Career coach", "I help people grow.")
    services.mentor_features_refresh()  # as the worker does after their profiles are saved
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    with django_assert_num_queries(len(few)):
        response = client.get(URL)
    assert response.content.decode().count('class="card match"') == 9


def test_staff_can_read_stored_matches_in_admin_and_recompute_them(client_for, staff, mentee, pool):
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    client = client_for(staff)
    assert client.get("/admin/matching/matchscore/").status_code == 200
    assert client.get("/admin/matching/recomputerequest/").status_code == 200
    from matching.models import MatchScore

    before = set(MatchScore.objects.values_list("computed_at", flat=True))
    response = client.post("/admin/matching/matchscore/", {
        "action": "recompute", "_selected_action": list(MatchScore.objects.values_list("pk", flat=True))})
    assert response.status_code == 302
    assert set(MatchScore.objects.values_list("computed_at", flat=True)) != before


def test_non_staff_cannot_open_the_matching_admin(client_for, mentee):
    assert client_for(mentee).get("/admin/matching/matchscore/").status_code == 302
