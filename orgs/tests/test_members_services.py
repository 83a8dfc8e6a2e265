"""orgs.services.members and the mentor's visibility choice, called directly."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.errors import AccountError
from orgs.errors import OrgError
from orgs.models import Invitation, Level, Membership
from orgs.services import members as services
from tests.factories import MembershipFactory, MentorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_levels_reorder_sets_ranks_one_to_n_and_refuses_a_partial_list(acme):
    ids = [acme.ladder[c].pk for c in ("IC2", "IC1", "IC4", "IC3")]
    services.levels_reorder(organisation=acme, level_ids=ids)
    assert list(Level.objects.filter(organisation=acme).order_by("rank").values_list("code", "rank")) == [
        ("IC2", 1), ("IC1", 2), ("IC4", 3), ("IC3", 4)]
    with pytest.raises(OrgError):
        services.levels_reorder(organisation=acme, level_ids=ids[:3])
    with pytest.raises(OrgError):
        services.levels_reorder(organisation=acme, level_ids=[*ids[:3], ids[0]])


def test_membership_update_refuses_another_organisations_level(acme, other_org, member):
    foreign = Level.objects.create(organisation=other_org, code="X9", rank=9)
    with pytest.raises(OrgError) as refused:
        services.membership_update(membership=Membership.objects.get(user=member), level=foreign)
    assert "level" in refused.value.field_errors


def test_the_last_admin_stays_an_admin_but_one_of_two_may_step_down(acme, org_admin, member):
    mine = Membership.objects.get(user=org_admin)
    with pytest.raises(OrgError) as refused:
        services.membership_update(membership=mine, role="member")
    assert refused.value.code == "last_admin"
    services.membership_update(membership=Membership.objects.get(user=member), role="admin")
    services.membership_update(membership=mine, role="member")
    assert Membership.objects.get(user=org_admin).role == "member"


def test_only_staff_verify_a_domain(acme, org_admin, staff):
    domain = services.domain_add(organisation=acme, domain="ACME.example")
    with pytest.raises(OrgError):
        services.domain_verify(domain=domain, actor=org_admin)
    assert services.domain_verify(domain=domain, actor=staff).verified_at is not None
    with pytest.raises(OrgError) as taken:
        services.domain_add(organisation=acme, domain="acme.example")
    assert taken.value.code == "already_exists"


def test_an_invitation_is_accepted_by_the_address_it_was_sent_to_once(acme, org_admin, outsider):
    invitation, token = services.invitation_create(organisation=acme, email="Olga@Outside.example", invited_by=org_admin)
    assert Invitation.objects.get().token_hash == services.token_hash(token)
    stranger = UserFactory(email="nobody@else.example")
    with pytest.raises(OrgError) as wrong:
        services.invitation_accept(invitation=invitation, user=stranger)
    assert wrong.value.code == "wrong_address" and wrong.value.status == 403
    membership = services.invitation_accept(invitation=invitation, user=outsider)
    assert membership.is_active and services.invitation_accept(invitation=invitation, user=outsider) == membership
    with pytest.raises(OrgError) as used:
        services.invitation_accept(invitation=invitation, user=UserFactory(email="later@else.example"))
    assert used.value.code == "invitation_used"


def test_a_program_invitation_also_enrols_on_its_side(acme, org_admin, outsider):
    from orgs.models import ProgramEnrollment
    from tests.factories import ProgramFactory

    program = ProgramFactory(organisation=acme)
    invitation, _ = services.invitation_create(organisation=acme, email=outsider.email, invited_by=org_admin,
                                               program=program, program_role="mentor")
    services.invitation_accept(invitation=invitation, user=outsider)
    assert ProgramEnrollment.objects.get(program=program, user=outsider).side == "mentor"


def test_a_mentor_chooses_internal_only_as_a_member_of_an_organisation(acme):
    mentor = MentorFactory(email="mia@acme.example")
    with pytest.raises(AccountError) as refused:
        account_services.mentor_profile_update(user=mentor, visibility="internal")
    assert "visibility" in refused.value.field_errors
    MembershipFactory(organisation=acme, user=mentor)
    mentor = type(mentor).objects.get(pk=mentor.pk)
    assert account_services.mentor_profile_update(user=mentor, visibility="internal").visibility == "internal"


def test_the_profile_page_offers_the_choice_only_to_members(acme):
    lone = MentorFactory(email="lone@example.com")
    member = MentorFactory(email="mia@acme.example")
    MembershipFactory(organisation=acme, user=member)
    for user, offered in ((lone, False), (member, True)):
        client = Client()
        client.force_login(user)
        page = client.get("/me/mentor-profile/").content.decode()
        assert ('name="visibility"' in page) is offered


def test_the_profile_api_takes_the_visibility_and_refuses_it_outside_an_organisation(acme):
    lone = MentorFactory(email="lone@example.com")
    client = APIClient()
    client.force_authenticate(lone)
    refused = client.patch("/api/v1/me/mentor-profile/", {"visibility": "internal"}, format="json")
    assert refused.status_code == 400 and "visibility" in refused.json()["errors"]
    MembershipFactory(organisation=acme, user=lone)
    client.force_authenticate(type(lone).objects.get(pk=lone.pk))
    body = client.patch("/api/v1/me/mentor-profile/", {"visibility": "internal"}, format="json").json()
    assert body["visibility"] == "internal"
