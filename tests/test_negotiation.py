"""mentorship.negotiation answers exactly what DRF's own negotiation answers: remembered for the
common Accept headers, negotiated afresh for anything else (406, ?format=, the browsable API)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from mentorship.negotiation import CommonAcceptsContentNegotiation

HEADERS = [None, "*/*", "application/json", "text/html", "application/json; indent=4", "text/html;q=0.9, */*;q=0.1",
           "application/xml"]


def _answer(negotiation, accept, query=""):
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"/x/{query}", **extra))
    renderers = [JSONRenderer(), BrowsableAPIRenderer()]
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except Exception as exc:  # noqa: BLE001 - the refusal is part of the answer
        return type(exc).__name__
    return renderers.index(renderer), media_type


@pytest.mark.parametrize("query", ["", "?format=api", "?format=json", "?format=xml"])
@pytest.mark.parametrize("accept", HEADERS)
def test_the_answer_is_drfs_own_the_first_time_and_every_time_after(accept, query):
    CommonAcceptsContentNegotiation._answers.clear()
    expected = _answer(DefaultContentNegotiation(), accept, query)
    for _ in range(3):
        assert _answer(CommonAcceptsContentNegotiation(), accept, query) == expected


def test_only_the_common_headers_are_remembered():
    CommonAcceptsContentNegotiation._answers.clear()
    for accept in HEADERS:
        _answer(CommonAcceptsContentNegotiation(), accept, "?format=json")
        _answer(CommonAcceptsContentNegotiation(), accept)
    assert sorted(str(accept) for _, accept in CommonAcceptsContentNegotiation._answers) == [
        "*/*", "None", "application/json"]


@pytest.mark.django_db
def test_the_api_negotiates_with_it(mentor):
    url = reverse("api:slots-list", args=[mentor.pk])
    assert APIClient().get(url)["Content-Type"] == "application/json"
    assert APIClient().get(url, HTTP_ACCEPT="application/xml").status_code == 406
    assert APIClient().get(url, HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_a_format_in_the_query_is_never_answered_from_memory(accept):
    CommonAcceptsContentNegotiation._answers.clear()
    assert _answer(CommonAcceptsContentNegotiation(), accept) == (0, "application/json")  # remembered
    assert _answer(CommonAcceptsContentNegotiation(), accept, "?format=api") == (1, "text/html")
    assert _answer(CommonAcceptsContentNegotiation(), accept, "?format=xml") == "Http404"
