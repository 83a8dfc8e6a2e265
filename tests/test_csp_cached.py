"""mentorship.middleware.CSPMiddleware builds the policy once, and answers as django-csp would:
the same header on a plain response, django-csp's own handling for a response with a policy of its
own, and the new policy after the settings change."""

from __future__ import annotations

import pytest
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from mentorship.middleware import CSPMiddleware

HEADER = "Content-Security-Policy"


def _through(middleware_class, *, path="/mentors/", prepare=lambda response: None):
    def view(request):
        response = HttpResponse("ok")
        prepare(response)
        return response

    middleware = middleware_class(view)
    request = RequestFactory().get(path)
    return middleware(request)


def test_a_plain_response_carries_the_same_policy_as_django_csps_own():
    ours, theirs = _through(CSPMiddleware), _through(DjangoCSPMiddleware)
    assert ours[HEADER] == theirs[HEADER]
    assert "script-src 'self'" in ours[HEADER]
    assert _through(CSPMiddleware)[HEADER] == ours[HEADER]  # from the cache, the same


def test_a_response_with_its_own_policy_keeps_it():
    def update(response):
        response._csp_update = {"img-src": ["https://img.example"]}

    ours, theirs = _through(CSPMiddleware, prepare=update), _through(DjangoCSPMiddleware, prepare=update)
    assert "https://img.example" in ours[HEADER]
    assert ours[HEADER] == theirs[HEADER]
    assert "https://img.example" not in _through(CSPMiddleware)[HEADER]  # the next plain response


def test_an_exempt_response_or_an_excluded_prefix_gets_no_header():
    def exempt(response):
        response._csp_exempt = True

    assert HEADER not in _through(CSPMiddleware, prepare=exempt)
    policy = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/mentors/"]}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert HEADER not in _through(CSPMiddleware)
        assert HEADER in _through(CSPMiddleware, path="/home/")


@pytest.mark.parametrize("directive", ["img-src"])
def test_a_changed_setting_is_picked_up(directive):
    before = _through(CSPMiddleware)[HEADER]
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], directive: ["'self'", "https://cdn.example"]}
    with override_settings(CONTENT_SECURITY_POLICY={**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": directives}):
        assert "https://cdn.example" in _through(CSPMiddleware)[HEADER]
    assert _through(CSPMiddleware)[HEADER] == before
