"""The directory sync page (upload -> preview -> confirm) and POST /api/v1/orgs/<slug>/sync/:
who may use them (organisation admins of that organisation and staff; everyone else 404) and
that they plan and apply exactly what the command does."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from orgs.models import Membership
from orgs.tests.conftest import csv_file
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgramFactory,
    UserFactory,
)
from tests.test_form_accessibility import check_form_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acme_domain")]

GOOD = csv_file("ana@acme.test,Ana Lopez,Engineering,IC3,,,,E1,true",
                "bo@acme.test,Bo Chen,Finance,IC1,,,ana@acme.test,E2,true")
ONE_ERROR = csv_file("ana@acme.test,Ana Lopez,Engineering,IC3,,,,E1,true",
                     "bo@acme.test,Bo Chen,Marketing,IC1,,,ana@acme.test,E2,true")


@pytest.fixture
def persona(acme, org_admin, staff):
    """Every kind of visitor the matrix checks, by name (None: anonymous)."""
    member = UserFactory(email="mo@acme.test")
    MembershipFactory(organisation=acme, user=member)
    program_mentor = UserFactory(email="pm@acme.test")
    MembershipFactory(organisation=acme, user=program_mentor)
    EnrollmentFactory(program=ProgramFactory(organisation=acme), user=program_mentor, side="mentor")
    other_admin = UserFactory(email="gus@globex.test")
    MembershipFactory(organisation=OrganisationFactory(name="Globex"), user=other_admin, role="admin")
    return {"anonymous": None, "non-member": UserFactory(email="nina@example.com"), "member": member,
            "program mentor": program_mentor, "admin of another organisation": other_admin,
            "organisation admin": org_admin, "staff": staff}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _upload(client: Client, content: bytes, *, name: str = "people.csv", **extra):
    return client.post(reverse("orgs:sync", args=["acme"]),
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **extra})


def _apply_data(response) -> dict:
    form = response.context["apply_form"]
    return {name: form[name].value() for name in form.fields}


ALLOWED = {"organisation admin", "staff"}
NOT_FOUND = {"non-member", "member", "program mentor", "admin of another organisation"}


@pytest.mark.parametrize("who", ["anonymous", *sorted(NOT_FOUND), *sorted(ALLOWED)])
def test_page_permissions(persona, who):
    client = _client(persona[who])
    page = client.get(reverse("orgs:sync", args=["acme"]))
    upload = _upload(client, GOOD)
    apply = client.post(reverse("orgs:sync_apply", args=["acme"]), {})
    if who == "anonymous":
        assert page.status_code == upload.status_code == apply.status_code == 302
        assert page["Location"].startswith(reverse("account_login"))
    elif who in NOT_FOUND:
        assert page.status_code == upload.status_code == apply.status_code == 404
    else:
        assert page.status_code == upload.status_code == 200
        assert apply.status_code == 302  # an empty confirmation goes back to the page
    assert not Membership.objects.filter(user__email="ana@acme.test").exists()


@pytest.mark.parametrize("who", ["anonymous", *sorted(NOT_FOUND), *sorted(ALLOWED)])
def test_api_permissions(persona, who):
    client = APIClient()
    if persona[who] is not None:
        client.force_authenticate(persona[who])
    response = client.post("/api/v1/orgs/acme/sync/", {"file": SimpleUploadedFile("p.csv", GOOD)}, format="multipart")
    expected = {"anonymous": 401, **dict.fromkeys(NOT_FOUND, 404), **dict.fromkeys(ALLOWED, 200)}[who]
    assert response.status_code == expected, response.content
    assert Membership.objects.filter(user__email="ana@acme.test").exists() == (who in ALLOWED)


def test_an_unknown_organisation_is_404_even_for_staff(staff):
    assert _client(staff).get(reverse("orgs:sync", args=["nope"])).status_code == 404


def test_the_upload_form_is_labelled_and_its_errors_announced(org_admin):
    client = _client(org_admin)
    shown = client.get(reverse("orgs:sync", args=["acme"]))
    assert "file" in check_form_page(shown.content.decode(), refused=False)
    refused = client.post(reverse("orgs:sync", args=["acme"]), {"format": "xml"})
    assert refused.status_code == 400
    check_form_page(refused.content.decode(), refused=True)


def test_the_preview_lists_problems_by_line_and_field_and_writes_nothing(org_admin):
    response = _upload(_client(org_admin), ONE_ERROR)
    assert response.status_code == 200 and response.context["apply_form"] is None
    html = response.content.decode()
    assert "The file has 1 problem" in html and "line 3" in html and "department" in html
    assert "“Marketing” is not a department of Acme" in html
    assert not User.objects.filter(email="ana@acme.test").exists()


def test_preview_then_apply(org_admin, acme, settings):
    client = _client(org_admin)
    preview = _upload(client, GOOD)
    html = preview.content.decode()
    assert "Preview: nothing is changed until you apply" in html
    assert "ana@acme.test" in html and "new account" in html
    assert not User.objects.filter(email="ana@acme.test").exists()
    data = _apply_data(preview)
    assert data["upload"] == hashlib.sha256(GOOD).hexdigest()
    kept = settings.ORGS_SYNC_UPLOAD_ROOT / str(acme.pk) / data["upload"]
    assert kept.read_bytes() == GOOD

    applied = client.post(reverse("orgs:sync_apply", args=["acme"]), data, follow=True)
    assert "Applied. Acme: 2 row(s) read, 2 created (2 new account(s))" in applied.content.decode()
    assert Membership.objects.get(user__email="bo@acme.test").manager.user.email == "ana@acme.test"
    assert not kept.exists()
    # Confirming the same preview again: the file is gone; nothing happens twice.
    again = client.post(reverse("orgs:sync_apply", args=["acme"]), data, follow=True)
    assert "no longer here" in again.content.decode()


def test_the_applied_file_is_the_kept_one_checked_by_its_hash(org_admin, acme, settings):
    client = _client(org_admin)
    data = _apply_data(_upload(client, GOOD))
    kept = settings.ORGS_SYNC_UPLOAD_ROOT / str(acme.pk) / data["upload"]
    kept.write_bytes(ONE_ERROR)  # altered on the server after the preview
    response = client.post(reverse("orgs:sync_apply", args=["acme"]), data, follow=True)
    assert "no longer here" in response.content.decode()
    assert not Membership.objects.filter(user__email="ana@acme.test").exists()


def test_a_preview_that_no_longer_matches_the_directory_is_shown_again(org_admin, acme):
    client = _client(org_admin)
    data = _apply_data(_upload(client, GOOD))
    MembershipFactory(organisation=acme, user=UserFactory(email="ana@acme.test"), title="Intern")
    response = client.post(reverse("orgs:sync_apply", args=["acme"]), data)
    assert response.status_code == 409
    assert "The directory changed since the preview" in response.content.decode()
    assert Membership.objects.filter(organisation=acme).count() == 2  # the admin and Ana, untouched
    fresh = _apply_data(response)
    assert fresh["plan"] != data["plan"]
    client.post(reverse("orgs:sync_apply", args=["acme"]), fresh)
    assert Membership.objects.get(user__email="ana@acme.test").title == ""


def test_one_admin_cannot_apply_a_preview_to_another_organisation(org_admin, acme):
    data = _apply_data(_upload(_client(org_admin), GOOD))
    other_admin = UserFactory(email="gus@globex.test")
    MembershipFactory(organisation=OrganisationFactory(name="Globex"), user=other_admin, role="admin")
    response = _client(other_admin).post(reverse("orgs:sync_apply", args=["globex"]), data, follow=True)
    assert "no longer here" in response.content.decode()
    assert not Membership.objects.filter(user__email="ana@acme.test").exists()


def test_an_admin_cannot_deactivate_themselves(org_admin):
    response = _upload(_client(org_admin), csv_file(f"{org_admin.email},false", header="email,active"))
    assert "You cannot deactivate yourself" in response.content.decode()


def test_api_dry_run_writes_nothing_and_returns_the_plan(org_admin):
    client = APIClient()
    client.force_authenticate(org_admin)
    response = client.post("/api/v1/orgs/acme/sync/", {"file": SimpleUploadedFile("p.csv", GOOD), "dry_run": "true"},
                           format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["applied"] is False
    assert body["counts"]["create"] == 2 and body["counts"]["new_accounts"] == 2
    assert body["changes"][1] == {"kind": "create", "email": "bo@acme.test", "name": "Bo Chen", "where": "line 3",
                                  "reason": "", "account": "new account",
                                  "details": ["department Finance", "level IC1", "employee id “E2”",
                                              "manager ana@acme.test"]}
    assert not User.objects.filter(email="ana@acme.test").exists()


def test_api_applies_and_is_idempotent(org_admin):
    client = APIClient()
    client.force_authenticate(org_admin)
    first = client.post("/api/v1/orgs/acme/sync/", {"file": SimpleUploadedFile("p.csv", GOOD)}, format="multipart")
    assert first.json()["applied"] is True and first.json()["counts"]["create"] == 2
    again = client.post("/api/v1/orgs/acme/sync/", {"file": SimpleUploadedFile("p.csv", GOOD)}, format="multipart")
    assert again.json()["counts"]["unchanged"] == 2 and again.json()["changes"] == []


def test_api_problems_are_a_400_listing_each_by_line_and_field(org_admin):
    client = APIClient()
    client.force_authenticate(org_admin)
    response = client.post("/api/v1/orgs/acme/sync/", {"file": SimpleUploadedFile("p.csv", ONE_ERROR)},
                           format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "sync_invalid"
    assert body["problems"] == [{"where": "line 3", "field": "department",
                                 "message": "“Marketing” is not a department of Acme (known: Engineering, Finance, "
                                            "Sales)."}]
    assert body["errors"]["file"] == ["line 3, department: “Marketing” is not a department of Acme (known: "
                                      "Engineering, Finance, Sales)."]
    assert not User.objects.filter(email="ana@acme.test").exists()


def test_api_without_a_file_is_a_400(org_admin):
    client = APIClient()
    client.force_authenticate(org_admin)
    response = client.post("/api/v1/orgs/acme/sync/", {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
