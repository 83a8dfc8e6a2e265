"""The organisation pages: who may open them, what they show, and what the admin forms do."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.models import Department, Invitation, Level, Membership, OrganisationDomain
from tests.factories import MembershipFactory, UserFactory
from tests.test_form_accessibility import check_form_page

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pages(acme) -> dict[str, str]:
    slug = acme.slug
    return {
        "home": reverse("orgs:home", args=[slug]),
        "settings": reverse("orgs:admin_settings", args=[slug]),
        "structure": reverse("orgs:admin_structure", args=[slug]),
        "members": reverse("orgs:admin_members", args=[slug]),
        "invitations": reverse("orgs:admin_invitations", args=[slug]),
    }


# anonymous: sign in first; strangers (outsider, another organisation's admin): 404; a member sees the
# home page and gets 403 on admin pages; the admin and staff see everything.
EXPECTED = {
    "anonymous": {"home": 302, "settings": 302, "structure": 302, "members": 302, "invitations": 302},
    "outsider": {"home": 404, "settings": 404, "structure": 404, "members": 404, "invitations": 404},
    "other_admin": {"home": 404, "settings": 404, "structure": 404, "members": 404, "invitations": 404},
    "member": {"home": 200, "settings": 403, "structure": 403, "members": 403, "invitations": 403},
    "admin": {"home": 200, "settings": 200, "structure": 200, "members": 200, "invitations": 200},
    "staff": {"home": 200, "settings": 200, "structure": 200, "members": 200, "invitations": 200},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_open_each_organisation_page(acme, persona, who):
    client = _client(persona(who))
    for name, url in _pages(acme).items():
        response = client.get(url)
        assert response.status_code == EXPECTED[who][name], (who, name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who, status", [("outsider", 404), ("other_admin", 404), ("member", 403)])
def test_admin_writes_are_refused_to_non_admins(acme, persona, who, status):
    client = _client(persona(who))
    department = acme.depts["Sales"]
    level = acme.ladder["IC2"]
    writes = [
        (reverse("orgs:admin_settings", args=[acme.slug]), {"name": "Hijacked", "timezone": "UTC", "join_policy": "domain"}),
        (reverse("orgs:admin_invite_link", args=[acme.slug]), {"action": "rotate"}),
        (reverse("orgs:admin_domain_add", args=[acme.slug]), {"domain": "evil.example"}),
        (reverse("orgs:admin_department_add", args=[acme.slug]), {"department-name": "Evil"}),
        (reverse("orgs:admin_department_delete", args=[acme.slug, department.pk]), {}),
        (reverse("orgs:admin_level_delete", args=[acme.slug, level.pk]), {}),
        (reverse("orgs:admin_invitations", args=[acme.slug]), {"email": "x@evil.example", "role": "admin"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == status, url
    acme.refresh_from_db()
    assert acme.name == "Acme" and acme.invite_token is None
    assert not OrganisationDomain.objects.exists() and not Invitation.objects.exists()
    assert Department.objects.filter(pk=department.pk).exists() and Level.objects.filter(pk=level.pk).exists()


def test_member_home_shows_membership_colleague_mentors_and_the_programs_block(acme, member, internal_mentor):
    page = _client(member).get(reverse("orgs:home", args=[acme.slug])).content.decode()
    assert "<h1>Acme</h1>" in page
    assert 'id="my-membership">You are a member, Analyst, Finance (IC1).' in page
    assert "Iris Internal" in page and ">Internal</span>" in page
    assert 'id="programs-heading"' in page  # the block the programs area fills
    assert 'id="org-admin"' not in page  # admin links are for admins


def test_admin_home_links_every_admin_page(acme, org_admin):
    page = _client(org_admin).get(reverse("orgs:home", args=[acme.slug])).content.decode()
    for name, url in _pages(acme).items():
        if name != "home":
            assert f'href="{url}' in page, name
    for url in (reverse("orgs:program_create", args=[acme.slug]), reverse("orgs:sync", args=[acme.slug]),
                reverse("insights:orgs-insights", args=[acme.slug])):
        assert f'href="{url}"' in page, url


def test_home_lists_the_programs_a_person_may_see_with_insights_for_admins(acme, member, org_admin):
    from tests.factories import ProgramFactory

    ProgramFactory(organisation=acme, name="Cross-team", slug="cross-team")
    ProgramFactory(organisation=acme, name="Secret draft", slug="draft", status="draft")
    insights = reverse("insights:program-insights", args=[acme.slug, "cross-team"])
    page = _client(member).get(reverse("orgs:home", args=[acme.slug])).content.decode()
    assert f'href="{reverse("orgs:program_detail", args=[acme.slug, "cross-team"])}"' in page
    assert "Secret draft" not in page and insights not in page
    page = _client(org_admin).get(reverse("orgs:home", args=[acme.slug])).content.decode()
    assert "Secret draft" in page and f'href="{insights}"' in page


def test_navigation_names_the_members_organisations(acme, member, outsider):
    page = _client(member).get(reverse("accounts:me")).content.decode()
    assert f'<a href="{reverse("orgs:home", args=[acme.slug])}">Acme</a>' in page
    assert "orgs/acme/" not in _client(outsider).get(reverse("accounts:me")).content.decode()


def test_navigation_entry_comes_from_the_cache_and_follows_membership_changes(acme, outsider, django_assert_num_queries):
    client = _client(outsider)
    client.get(reverse("accounts:me"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("accounts:me"))
    assert not any("orgs_membership" in q["sql"] for q in warm.captured_queries)
    from orgs.selectors_members import nav_organisations_forget
    from orgs.services.members import membership_join_by_link

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        membership_join_by_link(organisation=acme, user=outsider)
        nav_organisations_forget(user_ids=[outsider.pk])
    assert ">Acme</a>" in client.get(reverse("accounts:me")).content.decode()


# --- settings, link, domains -------------------------------------------------------------------------

def test_admin_changes_settings_and_a_wrong_zone_is_refused(acme, org_admin):
    client = _client(org_admin)
    url = reverse("orgs:admin_settings", args=[acme.slug])
    bad = client.post(url, {"name": "Acme Corp", "timezone": "Mars/Olympus", "join_policy": "domain"})
    assert bad.status_code == 400
    check_form_page(bad.content.decode(), refused=True)
    assert client.post(url, {"name": "Acme Corp", "timezone": "America/New_York", "join_policy": "domain"}).status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.timezone, acme.join_policy) == ("Acme Corp", "America/New_York", "domain")


def test_settings_page_is_labelled(acme, org_admin):
    check_form_page(_client(org_admin).get(reverse("orgs:admin_settings", args=[acme.slug])).content.decode(),
                    refused=False)


def test_invite_link_is_created_rotated_and_switched_off(acme, org_admin):
    client = _client(org_admin)
    url = reverse("orgs:admin_invite_link", args=[acme.slug])
    client.post(url, {"action": "rotate"})
    acme.refresh_from_db()
    first = acme.invite_token
    assert first and first in client.get(reverse("orgs:admin_settings", args=[acme.slug])).content.decode()
    client.post(url, {"action": "rotate"})
    acme.refresh_from_db()
    assert acme.invite_token not in (None, first)
    assert Client().get(reverse("orgs:join", args=[first])).status_code == 404
    client.post(url, {"action": "disable"})
    acme.refresh_from_db()
    assert acme.invite_token is None


def test_domains_are_added_by_admins_and_verified_by_staff_only(acme, org_admin, staff):
    client = _client(org_admin)
    assert client.post(reverse("orgs:admin_domain_add", args=[acme.slug]), {"domain": "@Acme.Example"}).status_code == 302
    domain = OrganisationDomain.objects.get()
    assert domain.domain == "acme.example" and domain.verified_at is None
    bad = client.post(reverse("orgs:admin_domain_add", args=[acme.slug]), {"domain": "not a domain"})
    assert bad.status_code == 400 and "Enter a domain" in bad.content.decode()
    verify = reverse("orgs:admin_domain_verify", args=[acme.slug, domain.pk])
    assert client.post(verify).status_code == 403
    assert _client(staff).post(verify).status_code == 302
    domain.refresh_from_db()
    assert domain.verified_at is not None


# --- departments and levels ----------------------------------------------------------------------------

def test_departments_are_added_renamed_and_deleted_only_when_unused(acme, org_admin, member):
    client = _client(org_admin)
    slug = acme.slug
    assert client.post(reverse("orgs:admin_department_add", args=[slug]), {"department-name": "Legal"}).status_code == 302
    legal = Department.objects.get(organisation=acme, name="Legal")
    client.post(reverse("orgs:admin_department_rename", args=[slug, legal.pk]), {f"department-{legal.pk}-name": "Law"})
    legal.refresh_from_db()
    assert legal.name == "Law"
    duplicate = client.post(reverse("orgs:admin_department_add", args=[slug]), {"department-name": "law"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.content.decode()
    finance = acme.depts["Finance"]  # the member's department
    page = client.post(reverse("orgs:admin_department_delete", args=[slug, finance.pk]), follow=True).content.decode()
    assert "still in use" in page and Department.objects.filter(pk=finance.pk).exists()
    client.post(reverse("orgs:admin_department_delete", args=[slug, legal.pk]))
    assert not Department.objects.filter(pk=legal.pk).exists()


def test_levels_are_added_on_top_and_reordered(acme, org_admin):
    client = _client(org_admin)
    slug = acme.slug
    client.post(reverse("orgs:admin_level_add", args=[slug]), {"level-code": "M1", "level-name": "Manager"})
    m1 = Level.objects.get(organisation=acme, code="M1")
    assert m1.rank == 5
    client.post(reverse("orgs:admin_level_move", args=[slug, m1.pk]), {"direction": "down"})
    assert list(Level.objects.filter(organisation=acme).order_by("rank").values_list("code", flat=True)) == [
        "IC1", "IC2", "IC3", "M1", "IC4"]
    page = client.get(reverse("orgs:admin_structure", args=[slug])).content.decode()
    check_form_page(page, refused=False)
    assert page.index("IC3") < page.index("M1") < page.index("IC4")


# --- members ---------------------------------------------------------------------------------------------

def test_member_list_searches_filters_and_pins_its_query_count(acme, org_admin, member, django_assert_num_queries):
    client = _client(org_admin)
    url = reverse("orgs:admin_members", args=[acme.slug])
    assert "Mo Member" in client.get(url, {"q": "analyst"}).content.decode()
    assert "Mo Member" not in client.get(url, {"department": "engineering"}).content.decode()
    assert "Mo Member" in client.get(url, {"level": acme.ladder["IC1"].pk}).content.decode()

    def count(extra: int) -> int:
        for _ in range(extra):
            MembershipFactory(organisation=acme, user=UserFactory(), department=acme.depts["Sales"])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"department": "sales"}).status_code == 200
        return len(ctx.captured_queries)

    few = count(2)
    assert count(40) == few  # a second page exists now; still the same statements
    # session, user, organisation, the viewer's memberships (visible, admin), the department filter's
    # lookup, count, page, the filter selects' options (department, level), the nav's two permission reads
    assert few == 12
    departed = MembershipFactory(organisation=acme, user=UserFactory(name="Dee Parted"), is_active=False)
    assert "Dee Parted" not in client.get(url).content.decode()
    assert "Dee Parted" in client.get(url, {"active": "no"}).content.decode()
    assert departed.pk


def test_admin_changes_a_members_role_and_hr_fields(acme, org_admin, member):
    client = _client(org_admin)
    membership = Membership.objects.get(user=member)
    url = reverse("orgs:admin_member", args=[acme.slug, membership.pk])
    check_form_page(client.get(url).content.decode(), refused=False)
    response = client.post(url, {"role": "admin", "department": acme.depts["Sales"].pk, "level": acme.ladder["IC2"].pk,
                                 "title": "Senior analyst"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.department.name, membership.level.code, membership.title) == (
        "admin", "Sales", "IC2", "Senior analyst")


def test_the_last_admin_cannot_demote_themselves(acme, org_admin):
    client = _client(org_admin)
    membership = Membership.objects.get(user=org_admin)
    response = client.post(reverse("orgs:admin_member", args=[acme.slug, membership.pk]), {"role": "member"})
    assert response.status_code == 400 and "someone else an admin" in response.content.decode()
    check_form_page(response.content.decode(), refused=True)


def test_a_member_of_another_organisation_is_not_found_from_this_one(acme, other_org, org_admin, other_admin):
    theirs = Membership.objects.get(user=other_admin)
    assert _client(org_admin).get(reverse("orgs:admin_member", args=[acme.slug, theirs.pk])).status_code == 404


def test_invitations_page_refuses_a_bad_address_accessibly(acme, org_admin):
    response = _client(org_admin).post(reverse("orgs:admin_invitations", args=[acme.slug]), {"email": "nope", "role": "member"})
    assert response.status_code == 400
    check_form_page(response.content.decode(), refused=True)


def test_pages_answer_at_phone_width_without_inline_styles(acme, org_admin):
    client = _client(org_admin)
    for url in _pages(acme).values():
        html = client.get(url).content.decode()
        assert "style=" not in html and "<script>" not in html, url
        assert '<meta name="viewport"' in html


def test_cache_is_cleared_between_tests():
    assert cache.get("orgs:nav:v1:1") is None
