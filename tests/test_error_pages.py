"""Error pages explain what happened and offer ways back, in the site's own layout."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

WAYS_BACK = ('href="/"', 'href="/mentors/"')


def _assert_helpful(html: str, heading: str) -> None:
    assert heading in html
    for link in WAYS_BACK:
        assert link in html
    assert 'rel="icon"' in html and "app.css" in html


@pytest.mark.django_db
def test_an_unknown_address_is_a_404_page_with_ways_back(client, mentee):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_helpful(response.content.decode(), "We can't find that page")
    assert "Sign in" in response.content.decode()
    client.force_login(mentee)
    assert 'href="/sessions/"' in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_a_malformed_request_is_a_400_page(client):
    response = client.get("/calendar/%00.ics")
    assert response.status_code == 400
    _assert_helpful(response.content.decode(), "didn't make sense")


@pytest.mark.django_db
def test_a_forbidden_page_is_a_403_page():
    response = defaults.permission_denied(RequestFactory().get("/"), PermissionDenied())
    assert response.status_code == 403
    _assert_helpful(response.content.decode(), "You can't open this page")


@pytest.mark.django_db
def test_an_expired_form_explains_itself():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@b.c", "password": "x"})
    assert response.status_code == 403
    _assert_helpful(response.content.decode(), "Your form expired")


@pytest.mark.django_db
def test_the_500_page_renders_with_no_database_and_no_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _assert_helpful(response.content.decode(), "Something went wrong on our side")
