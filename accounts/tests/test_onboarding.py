"""Issue 14: the guided start after sign-up, the one completeness rule, and drafts that are not listed."""

from __future__ import annotations

from datetime import time

import pytest

from accounts import services
from accounts.completeness import mentor_completeness
from accounts.models import MentorProfile
from accounts.selectors import bookable_mentors, featured_mentors, mentors_search
from sessions.services.availability import availability_set_weekly, override_create, override_delete
from tests.factories import MenteeFactory, UserFactory

pytestmark = pytest.mark.django_db

WEEK = [(0, time(9), time(12)), (3, time(18), time(20))]


@pytest.fixture
def newcomer(db):
    """Someone who just signed up as a mentor: an empty profile, no availability."""
    user = UserFactory(email="nova@example.com", name="Nova Newcomer", timezone="Europe/Lisbon")
    services.user_set_roles(user=user, is_mentor=True, is_mentee=False)
    return user


def _listed_ids() -> set[int]:
    return set(mentors_search().values_list("pk", flat=True))


def _complete_profile(user) -> None:
    services.mentor_profile_update(user=user, headline="Ship-to-shore radio engineer",
                                   bio="Twenty years of radio systems.", skills="Radio, Embedded C",
                                   session_lengths=[30])


def test_a_new_mentor_is_a_draft_until_complete_then_listed_then_a_draft_again(newcomer):
    profile = MentorProfile.objects.get(user=newcomer)
    assert not profile.is_complete
    assert [s.key for s in mentor_completeness(profile).missing] == ["headline", "bio", "skills", "availability"]
    assert newcomer.pk not in _listed_ids()

    _complete_profile(newcomer)
    profile.refresh_from_db()
    assert [s.key for s in mentor_completeness(profile).missing] == ["availability"]
    assert not profile.is_complete and newcomer.pk not in _listed_ids()
    assert not bookable_mentors().filter(pk=newcomer.pk).exists()

    availability_set_weekly(mentor=newcomer, rules=WEEK)
    profile.refresh_from_db()
    assert profile.has_availability and profile.is_complete
    assert newcomer.pk in _listed_ids()
    assert bookable_mentors().filter(pk=newcomer.pk).exists()
    assert newcomer.pk in {p.pk for p in featured_mentors()}

    availability_set_weekly(mentor=newcomer, rules=[])
    profile.refresh_from_db()
    assert not profile.has_availability and not profile.is_complete
    assert newcomer.pk not in _listed_ids()


def test_clearing_the_bio_makes_a_listed_mentor_a_draft(newcomer):
    _complete_profile(newcomer)
    availability_set_weekly(mentor=newcomer, rules=WEEK)
    assert newcomer.pk in _listed_ids()
    services.mentor_profile_update(user=newcomer, bio="")
    assert newcomer.pk not in _listed_ids()


def test_a_dated_window_counts_as_availability_until_it_is_over(newcomer, frozen_now):
    from datetime import date

    _complete_profile(newcomer)
    day = date(2026, 11, 20)
    blocked = override_create(mentor=newcomer, start_date=day)  # a blocked day is no free time
    assert not MentorProfile.objects.get(user=newcomer).has_availability
    window = override_create(mentor=newcomer, start_date=day, start_time=time(9), end_time=time(10))
    assert MentorProfile.objects.get(user=newcomer).is_complete
    override_delete(mentor=newcomer, override_id=window.pk)
    assert not MentorProfile.objects.get(user=newcomer).is_complete
    override_delete(mentor=newcomer, override_id=blocked.pk)


def test_the_owner_previews_a_draft_with_what_is_missing_and_others_get_404(newcomer, client, stranger):
    _complete_profile(newcomer)
    slug = MentorProfile.objects.get(user=newcomer).slug
    client.force_login(newcomer)
    page = client.get(f"/mentors/{slug}/").content.decode()
    assert "Draft" in page and "Set your first free times" in page and "Add a headline" not in page
    client.force_login(stranger)
    assert client.get(f"/mentors/{slug}/").status_code == 404
    client.logout()
    assert client.get(f"/mentors/{slug}/").status_code == 404
    assert "Nova Newcomer" not in client.get("/mentors/").content.decode()


