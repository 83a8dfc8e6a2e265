"""Who may see and do what on every program page and endpoint: anonymous, non-member, member,
mentor in the program, an admin of another organisation, the organisation's admin, staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orgs.models import Program
from orgs.tests.programs_support import member, program_world
from tests.factories import MenteeFactory, UserFactory, org_with_ladder

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "member", "program_mentor", "other_admin", "admin", "staff"]


@pytest.fixture
def world():
    return program_world()


def _user(world, role):
    if role == "anonymous":
        return None
    if role == "non_member":
        return MenteeFactory(email="outsider@example.com")
    if role == "member":
        return world.member
    if role == "program_mentor":
        return world.mentor
    if role == "other_admin":
        other, _, _ = org_with_ladder(name="Globex")
        person = UserFactory(email="admin@globex.example")
        member(other, person, role="admin")
        return person
    if role == "admin":
        return world.admin
    return UserFactory(email="staff@example.com", is_staff=True)


def _page_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api_client(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _args(world, program=True):
    return {"slug": world.org.slug, **({"program": world.program.slug} if program else {})}


# Expected status per role: (anonymous, non-member, member, program mentor, other admin, admin, staff).
PAGES = [
    ("orgs:programs", False, "get", (302, 404, 200, 200, 404, 200, 200)),
    ("orgs:program_detail", True, "get", (302, 404, 200, 200, 404, 200, 200)),
    ("orgs:program_create", False, "get", (302, 404, 403, 403, 404, 200, 200)),
    ("orgs:program_edit", True, "get", (302, 404, 403, 403, 404, 200, 200)),
    ("orgs:program_people", True, "get", (302, 404, 403, 403, 404, 200, 200)),
    ("orgs:program_close", True, "post", (302, 404, 403, 403, 404, 302, 302)),
    ("orgs:program_join", True, "post", (302, 404, 302, 302, 404, 302, 302)),
]


@pytest.mark.parametrize("name, with_program, method, expected", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_program_pages_per_role(world, name, with_program, method, expected, role):
    response = getattr(_page_client(_user(world, role)), method)(
        reverse(name, kwargs=_args(world, with_program)), {"side": "mentee"} if method == "post" else None)
    assert response.status_code == expected[ROLES.index(role)]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


API = [
    ("api:org-program-list", False, "get", None, (401, 404, 200, 200, 404, 200, 200)),
    ("api:org-program-list", False, "post", {"name": "X", "starts_on": "2026-11-01", "ends_on": "2026-12-01"},
     (401, 404, 403, 403, 404, 201, 201)),
    ("api:org-program-detail", True, "get", None, (401, 404, 200, 200, 404, 200, 200)),
    ("api:org-program-detail", True, "patch", {"purpose": "Meet"}, (401, 404, 403, 403, 404, 200, 200)),
    ("api:org-program-close", True, "post", None, (401, 404, 403, 403, 404, 200, 200)),
    ("api:org-program-join", True, "post", {"side": "mentee"}, (401, 404, 200, 200, 404, 200, 403)),
    ("api:org-program-recommendations", True, "get", None, (401, 404, 403, 403, 404, 403, 403)),
    ("api:org-program-enrollments", True, "get", None, (401, 404, 403, 403, 404, 200, 200)),
]


@pytest.mark.parametrize("name, with_program, method, body, expected", API,
                         ids=[f"{a[0]}-{a[2]}" for a in API])
@pytest.mark.parametrize("role", ROLES)
def test_program_endpoints_per_role(world, name, with_program, method, body, expected, role):
    response = getattr(_api_client(_user(world, role)), method)(
        reverse(name, kwargs=_args(world, with_program)), body, format="json")
    assert response.status_code == expected[ROLES.index(role)], response.json()
    if response.status_code >= 400:
        assert response.json()["code"]


@pytest.mark.parametrize("role", ["member", "program_mentor"])
def test_members_get_404_for_a_draft(world, role):
    Program.objects.filter(pk=world.program.pk).update(status="draft")
    user = _user(world, role)
    assert _page_client(user).get(reverse("orgs:program_detail", kwargs=_args(world))).status_code == 404
    assert _api_client(user).get(reverse("api:org-program-detail", kwargs=_args(world))).status_code == 404
    listed = _api_client(user).get(reverse("api:org-program-list", kwargs=_args(world, False))).json()
    assert listed == []


def test_admins_see_drafts(world):
    Program.objects.filter(pk=world.program.pk).update(status="draft")
    assert _page_client(world.admin).get(reverse("orgs:program_detail", kwargs=_args(world))).status_code == 200


def test_a_deactivated_member_gets_404(world):
    world.memberships["member"].is_active = False
    world.memberships["member"].save()
    response = _page_client(world.member).get(reverse("orgs:programs", kwargs=_args(world, False)))
    assert response.status_code == 404


def test_the_mentee_in_the_program_gets_recommendations(world):
    response = _api_client(world.mentee).get(reverse("api:org-program-recommendations", kwargs=_args(world)))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0]["mentor"]["id"] == world.mentor.pk
    assert body["results"][0]["reasons"][0] == "Finance, a department you have not met yet"
