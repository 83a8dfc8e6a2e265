"""An empty mentee profile is not 'saved': page and API say the same thing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
MESSAGE = "Say what you want help with, or add an interest"


def test_the_page_refuses_an_empty_profile_and_says_what_to_fill_in(client, mentee):
    client.force_login(mentee)
    response = client.post("/me/mentee-profile/", {"goals": "", "interests": "", "industries": "", "career_stage": ""})
    html = response.content.decode()
    assert response.status_code == 400 and MESSAGE in html and "saved" not in html.lower()
    mentee.mentee_profile.refresh_from_db()
    assert mentee.mentee_profile.goals == "Grow into a senior engineer."  # nothing was lost


def test_the_api_refuses_it_with_the_same_message(client_for, mentee):
    response = client_for(mentee).put("/api/v1/me/mentee-profile/", {"goals": "", "interests": [], "industries": [],
                                                                      "languages": [], "career_stage": ""}, format="json")
    assert response.status_code == 400 and MESSAGE in response.json()["errors"]["goals"][0]


def test_interests_alone_are_enough(client, mentee):
    client.force_login(mentee)
    response = client.post("/me/mentee-profile/", {"goals": "", "interests": "SQL", "industries": "", "career_stage": ""})
    assert response.status_code == 302


def test_the_industries_help_is_about_industries(client, mentee):
    client.force_login(mentee)
    html = client.get("/me/mentee-profile/").content.decode()
    assert "Fintech, Healthcare" in html
