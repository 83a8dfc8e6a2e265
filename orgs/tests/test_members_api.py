"""/api/v1/orgs/...: who may call what, what it changes, and a fixed number of queries per list."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from orgs.models import Department, Invitation, Level, Membership, OrganisationDomain
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _endpoints(acme):
    base = f"/api/v1/orgs/{acme.slug}/"
    dept, level = acme.depts["Sales"].pk, acme.ladder["IC2"].pk
    member = Membership.objects.filter(organisation=acme, role="member").first().pk
    domain = OrganisationDomain.objects.create(organisation=acme, domain="acme.example").pk
    invitation = Invitation.objects.create(organisation=acme, email="x@acme.example", token_hash="h" * 64,
                                           created_at="2026-11-01T00:00Z", expires_at="2026-12-01T00:00Z").pk
    # (method, url, body, whether members may do it)
    return [
        ("get", base, None, True),
        ("patch", base, {"name": "Acme 2"}, False),
        ("post", base + "invite-link/", None, False),
        ("delete", base + "invite-link/", None, False),
        ("get", base + "domains/", None, False),
        ("post", base + "domains/", {"domain": "acme2.example"}, False),
        ("delete", base + f"domains/{domain}/", None, False),
        ("get", base + "departments/", None, True),
        ("post", base + "departments/", {"name": "Legal"}, False),
        ("patch", base + f"departments/{dept}/", {"name": "Revenue"}, False),
        ("get", base + "levels/", None, True),
        ("post", base + "levels/", {"code": "M1"}, False),
        ("patch", base + f"levels/{level}/", {"name": "Two"}, False),
        ("get", base + "members/", None, False),
        ("get", base + f"members/{member}/", None, False),
        ("patch", base + f"members/{member}/", {"title": "Lead"}, False),
        ("get", base + "invitations/", None, False),
        ("post", base + f"invitations/{invitation}/revoke/", None, False),
    ]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_admin", "member", "admin", "staff"])
def test_every_endpoint_answers_each_persona_as_it_should(acme, persona, who, internal_mentor):
    client = _api(persona(who))
    for method, url, body, members_may in _endpoints(acme):
        response = getattr(client, method)(url, body, format="json")
        expected = {"anonymous": {401}, "outsider": {404}, "other_admin": {404},
                    "member": {200} if members_may else {403},
                    "admin": {200, 201, 204}, "staff": {200, 201, 204}}[who]
        assert response.status_code in expected, (who, method, url, response.status_code, response.content[:300])
        if response.status_code >= 400:
            assert response.json()["code"] in {"not_authenticated", "not_found", "permission_denied"}


def test_my_organisations_lists_active_memberships_only(acme, other_org, member):
    MembershipFactory(organisation=other_org, user=member, is_active=False)
    [row] = _api(member).get("/api/v1/orgs/").json()
    assert row["organisation"]["slug"] == "acme" and row["organisation"]["url"] == "/orgs/acme/"
    assert row["membership"] == {"role": "member", "department": "Finance", "level": "IC1", "title": "Analyst"}
    assert _api(UserFactory()).get("/api/v1/orgs/").json() == []


def test_detail_shows_the_invite_link_to_admins_only(acme, org_admin, member):
    _api(org_admin).post(f"/api/v1/orgs/{acme.slug}/invite-link/")
    acme.refresh_from_db()
    assert acme.invite_token in _api(org_admin).get(f"/api/v1/orgs/{acme.slug}/").json()["invite_url"]
    body = _api(member).get(f"/api/v1/orgs/{acme.slug}/").json()
    assert body["invite_url"] is None and body["is_admin"] is False
    assert [d["name"] for d in body["departments"]] == ["Engineering", "Finance", "Sales"]
    assert [lv["code"] for lv in body["levels"]] == ["IC1", "IC2", "IC3", "IC4"]


def test_admin_edits_structure_and_in_use_is_a_409(acme, org_admin, member):
    client = _api(org_admin)
    base = f"/api/v1/orgs/{acme.slug}/"
    finance = acme.depts["Finance"].pk
    refused = client.delete(base + f"departments/{finance}/")
    assert refused.status_code == 409 and refused.json()["code"] == "in_use"
    assert client.post(base + "departments/", {"name": "engineering"}, format="json").json()["code"] == "already_exists"
    unused = acme.depts["Sales"].pk
    assert client.delete(base + f"departments/{unused}/").status_code == 204
    ids = list(Level.objects.filter(organisation=acme).order_by("-rank").values_list("pk", flat=True))
    ordered = client.put(base + "levels/order/", {"levels": ids}, format="json").json()
    assert [lv["code"] for lv in ordered] == ["IC4", "IC3", "IC2", "IC1"]
    assert client.put(base + "levels/order/", {"levels": ids[:2]}, format="json").status_code == 400
    assert client.delete(base + f"levels/{acme.ladder['IC1'].pk}/").json()["code"] == "in_use"


def test_admin_changes_a_member_and_cannot_use_another_organisations_department(acme, other_org, org_admin, member):
    client = _api(org_admin)
    membership = Membership.objects.get(user=member)
    url = f"/api/v1/orgs/{acme.slug}/members/{membership.pk}/"
    body = client.patch(url, {"role": "admin", "department": acme.depts["Sales"].pk, "title": "Lead"}, format="json").json()
    assert (body["role"], body["department"]["name"], body["title"]) == ("admin", "Sales", "Lead")
    foreign = Department.objects.create(organisation=other_org, name="Theirs", slug="theirs")
    refused = client.patch(url, {"department": foreign.pk}, format="json")
    assert refused.status_code == 400 and "department" in refused.json()["errors"]
    me = Membership.objects.get(user=org_admin)
    client.patch(url, {"role": "member"}, format="json")
    last = client.patch(f"/api/v1/orgs/{acme.slug}/members/{me.pk}/", {"role": "member"}, format="json")
    assert last.status_code == 409 and last.json()["code"] == "last_admin"


def test_members_list_filters_and_keeps_its_query_count(acme, org_admin, member):
    client = _api(org_admin)
    url = f"/api/v1/orgs/{acme.slug}/members/"
    names = [m["name"] for m in client.get(url, {"department": acme.depts["Finance"].pk}).json()["results"]]
    assert names == ["Mo Member"]
    assert client.get(url, {"department": 999999}).json()["code"] == "invalid"
    assert client.get(url, {"active": "maybe"}).status_code == 400

    def count(extra):
        for _ in range(extra):
            MembershipFactory(organisation=acme, user=UserFactory(), department=acme.depts["Sales"],
                              level=acme.ladder["IC2"])
        client.force_authenticate(type(org_admin).objects.get(pk=org_admin.pk))  # nothing memoised on the user
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"q": "", "active": "all"}).status_code == 200
        return len(ctx.captured_queries)

    few = count(3)
    assert few == count(30) == 5  # organisation, visible memberships, admin check, count, page


def test_inviting_over_the_api_mails_the_link(acme, org_admin, member):
    response = _api(org_admin).post(f"/api/v1/orgs/{acme.slug}/invitations/", {"email": "zed@acme.example"},
                                    format="json")
    assert response.status_code == 201 and response.json()["state"] == "pending"
    notifications_dispatch_due()
    [message] = mail.outbox
    assert message.to == ["zed@acme.example"] and "/invitations/" in message.body
    again = _api(org_admin).post(f"/api/v1/orgs/{acme.slug}/invitations/",
                                 {"email": "mo@acme.example"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_member"


def test_only_staff_verify_domains(acme, org_admin, staff):
    domain = OrganisationDomain.objects.create(organisation=acme, domain="acme.example")
    url = f"/api/v1/orgs/{acme.slug}/domains/{domain.pk}/verify/"
    assert _api(org_admin).post(url).status_code == 403
    assert _api(staff).post(url).json()["verified_at"] is not None