def test_the_api_tells_the_owner_what_a_draft_still_needs(newcomer, client_for, stranger, api_client):
    body = client_for(newcomer).get("/api/v1/me/mentor-profile/").json()
    assert body["is_complete"] is False
    assert body["missing_steps"] == ["headline", "bio", "skills", "availability"]
    assert client_for(newcomer).get(f"/api/v1/mentors/{newcomer.pk}/").status_code == 200  # the owner's preview
    assert client_for(stranger).get(f"/api/v1/mentors/{newcomer.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/mentors/{newcomer.pk}/").status_code == 404
    assert newcomer.pk not in {m["id"] for m in api_client.get("/api/v1/mentors/").json()["results"]}


def test_signup_lands_on_the_guided_start():
    from accounts.adapters import AccountAdapter

    assert AccountAdapter().get_signup_redirect_url(None) == "/welcome/"


def test_a_mentor_walks_the_steps_and_can_skip_and_resume(newcomer, client):
    client.force_login(newcomer)
    assert client.get("/welcome/").url == "/welcome/roles/"
    response = client.post("/welcome/roles/", {"role": "both", "timezone": "America/Sao_Paulo"})
    assert response.url == "/welcome/"
    newcomer.refresh_from_db()
    assert (newcomer.is_mentor, newcomer.is_mentee, newcomer.timezone) == (True, True, "America/Sao_Paulo")
    assert client.get("/welcome/").url == "/welcome/goals/"

    goals = client.get("/welcome/goals/").content.decode()
    assert "Examples of good questions" in goals
    client.post("/welcome/goals/", {"skip": "1"})  # skipped: resumes at the next step
    assert client.get("/welcome/").url == "/welcome/profile/"

    refused = client.post("/welcome/profile/", {"headline": "Radio", "bio": "", "skills": "", "session_lengths": []})
    assert refused.status_code == 400 and "Offer at least one session length" in refused.content.decode()
    client.post("/welcome/profile/", {"headline": "Radio engineer", "bio": "Radios.", "skills": "Radio",
                                      "session_lengths": ["30"]})
    assert client.get("/welcome/").url == "/welcome/availability/"
    step = client.get("/welcome/availability/").content.decode()
    assert "/availability/" in step and "Set your first free times" in step
    client.post("/welcome/availability/")
    assert client.get("/welcome/").url == "/home/"
    newcomer.refresh_from_db()
    assert newcomer.onboarding_steps == ["roles", "goals", "profile", "availability"]


def test_a_mentee_has_no_mentor_steps_and_saves_goals_through_the_service(client):
    mentee = MenteeFactory(profile__goals="")
    client.force_login(mentee)
    assert client.get("/welcome/profile/").status_code == 404
    assert client.get("/welcome/nonsense/").status_code == 404
    client.post("/welcome/roles/", {"skip": "1"})
    response = client.post("/welcome/goals/", {"goals": "Prepare for a staff engineer interview", "interests": "Go"})
    assert response.url == "/welcome/"
    assert mentee.mentee_profile.__class__.objects.get(user=mentee).goals == "Prepare for a staff engineer interview"
    assert client.get("/welcome/").url == "/home/"


def test_an_import_keeps_the_stored_completeness(newcomer):
    _complete_profile(newcomer)
    availability_set_weekly(mentor=newcomer, rules=WEEK)
    MentorProfile.objects.filter(user=newcomer).update(bio="")  # a bulk write around the services
    services.profiles_bulk_changed(search_ids=[], mentor_ids=[newcomer.pk], mentee_ids=[])
    assert not MentorProfile.objects.get(user=newcomer).is_complete
