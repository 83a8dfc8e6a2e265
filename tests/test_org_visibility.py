"""An internal mentor is invisible outside their organisation: every door, walked.

Every URL pattern of the project is classified below, so a new one cannot be forgotten
(test_every_url_pattern_is_classified fails until it is). Doors that show or act on a mentor are
called as a non-member (and an anonymous visitor) with the internal mentor's id or slug: 404,
and never the mentor's name in any list, search, count or recommendation. A colleague in the
same organisation and staff see the mentor; the mentor sees themselves.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.search import mentor_search_refresh
from matching.models import MatchScore
from sessions.errors import BookingError
from sessions.models import AvailabilityRule, BookingPolicy
from sessions.services.bookings import booking_create
from tests.factories import BookingFactory, MembershipFactory, MenteeFactory, MentorFactory, org_with_ladder

pytestmark = pytest.mark.django_db

NAME = "Iris Internal"


@pytest.fixture
def world(db):
    org, depts, levels = org_with_ladder(name="Acme")
    iris = MentorFactory(email="iris@acme.example", name=NAME, profile__visibility="internal",
                         profile__headline="Staff platform engineer", profile__slug="iris-internal")
    public = MentorFactory(email="paul@public.example", name="Paul Public", profile__slug="paul-public")
    colleague = MenteeFactory(email="cole@acme.example", name="Cole Colleague")
    outsider = MenteeFactory(email="olga@outside.example", name="Olga Outsider")
    for person in (iris, colleague):
        MembershipFactory(organisation=org, user=person, department=depts["Engineering"])
    for mentor in (iris, public):
        AvailabilityRule.objects.bulk_create(
            [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(17)) for d in range(7)])
        BookingPolicy.objects.update_or_create(mentor=mentor, defaults={"min_notice_hours": 0, "horizon_days": 60})
    mentor_search_refresh()
    now = timezone.now()
    # Stored recommendations that (wrongly, for the outsider) rank Iris first.
    for mentee in (colleague, outsider):
        MatchScore.objects.create(mentee=mentee, mentor=iris, score=0.99, rank=1, reasons=["Python"], computed_at=now)
        MatchScore.objects.create(mentee=mentee, mentor=public, score=0.5, rank=2, reasons=["Go"], computed_at=now)
    # A published review of Iris by her colleague.
    from ratings.services import rating_create

    past = (now - timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    done = BookingFactory(mentor=iris, mentee=colleague, status="completed", start=past, end=past + timedelta(minutes=30),
                          blocked_start=past, blocked_end=past + timedelta(minutes=30), completed_at=past + timedelta(minutes=30))
    review = rating_create(booking_id=done.pk, rater=colleague, stars=5, comment="Sharp, kind and precise advice.",
                           expectation="met")
    slot = (now + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    return {"org": org, "iris": iris, "public": public, "colleague": colleague, "outsider": outsider,
            "booking": done, "review": review, "slot": slot}


def _page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- the doors: each a function (world, viewer) -> list of (description, response) -------------------

def _booking_form(w):
    return {"start": w["slot"].strftime("%Y-%m-%dT%H:%M:%SZ"), "duration": 30, "topic": "Platform",
            "question": "How do I design our internal platform for many teams?"}


DOORS = {
    "accounts:mentor_detail": lambda w, c, a: [c.get("/mentors/iris-internal/")],
    "api:mentor-detail": lambda w, c, a: [a.get(f"/api/v1/mentors/{w['iris'].pk}/")],
    "booking:slot_picker": lambda w, c, a: [c.get(f"/mentors/{w['iris'].pk}/slots/")],
    "api:slots-list": lambda w, c, a: [a.get(f"/api/v1/mentors/{w['iris'].pk}/slots/")],
    "booking:book": lambda w, c, a: [c.get(f"/mentors/{w['iris'].pk}/book/", {"start": _booking_form(w)["start"], "duration": 30}),
                                     c.post(f"/mentors/{w['iris'].pk}/book/", _booking_form(w))],
    "ratings:mentor_reviews": lambda w, c, a: [c.get(f"/mentors/{w['iris'].pk}/reviews/")],
    "api:rating-mentor-reviews": lambda w, c, a: [a.get(f"/api/v1/mentors/{w['iris'].pk}/reviews/")],
    "ratings:report": lambda w, c, a: [c.get(f"/reviews/{w['review'].pk}/report/")],
    "api:rating-report": lambda w, c, a: [a.post(f"/api/v1/ratings/{w['review'].pk}/report/",
                                                 {"reason": "spam", "details": "x"}, format="json")],
}

# Lists that may show a mentor: the internal one must not appear, nor be counted.
LISTS = {
    "home": lambda w, c, a: c.get("/").content.decode(),
    "accounts:directory": lambda w, c, a: c.get("/mentors/", {"q": "Iris"}).content.decode()
    + c.get("/mentors/").content.decode() + c.get("/mentors/", {"colleagues": "on"}).content.decode(),
    "api:mentor-list": lambda w, c, a: a.get("/api/v1/mentors/", {"q": "Iris"}).content.decode()
    + a.get("/api/v1/mentors/").content.decode() + a.get("/api/v1/mentors/", {"colleagues": "true"}).content.decode(),
    "matching:recommended": lambda w, c, a: c.get("/recommended/").content.decode(),
    # The signed-in home: recommendations and "book again" (mentorship.home).
    "home:dashboard": lambda w, c, a: c.get("/home/").content.decode(),
    "api:match-list": lambda w, c, a: a.get("/api/v1/matches/").content.decode(),
    "booking:calendar_feed": lambda w, c, a: _feed(w, c),
}


def _feed(w, c) -> str:
    user = w["outsider"] if "_auth_user_id" in c.session else None
    if user is None:
        return ""
    token = user.rotate_calendar_token()
    return c.get(f"/calendar/{token}.ics").content.decode()


# Routes scoped to a booking (its two participants only), to the viewer's own data, to staff or
# moderators, or that show no mentor at all. The booking-scoped ones are walked as a stranger below.
BOOKING_SCOPED_PATTERN = re.compile(r"(sessions|bookings)/<id:(pk|booking_id)>/|^calendar/|^sessions/$|"
                                    r"agenda/<id:pk>|action-items/<id:pk>|attachments/<id:pk>|messages/<id:pk>|"
                                    r"no-show-reports/<id:pk>")
NOT_A_MENTOR_DOOR = {
    # own account, own data
    "accounts:me", "accounts:mentor_profile_edit", "accounts:mentee_profile_edit", "accounts:api_tokens",
    "accounts:api_token_revoke", "accounts:onboarding", "accounts:onboarding_step", "api:accounts-me", "api:accounts-mentor-profile", "api:accounts-mentee-profile",
    "api:accounts-token", "api:accounts-tokens", "api:accounts-token-detail",
    # blocks act on any person by id and show nothing of a profile (a block by id reveals no more than the id)
    "api:accounts-blocks", "api:accounts-block-detail",
    # taxonomy
    "api:accounts-skill-list", "api:accounts-industry-list", "api:accounts-language-list",
    # the mentor's own availability
    "booking:availability", "booking:availability_policy", "booking:availability_override_add",
    "booking:availability_override_delete", "api:availability-rules", "api:availability-overrides",
    "api:availability-override-detail", "api:availability-policy",
    # the mentor's own calendars and "why is this time not offered?" (404 for anyone else's calendar)
    "booking:calendar_add", "booking:calendar_update", "booking:calendar_delete", "booking:availability_explain",
    "api:calendars", "api:calendar-detail", "api:availability-explain",
    # one's own ratings; moderation (staff and moderators see everything by role)
    "api:rating-list", "api:rating-detail", "api:rating-reply", "ratings:reply", "ratings:rate",
    "ratings:moderation_queue", "ratings:moderation_audit", "ratings:ignore_reporter", "api:rating-moderation-queue",
    "api:rating-moderation-decide", "api:rating-moderation-ignore-reporter", "api:rating-moderation-audit",
    "booking:noshow_disputes", "booking:noshow_decide", "api:no-show-disputes", "api:no-show-decide",
    "conversations:moderation", "conversations:decide", "api:message-reports", "api:message-report-decide",
    # one's own inbox
    "conversations:inbox", "conversations:unread", "api:threads", "api:threads-unread", "api:booking-list",
    # one's own home and record as a mentor
    "api:me-mentor-stats",
    # the site
    "healthz", "staff-mail", "staff-mail-detail", "staff-mail-html", "schema", "api-docs", None,
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (f"{namespace}{entry.name}" if entry.name else None)


def _classify(route: str, name: str | None) -> str | None:
    if route.startswith(("admin/", "accounts/", "media/", "favicon")):
        return "framework"  # Django admin (staff), allauth, uploaded files
    if name in DOORS or name in LISTS:
        return "door"
    if route.startswith(("orgs/", "api/v1/orgs/", "invitations/", "join/")) or (name or "").startswith("insights:"):
        return "organisation"  # walked by test_organisation_pages_are_404_for_non_members
    if name in NOT_A_MENTOR_DOOR or route == "":
        return "not a door"
    if BOOKING_SCOPED_PATTERN.search(route.removeprefix("api/v1/")):
        return "booking"
    return None


def test_every_url_pattern_is_classified():
    unclassified = [(route, name) for route, name in _patterns() if _classify(route, name) is None]
    assert not unclassified, f"classify these in tests/test_org_visibility.py: {unclassified}"


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_no_door_shows_or_acts_on_an_internal_mentor_for_a_non_member(world, who):
    user = world["outsider"] if who == "outsider" else None
    client, api = _page(user), _api(user)
    for name, door in DOORS.items():
        for response in door(world, client, api):
            if who == "anonymous" and response.status_code in (302, 401):
                continue  # sign in first: nothing shown
            assert response.status_code == 404, (name, response.status_code, response.content[:300])
            assert NAME not in response.content.decode(), name
    for name, listing in LISTS.items():
        assert NAME not in listing(world, client, api), name
    assert "Paul Public" in LISTS["accounts:directory"](world, client, api)  # the lists do list people


def test_counts_leave_the_internal_mentor_out(world):
    api = _api(world["outsider"])
    assert api.get("/api/v1/mentors/").json()["count"] == 1
    assert api.get("/api/v1/mentors/", {"q": "platform"}).json()["count"] == 0
    assert "1 mentor<" in _page(world["outsider"]).get("/mentors/").content.decode().replace(" </", "<")
    assert api.get("/api/v1/matches/").json()["count"] == 1


def test_the_booking_service_refuses_a_non_member_whatever_the_door(world):
    with pytest.raises(BookingError) as refused:
        booking_create(mentee=world["outsider"], mentor=world["iris"], start=world["slot"], duration=30,
                       topic="Platform", question="How do I design our internal platform for many teams?")
    assert refused.value.code == "not_found"


def test_a_colleague_sees_and_books_the_internal_mentor_with_the_colleague_marker(world):
    colleague = world["colleague"]
    client, api = _page(colleague), _api(colleague)
    for name, door in DOORS.items():
        if name in ("booking:book", "api:rating-report", "ratings:report"):
            continue
        for response in door(world, client, api):
            assert response.status_code == 200, (name, response.status_code)
    directory = client.get("/mentors/", {"colleagues": "on"}).content.decode()
    assert NAME in directory and ">Colleague</span>" in directory and "Paul Public" not in directory
    [row] = [m for m in api.get("/api/v1/mentors/").json()["results"] if m["name"] == NAME]
    assert row["colleague"] is True and row["visibility"] == "internal"
    assert NAME in client.get("/recommended/").content.decode()
    booking = booking_create(mentee=colleague, mentor=world["iris"], start=world["slot"], duration=30,
                             topic="Platform", question="How do I design our internal platform for many teams?")
    assert booking.pk


def test_staff_and_the_mentor_themselves_see_the_profile(world, staff):
    for viewer in (staff, world["iris"]):
        assert _page(viewer).get("/mentors/iris-internal/").status_code == 200
        assert _api(viewer).get(f"/api/v1/mentors/{world['iris'].pk}/").status_code == 200


def test_a_member_who_left_no_longer_sees_the_internal_mentor(world):
    from orgs.models import Membership

    Membership.objects.filter(user=world["colleague"]).update(is_active=False)
    assert _page(world["colleague"]).get("/mentors/iris-internal/").status_code == 404


def test_booking_scoped_routes_answer_a_stranger_404(world):
    """Routes under one booking (sessions, conversations, no-shows, invites) are its participants'
    only: a stranger learns nothing there either, about an internal mentor or anyone."""
    outsider = world["outsider"]
    client, api = _page(outsider), _api(outsider)
    pk = world["booking"].pk
    checked = 0
    for route, name in _patterns():
        if _classify(route, name) != "booking" or "<id:" not in route:
            continue
        path = "/" + re.sub(r"<id:(pk|booking_id)>", str(pk), route)
        path = re.sub(r"<id:\w+>", "1", path)
        path = re.sub(r"<str:\w+>", "private", path)
        for response in (api.get(path) if path.startswith("/api/") else client.get(path),):
            assert response.status_code in (404, 405), (path, response.status_code)
            assert NAME not in response.content.decode(), path
        checked += 1
    assert checked > 15


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_admin"])
def test_organisation_pages_are_404_for_non_members(world, who):
    """Every page and endpoint under /orgs/<slug>/ and /api/v1/orgs/<slug>/ (programs, sync and
    insights areas included, whatever they add): 404 for anyone outside the organisation."""
    other, _, _ = org_with_ladder(name="Globex")
    other_admin = MenteeFactory(email="gus@globex.example")
    MembershipFactory(organisation=other, user=other_admin, role="admin")
    user = {"anonymous": None, "outsider": world["outsider"], "other_admin": other_admin}[who]
    client, api = _page(user), _api(user)
    checked = 0
    for route, _name in _patterns():
        if "<slug:slug>" not in route or not route.startswith(("orgs/", "api/v1/orgs/")):
            continue
        path = "/" + route.replace("<slug:slug>", "acme")
        path = re.sub(r"<id:\w+>", "1", path)
        path = re.sub(r"<(slug|str):\w+>", "x", path)
        response = api.get(path) if path.startswith("/api/") else client.get(path)
        allowed = {404, 405} | ({302, 401} if user is None else set())
        assert response.status_code in allowed, (path, response.status_code)
        checked += 1
    assert checked >= 15
