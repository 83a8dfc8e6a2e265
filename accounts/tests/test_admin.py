"""Admins find people and profiles with search and filters; nobody else gets in."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/accounts/user/?q=maya&is_mentor__exact=1&is_staff__exact=0&is_active__exact=1&tz_region=Europe",
    "/admin/accounts/mentorprofile/?q=engineering&is_listed__exact=1",
    "/admin/accounts/menteeprofile/?q=senior",
    "/admin/accounts/skill/?q=py",
    "/admin/accounts/industry/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_staff_search_and_filter_in_admin(client_for, staff, mentor, mentee, url):
    response = client_for(staff).get(url)
    assert response.status_code == 200


def test_user_search_finds_by_email_and_zone_filter_narrows(client_for, staff, mentor, mentee):
    client = client_for(staff)
    html = client.get("/admin/accounts/user/?tz_region=Europe").content.decode()
    assert "mentor@example.com" in html and "mentee@example.com" not in html
    html = client.get("/admin/accounts/user/?q=mentee@example").content.decode()
    assert "mentee@example.com" in html and "mentor@example.com" not in html


def test_profile_change_pages_open(client_for, staff, mentor, mentee):
    client = client_for(staff)
    assert client.get(f"/admin/accounts/mentorprofile/{mentor.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/menteeprofile/{mentee.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{mentor.pk}/change/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "stranger", "mentor"])
def test_non_staff_cannot_use_the_admin(client, client_for, stranger, mentor, who):
    c = client if who == "anonymous" else client_for({"stranger": stranger, "mentor": mentor}[who])
    response = c.get("/admin/accounts/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
