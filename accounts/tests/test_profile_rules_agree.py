"""The mentor-profile rules live in mentor_profile_update only; the page and the API report each the same way."""

from __future__ import annotations

import pytest

from accounts.models import MentorProfile

pytestmark = pytest.mark.django_db

PAGE_FORM = {
    "headline": "Engineering leader", "bio": "Ten years of backend work.", "skills": "Python",
    "industries": "Fintech", "languages": ["en"], "years_experience": "10", "session_lengths": ["30"],
    "call_method": "jitsi", "meeting_url": "", "accepting_bookings": "on",
}


@pytest.mark.parametrize("changes, field, message", [
    ({"years_experience": 200}, "years_experience", "Enter a number from 0 to 70."),
    ({"years_experience": -1}, "years_experience", "Enter a number from 0 to 70."),
    ({"call_method": "own_link", "meeting_url": ""}, "meeting_url",
     "Add your meeting link, or choose the automatic video room."),
])
def test_page_and_api_refuse_a_profile_with_the_same_message(client_for, mentor, changes, field, message):
    before = MentorProfile.objects.get(user=mentor).years_experience
    client = client_for(mentor)

    api = client.patch("/api/v1/me/mentor-profile/", changes, format="json")
    assert api.status_code == 400
    assert message in str(api.json()["errors"][field])

    page = client.post("/me/mentor-profile/", {**PAGE_FORM, **{k: str(v) for k, v in changes.items()}})
    assert message in page.context["form"].errors[field]
    assert MentorProfile.objects.get(user=mentor).years_experience == before
