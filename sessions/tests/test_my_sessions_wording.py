"""My sessions speaks to each person in the role the list is about."""

from __future__ import annotations

import pytest

from tests.factories import MentorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_a_mentor_is_not_told_to_find_a_mentor(client, when):
    mentor = MentorFactory(is_mentee=False)
    client.force_login(mentor)
    html = client.get(f"/sessions/?when={when}").content.decode()
    assert 'id="empty-as-mentor"' in html and "Find a mentor</a> and book" not in html
    if when == "upcoming":
        assert mentor.mentor_profile.get_absolute_url() in html and "/availability/" in html


def test_someone_in_both_roles_gets_the_wording_of_the_list_they_picked(client):
    both = MentorFactory(is_mentee=True)
    client.force_login(both)
    assert 'id="empty-as-mentor"' in client.get("/sessions/?role=mentor").content.decode()
    assert 'id="empty-as-mentee"' in client.get("/sessions/?role=mentee").content.decode()


def test_a_mentee_is_pointed_to_the_directory(client, mentee):
    client.force_login(mentee)
    html = client.get("/sessions/").content.decode()
    assert 'id="empty-as-mentee"' in html and "Find a mentor</a>" in html
