"""The API keeps to its own OpenAPI schema: schemathesis calls every operation in-process (WSGI)."""

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

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = 10


class _Rollback(Exception):
    pass


@pytest.fixture
def world(db, mentor, mentee, stranger, weekday_mornings_for):
    from accounts.tokens import api_token_create
    from ratings.services import rating_create
    from sessions.models import AvailabilityOverride
    from tests.factories import BookingFactory

    weekday_mornings_for(mentor)
    now = timezone.now()
    past = (now - timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    completed = BookingFactory(mentor=mentor, mentee=mentee, status="completed", start=past,
                               end=past + timedelta(minutes=30), blocked_start=past,
                               blocked_end=past + timedelta(minutes=30), completed_at=past + timedelta(minutes=30))
    upcoming = BookingFactory(mentor=mentor, mentee=mentee, status="confirmed")
    requested = BookingFactory(mentor=mentor, mentee=mentee, status="requested",
                               start=upcoming.start + timedelta(days=1), end=upcoming.end + timedelta(days=1),
                               blocked_start=upcoming.start + timedelta(days=1),
                               blocked_end=upcoming.end + timedelta(days=1),
                               expires_at=now + timedelta(days=1))
    rating = rating_create(booking_id=completed.pk, rater=mentee, stars=4, comment="Clear, practical advice.",
                           expectation="met")
    override = AvailabilityOverride.objects.create(mentor=mentor, start_date=(now + timedelta(days=3)).date(),
                                                   end_date=(now + timedelta(days=3)).date(), note="Away")
    ids = sorted({mentor.pk, mentee.pk, completed.pk, upcoming.pk, requested.pk, rating.pk, override.pk})
    tokens = {user: api_token_create(user=user, name="schemathesis")[1] for user in (mentor, mentee)}
    return {"ids": ids, "tokens": tokens, "mentor": mentor, "mentee": mentee}


@pytest.fixture
def weekday_mornings_for():
    from sessions.models import AvailabilityRule, BookingPolicy

    def make(mentor):
        AvailabilityRule.objects.bulk_create(
            [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(12)) for d in range(5)])
        BookingPolicy.objects.update_or_create(mentor=mentor, defaults={"min_notice_hours": 0, "horizon_days": 120})

    return make


# Every WSGI server sets REMOTE_ADDR; werkzeug's test client does not, and the sign-in limits
# (allauth) refuse a request whose client address is unknown.
ENVIRON = {"REMOTE_ADDR": "203.0.113.7"}
ID_PARAMETERS = ("id", "pk", "rating_id", "mentor_id")


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
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Token {world['tokens'][world[role]]}"
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # Negative data needs something to break: a parameter or a body.
        has_input = bool(operation.path_parameters or operation.query or operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if has_input else (GenerationMode.POSITIVE,):

            @given(case=operation.as_strategy(generation_mode=mode), real_id=st.sampled_from([None, *world["ids"]]))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
            def check(case, real_id):
                # Random integers almost never name a row: often point every id at a seeded one.
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


def test_anonymous_caller_gets_what_the_schema_says(wsgi_app, world):
    _run_every_operation(wsgi_app, world, "anonymous")


def test_mentee_gets_what_the_schema_says(wsgi_app, world):
    _run_every_operation(wsgi_app, world, "mentee")


def test_mentor_gets_what_the_schema_says(wsgi_app, world):
    _run_every_operation(wsgi_app, world, "mentor")
