"""The three ways in: an email invitation (mail followed to the end), the invite link, and the
automatic join of a verified address on a verified company domain."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from orgs import token_guard
from orgs.mail import invitation_send
from orgs.models import Invitation, Membership, OrganisationDomain
from orgs.services.members import memberships_join_by_domain, token_hash
from sessions.models import Notification
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {"password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1", "name": "Nia New",
          "role": "mentee", "timezone": "Europe/Berlin"}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _mail_to(address: str):
    notifications_dispatch_due()
    [message] = [m for m in mail.outbox if address in m.to]
    return message


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _invite(acme, admin, email="nia@acme.example", role="member"):
    client = _signed_in(admin)
    response = client.post(reverse("orgs:admin_invitations", args=[acme.slug]), {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()[:500]
    message = _mail_to(email)
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    return message, link


# --- the invitation mail ---------------------------------------------------------------------------

def test_the_invitation_mail_has_text_and_html_with_the_same_absolute_link(acme, org_admin, settings):
    message, link = _invite(acme, org_admin)
    assert link.startswith(settings.SITE_URL + "/invitations/")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and f'href="{link}"' in html and 'data-email-layout="1"' in html
    assert "Ada Admin invites you to join Acme" in message.body and "\n-- \nMicro-mentorship, " in message.body
    assert message.subject == "You are invited to join Acme on Micro-mentorship"
    row = Notification.objects.get(kind="org_invitation")
    assert (row.to_email, row.state, row.booking_id) == ("nia@acme.example", "sent", None)


def test_the_token_is_stored_only_as_its_hash(acme, org_admin):
    _, link = _invite(acme, org_admin)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash


def test_a_new_person_follows_the_link_signs_up_and_lands_in_the_organisation(acme, org_admin):
    _, link = _invite(acme, org_admin)
    client = Client()
    page = client.get(_path(link))
    assert page.status_code == 200 and "Create your account" in page.content.decode()
    signup_url = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page.content.decode()).group(1)
    form = client.get(signup_url.replace("&amp;", "&")).content.decode()
    assert 'value="nia@acme.example"' in form  # the invited address, already filled in
    response = client.post(signup_url.replace("&amp;", "&"), {**SIGNUP, "email": "nia@acme.example"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:home", args=[acme.slug]), response.redirect_chain
    nia = User.objects.get(email="nia@acme.example")
    assert Membership.objects.get(organisation=acme, user=nia).role == "member"
    assert EmailAddress.objects.get(user=nia).verified  # the link proved the mailbox: no second mail
    assert not [m for m in mail.outbox if "nia@acme.example" in m.to and "confirm" in m.body.lower()]
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == nia and invitation.accepted_at is not None
    # Used: the same link now sends its owner home and tells anyone else it was used.
    assert client.get(_path(link)).status_code == 302
    closed = Client().get(_path(link))
    assert closed.status_code == 410 and "already used" in closed.content.decode()


def test_an_existing_user_accepts_as_admin_when_invited_as_one(acme, org_admin):
    colleague = UserFactory(email="cole@acme.example", name="Cole")
    _, link = _invite(acme, org_admin, email="cole@acme.example", role="admin")
    client = _signed_in(colleague)
    assert "Join Acme" in client.get(_path(link)).content.decode()
    assert client.post(_path(link)).status_code == 302
    assert Membership.objects.get(organisation=acme, user=colleague).role == "admin"


def test_someone_signed_in_with_another_address_cannot_accept(acme, org_admin, outsider):
    _, link = _invite(acme, org_admin)
    client = _signed_in(outsider)
    page = client.get(_path(link)).content.decode()
    assert "this invitation is for nia@acme.example" in page
    assert client.post(_path(link)).status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


def test_expired_revoked_and_wrong_links_each_get_a_clear_answer(acme, org_admin, frozen_now):
    _, link = _invite(acme, org_admin)
    invitation = Invitation.objects.get()
    frozen_now.move_to(invitation.expires_at + timedelta(minutes=1), tick=False)
    expired = Client().get(_path(link))
    assert expired.status_code == 410 and "This invitation has expired" in expired.content.decode()
    invitation.revoked_at = timezone.now()
    invitation.save()
    revoked = Client().get(_path(link))
    assert revoked.status_code == 410 and "withdrawn" in revoked.content.decode()
    assert Client().get("/invitations/not-a-real-token/").status_code == 404


def test_a_newer_invitation_to_the_same_address_withdraws_the_older_link(acme, org_admin):
    _, first = _invite(acme, org_admin)
    mail.outbox.clear()
    _, second = _invite(acme, org_admin)
    assert first != second
    assert Client().get(_path(first)).status_code == 410
    assert Client().get(_path(second)).status_code == 200


def test_admin_withdraws_an_invitation(acme, org_admin):
    _, link = _invite(acme, org_admin)
    invitation = Invitation.objects.get()
    _signed_in(org_admin).post(reverse("orgs:admin_invitation_revoke", args=[acme.slug, invitation.pk]))
    assert Client().get(_path(link)).status_code == 410


def test_inviting_a_current_member_is_refused(acme, org_admin, member):
    response = _signed_in(org_admin).post(reverse("orgs:admin_invitations", args=[acme.slug]),
                                          {"email": member.email.upper(), "role": "member"})
    assert response.status_code == 400 and "Already a member" in response.content.decode()


def test_guessing_tokens_is_limited_per_address(acme, org_admin):
    _, link = _invite(acme, org_admin)
    client = Client()
    for i in range(token_guard.WRONG_TOKENS_ALLOWED):
        assert client.get(f"/invitations/guess-{i}/").status_code == 404
    # Past the limit even a right link answers 429, so a hit cannot be told from a miss.
    assert client.get(_path(link)).status_code == 429
    assert client.get("/join/guess/").status_code == 429


# --- the invite link ---------------------------------------------------------------------------------

def test_the_invite_link_lets_a_signed_in_person_join_once(acme, outsider):
    token = acme.invite_token = "shared-link-token-1234567890"
    acme.save()
    anonymous = Client().get(f"/join/{token}/").content.decode()
    assert f"/accounts/signup/?next=/join/{token}/" in anonymous and "Create your account" in anonymous
    client = _signed_in(outsider)
    assert "Join Acme" in client.get(f"/join/{token}/").content.decode()
    assert client.post(f"/join/{token}/")["Location"] == reverse("orgs:home", args=[acme.slug])
    assert client.post(f"/join/{token}/")["Location"] == reverse("orgs:home", args=[acme.slug])
    assert Membership.objects.filter(organisation=acme, user=outsider, role="member").count() == 1
    assert client.get(reverse("orgs:home", args=[acme.slug])).status_code == 200


def test_a_switched_off_or_wrong_invite_link_is_a_404(acme, outsider):
    assert _signed_in(outsider).get("/join/whatever/").status_code == 404
    assert _signed_in(outsider).post("/join/whatever/").status_code == 404


def test_the_invite_link_does_not_revive_an_ended_membership(acme, outsider):
    acme.invite_token = "shared-link-token-1234567890"
    acme.save()
    MembershipFactory(organisation=acme, user=outsider, is_active=False, deactivated_at=timezone.now())
    client = _signed_in(outsider)
    assert "has ended" in client.get("/join/shared-link-token-1234567890/").content.decode()
    response = client.post("/join/shared-link-token-1234567890/")
    assert response.status_code == 409
    assert not Membership.objects.get(organisation=acme, user=outsider).is_active


# --- domain auto-join --------------------------------------------------------------------------------

@pytest.fixture
def domain_org(acme):
    acme.join_policy = "domain"
    acme.save()
    OrganisationDomain.objects.create(organisation=acme, domain="acme.example", verified_at=timezone.now())
    return acme


def test_signing_up_and_verifying_an_address_on_the_domain_joins(domain_org):
    client = Client()
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "Dana@ACME.example"})
    assert response.status_code == 302
    dana = User.objects.get(email="dana@acme.example")
    assert not Membership.objects.filter(user=dana).exists()  # not verified yet
    message = _mail_to("dana@acme.example")
    confirm = re.search(r"http://localhost:8000(/accounts/confirm-email/\S+)", message.body).group(1)
    assert client.post(confirm).status_code == 302
    assert Membership.objects.get(organisation=domain_org, user=dana).role == "member"


def test_domain_join_is_idempotent(domain_org):
    person = UserFactory(email="eve@acme.example")
    address = EmailAddress.objects.get(user=person)
    for _ in range(3):
        email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert Membership.objects.filter(organisation=domain_org, user=person).count() == 1
    assert memberships_join_by_domain(user=person, email="eve@acme.example") == []


@pytest.mark.parametrize("change", ["unverified_domain", "invitation_policy", "other_domain", "ended"])
def test_domain_join_needs_a_verified_domain_the_domain_policy_and_no_ended_membership(domain_org, change):
    person = UserFactory(email="fay@acme.example")
    if change == "unverified_domain":
        OrganisationDomain.objects.update(verified_at=None)
    elif change == "invitation_policy":
        domain_org.join_policy = "invitation"
        domain_org.save()
    elif change == "other_domain":
        person.email = "fay@acme.example.evil.test"
    else:
        MembershipFactory(organisation=domain_org, user=person, is_active=False)
    assert memberships_join_by_domain(user=person, email=person.email) == []
    assert not Membership.objects.filter(user=person, is_active=True).exists()


def test_a_social_or_invited_sign_up_with_a_verified_address_joins_at_once(domain_org):
    invite = invitation_send(organisation=domain_org, email="gil@acme.example", invited_by=None)
    assert invite.pk
    message = _mail_to("gil@acme.example")
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    client = Client()
    client.get(_path(link))
    client.post("/accounts/signup/?next=" + _path(link), {**SIGNUP, "email": "gil@acme.example"})
    gil = User.objects.get(email="gil@acme.example")
    assert Membership.objects.filter(organisation=domain_org, user=gil).count() == 1
