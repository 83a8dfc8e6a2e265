"""Hostile input gets a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorship.parsers import json_depth_exceeds


@pytest.mark.parametrize("url", ["/calendar/%00.ics", "/mentors/a%00b/", "/sessions/1%00/",
                                 "/api/v1/mentors/?q=%00", "/api/v1/skills/?q=a%00"])
def test_nul_bytes_anywhere_in_the_address_are_a_400(db, url):
    assert Client(raise_request_exception=False).get(url).status_code == 400


@pytest.mark.parametrize("body", ["[" * 2000 + "]" * 2000, '{"a":' * 2000 + "1" + "}" * 2000])
@pytest.mark.parametrize("who", ["anonymous", "mentee"])
def test_deeply_nested_json_is_a_400_for_anyone(client, mentee, who, body):
    endpoints = [("post", "/api/v1/auth/token/")]  # the rest answer 401 to anonymous callers before parsing
    if who == "mentee":
        client.force_login(mentee)
        endpoints += [("patch", "/api/v1/me/"), ("post", "/api/v1/bookings/"), ("patch", "/api/v1/me/mentee-profile/")]
    for method, url in endpoints:
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 400, (method, url, response.status_code)
        assert "nested" in response.json()["detail"]


def test_an_oversized_json_body_is_a_400(client, mentee):
    client.force_login(mentee)
    body = '{"name": "' + "x" * 300_000 + '"}'
    response = client.patch("/api/v1/me/", body, content_type="application/json")
    assert response.status_code == 400 and "too large" in response.json()["detail"]


def test_nan_is_not_json(client, mentor):
    client.force_login(mentor)
    response = client.patch("/api/v1/me/mentor-profile/", '{"years_experience": NaN}', content_type="application/json")
    assert response.status_code == 400


def test_ordinary_json_still_works(client, mentee):
    client.force_login(mentee)
    response = client.patch("/api/v1/me/", '{"name": "Manu [the {mentee}]"}', content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "Manu [the {mentee}]"


@pytest.mark.parametrize("text, deep", [
    ("[[[]]]", False), ("[[[[]]]]", True), ('["[[[[[[["]', False), (r'["\"[[[[["]', False), ('{"a": {"b": {"c": 1}}}', False),
])
def test_depth_scanner_ignores_brackets_inside_strings(text, deep):
    assert json_depth_exceeds(text, 3) is deep


def test_an_api_nul_byte_names_the_parameter(db):
    response = Client().get("/api/v1/mentors/?skill=py%00thon")
    assert response.status_code == 400 and response.json()["errors"] == {"skill": ["NUL characters are not allowed."]}


# Found by schemathesis: Django's <int:...> took any digits and the database could not hold them.
@pytest.mark.parametrize("url", ["/api/v1/mentors/80766511044645068875136795410432/reviews/",
                                 "/api/v1/bookings/9223372036854775808/", "/api/v1/mentors/99999999999999999999/",
                                 "/sessions/80766511044645068875136795410432/", "/reviews/9223372036854775808/reply/"])
def test_an_id_too_large_for_any_row_is_a_404(client, mentee, url):
    client.force_login(mentee)
    client.raise_request_exception = False
    assert client.get(url).status_code == 404


def test_the_largest_possible_id_still_reaches_the_view(client, mentee):
    client.force_login(mentee)
    response = client.get("/api/v1/bookings/9223372036854775807/")
    assert response.status_code == 404 and response.json()["detail"] == "Booking not found."
