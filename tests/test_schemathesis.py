"""The API keeps to its own OpenAPI schema.

Schemathesis calls every operation of /api/schema/ in-process (through Django's WSGI handler, no
server) as an anonymous caller, a mentee and a mentor (token auth), with data that fits the schema
and data that does not, and checks that nothing answers 500, that every status, content type and
body is the one documented, and that every error names a registered code of its status.

State: each example runs in a savepoint that is rolled back, with the cache emptied, so a booking
made, a token revoked or a role dropped by one example is gone for the next (and throttles and
sign-in limits start from zero). The seeded world is small and fixed so that ids in paths name real
rows part of the time. Runs in derandomized mode on CI (conftest.py's hypothesis profile).
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.modes import GenerationMode

from mentorship.errors import ERROR_CODES


def error_code_is_registered(ctx, response, case):
    """Every 4xx names a code from mentorship.errors.ERROR_CODES whose status is the one sent."""
    if not 400 <= response.status_code < 500:
        return None
    code = response.json().get("code")
    entry = ERROR_CODES.get(code)
    assert entry is not None, f"{code!r} is not a registered error code"
    assert entry.status == response.status_code, f"{code!r} is registered as {entry.status}, sent with {response.status_code}"
    return None


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          error_code_is_registered]
# Examples per operation and caller: data that fits finds wrong schemas, data that does not finds
# 500s. About 1,400 calls for the three callers, ~40 s of CPU on a 2-core machine.
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
# Every WSGI server sets REMOTE_ADDR; werkzeug's test client does not, and the sign-in limits
# (allauth) refuse a request whose client address is unknown.
ENVIRON = {"REMOTE_ADDR": "203.0.113.7"}
ID_PARAMETERS = ("id", "pk", "rating_id", "mentor_id")


class _Rollback(Exception):
    pass


@pytest.fixture
def world(db, mentor, mentee):
    """A mentor with weekday mornings, an override and a published review; a mentee with a past,
    an upcoming and a requested session and a stored match; an API token for each."""
    from accounts.tokens import api_token_create
    from matching.models import MatchScore
    from ratings.services import rating_create
    from sessions.models import AvailabilityOverride, AvailabilityRule, BookingPolicy
    from tests.factories import BookingFactory

    AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(12)) for d in range(5)])
    BookingPolicy.objects.update_or_create(mentor=mentor, defaults={"min_notice_hours": 0, "horizon_days": 120})
    now = timezone.now()

    def booking(status, start, **extra):
        end = start + timedelta(minutes=30)
        return BookingFactory(mentor=mentor, mentee=mentee, status=status, start=start, end=end,
                              blocked_start=start, blocked_end=end, **extra)

    past = (now - timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    completed = booking("completed", past, completed_at=past + timedelta(minutes=30))
    upcoming = booking("confirmed", (now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0))
    requested = booking("requested", upcoming.start + timedelta(days=1), expires_at=now + timedelta(days=1))
    rating = rating_create(booking_id=completed.pk, rater=mentee, stars=4, comment="Clear, practical advice.",
                           expectation="met")
    day = (now + timedelta(days=3)).date()
    override = AvailabilityOverride.objects.create(mentor=mentor, start_date=day, end_date=day, note="Away")
    # A stored match: computing one on the fly would load the sentence encoder (~20 s).
    MatchScore.objects.create(mentee=mentee, mentor=mentor, score=0.8, rank=1, reasons=["Python"], computed_at=now)
    ids = sorted({mentor.pk, mentee.pk, completed.pk, upcoming.pk, requested.pk, rating.pk, override.pk})
    tokens = {"mentor": api_token_create(user=mentor, name="schemathesis")[1],
              "mentee": api_token_create(user=mentee, name="schemathesis")[1]}
    return {"ids": ids, "tokens": tokens}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler as a server runs it, except that it keeps the test's connection open:
    a real request ends by closing old connections, which would close the test transaction
    (Django's own test client disconnects the same signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run_every_operation(app, world, role):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    headers = {"Authorization": f"Token {world['tokens'][role]}"} if role in world["tokens"] else {}
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        # Data that does not fit needs something to break: a parameter or a body.
        # A slug in the path cannot be made invalid in a way a URL still carries (every non-slug
        # string is a 404 of the router), so only other inputs get a negative mode.
        breakable_path = [p for p in operation.path_parameters if p.name != "slug"]
        has_input = bool(breakable_path or operation.query or operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if has_input else (GenerationMode.POSITIVE,):

            @given(case=operation.as_strategy(generation_mode=mode), real_id=st.sampled_from([None, *world["ids"]]))
            @settings(max_examples=EXAMPLES[mode], deadline=None, suppress_health_check=list(HealthCheck))
            def check(case, real_id):
                # Random integers almost never name a row: most of the time point ids at seeded ones.
                if real_id is not None and case.path_parameters:
                    for key in ID_PARAMETERS:
                        if key in case.path_parameters:
                            case.path_parameters[key] = real_id
                try:
                    with transaction.atomic():
                        cache.clear()
                        case.call_and_validate(headers=headers, checks=CHECKS, environ_base=ENVIRON)
                        raise _Rollback
                except _Rollback:
                    pass

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures are reported together
                failures.append(f"{operation.label} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)


def test_an_anonymous_caller_gets_what_the_schema_says(wsgi_app, world):
    _run_every_operation(wsgi_app, world, "anonymous")


def test_a_mentee_gets_what_the_schema_says(wsgi_app, world):
    _run_every_operation(wsgi_app, world, "mentee")


def test_a_mentor_gets_what_the_schema_says(wsgi_app, world):
    _run_every_operation(wsgi_app, world, "mentor")
