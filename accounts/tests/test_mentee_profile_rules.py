"""The mentee profile: an empty one is refused with what to fill in, on the page and in the API alike."""

from __future__ import annotations

import pytest

from accounts.models import MenteeProfile
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db

PAGE = "/me/mentee-profile/"
API = "/api/v1/me/mentee-profile/"
GOALS_MESSAGE = "Tell mentors what you want help with"


@pytest.fixture
def newcomer():
    person = MenteeFactory(email="new@example.com")
    MenteeProfile.objects.filter(user=person).update(goals="")
    return person


def test_saving_an_empty_profile_on_the_page_asks_for_goals_and_does_not_say_saved(client_for, newcomer):
    response = client_for(newcomer).post(PAGE, {"goals": "", "interests": "", "industries": ""}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is saved" not in html
    assert GOALS_MESSAGE in html and 'id="id_goals_error"' in html


def test_the_api_refuses_an_empty_profile_with_the_same_message(client_for, newcomer):
    response = client_for(newcomer).put(API, {"goals": " ", "interests": [], "industries": [], "languages": [],
                                              "career_stage": ""}, format="json")
    assert response.status_code == 400
    assert GOALS_MESSAGE in " ".join(response.json()["errors"]["goals"])
    assert MenteeProfile.objects.get(user=newcomer).goals == ""


def test_a_profile_with_goals_saves(client_for, newcomer):
    response = client_for(newcomer).post(PAGE, {"goals": "Learn to lead a team."}, follow=True)
    assert "Your mentee profile is saved." in response.content.decode()


def test_industries_help_text_is_about_industries(client_for, newcomer):
    html = client_for(newcomer).get(PAGE).content.decode()
    start = html.index('id="id_industries_helptext"')
    help_text = html[start:html.index("</", start)]
    assert "Fintech" in help_text and "JavaScript" not in help_text
