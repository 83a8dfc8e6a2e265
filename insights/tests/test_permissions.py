"""Who may see insights: organisation admins of that organisation and staff. Every other signed-in
person gets 404 (member, the program's own mentor, an admin of another organisation, a stranger);
a visitor who is not signed in is sent to sign in (page) or gets 401 (API), for every address alike."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from insights.tests.support import member
from orgs.models import Membership
from tests.factories import EnrollmentFactory, ProgramFactory, UserFactory, org_with_ladder

pytestmark = pytest.mark.django_db

PAGES = ["/orgs/acme/insights/", "/orgs/acme/programs/mentoring/insights/",
         "/orgs/acme/insights.csv", "/orgs/acme/programs/mentoring/insights.csv"]
API = ["/api/v1/orgs/acme/insights/", "/api/v1/orgs/acme/programs/mentoring/insights/"]


@pytest.fixture
def people():
    org, depts, ladder = org_with_ladder(name="Acme")
    program = ProgramFactory(organisation=org, name="Mentoring", slug="mentoring")
    other, _, _ = org_with_ladder(name="Globex")
    mentor = member(org, email="mentor@acme.test", department=depts["Finance"])
    EnrollmentFactory(program=program, user=mentor, side="mentor")
    return {
        "non-member": UserFactory(email="outsider@example.com"),
        "member": member(org, email="member@acme.test"),
        "mentor in the program": mentor,
        "admin of another organisation": member(other, email="boss@globex.test", role=Membership.Role.ADMIN),
        "organisation admin": member(org, email="boss@acme.test", role=Membership.Role.ADMIN),
        "staff": UserFactory(email="staff@example.com", is_staff=True),
    }


ALLOWED = {"organisation admin", "staff"}


@pytest.mark.parametrize("who", ["non-member", "member", "mentor in the program", "admin of another organisation",
                                 "organisation admin", "staff"])
def test_pages_and_csv_answer_admins_and_staff_only(people, who):
    client = Client()
    client.force_login(people[who])
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == (200 if who in ALLOWED else 404), (who, url)
        if url.endswith(".csv") and who in ALLOWED:
            assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("who", ["non-member", "member", "mentor in the program", "admin of another organisation",
                                 "organisation admin", "staff"])
def test_api_answers_admins_and_staff_only(people, who):
    client = APIClient()
    client.force_authenticate(people[who])
    for url in API:
        response = client.get(url)
        assert response.status_code == (200 if who in ALLOWED else 404), (who, url)
        if who not in ALLOWED:
            assert response.json()["code"] == "not_found"


def test_anonymous_visitors_are_sent_to_sign_in_whatever_the_address(people):
    for url in [*PAGES, "/orgs/no-such-org/insights/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url in [*API, "/api/v1/orgs/no-such-org/insights/"]:
        assert APIClient().get(url).status_code == 401


def test_an_unknown_program_or_organisation_is_404_for_an_admin(people):
    client = Client()
    client.force_login(people["organisation admin"])
    assert client.get("/orgs/acme/programs/nope/insights/").status_code == 404
    assert client.get("/orgs/globex/insights/").status_code == 404
    staff = APIClient()
    staff.force_authenticate(people["staff"])
    assert staff.get("/api/v1/orgs/nope/insights/").status_code == 404


def test_a_deactivated_admin_sees_nothing(people):
    Membership.objects.filter(user=people["organisation admin"]).update(is_active=False)
    client = Client()
    client.force_login(people["organisation admin"])
    assert client.get(PAGES[0]).status_code == 404


def test_another_organisations_program_is_not_reachable_through_this_one(people):
    from orgs.models import Organisation

    ProgramFactory(organisation=Organisation.objects.get(slug="globex"), name="Secret", slug="secret")
    client = Client()
    client.force_login(people["organisation admin"])
    assert client.get("/orgs/acme/programs/secret/insights/").status_code == 404
