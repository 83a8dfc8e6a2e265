"""Joining at sign-up: allauth's signals call the joining services.

- A new account whose address is already verified (it came through an invitation link, which
  proves the mailbox, or a social login) and every address verified later join the organisations
  that admit people by that verified domain (memberships_join_by_domain, idempotent).
- A sign-up that started from an invitation link accepts that invitation at once, so the person
  lands in the organisation (the invitation page stored its token in the session).
"""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up
from django.contrib.auth.signals import user_logged_in

from orgs.errors import OrgError
from orgs.selectors_members import invitation_by_token, nav_organisations, nav_organisations_forget
from orgs.services.members import invitation_accept, memberships_join_by_domain

logger = logging.getLogger(__name__)

# Where the invitation page keeps the token of the invitation a visitor is signing up for.
PENDING_INVITATION_KEY = "orgs_pending_invitation"


def _join_by_domain(user, emails) -> None:
    joined = []
    for email in emails:
        joined += memberships_join_by_domain(user=user, email=email)
    if joined:
        nav_organisations_forget(user_ids=[user.pk])


def on_user_signed_up(sender, request, user, **kwargs) -> None:
    _join_by_domain(user, EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
    token = request.session.pop(PENDING_INVITATION_KEY, None) if request is not None else None
    invitation = invitation_by_token(token=token) if token else None
    if invitation is not None:
        try:
            invitation_accept(invitation=invitation, user=user)
        except OrgError as exc:  # signed up with another address, or the link died meanwhile: the page says why
            logger.info("invitation %s not accepted at sign-up: %s", invitation.pk, exc.code)
        else:
            nav_organisations_forget(user_ids=[user.pk])


def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    _join_by_domain(email_address.user, [email_address.email])


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    # Read the navigation's organisations at sign-in, so no page pays for them later: pages read
    # them from the cache (a page's query count does not depend on whether it came first).
    nav_organisations(user=user)


def connect() -> None:
    user_logged_in.connect(on_user_logged_in, dispatch_uid="orgs-nav-on-login")
    user_signed_up.connect(on_user_signed_up, dispatch_uid="orgs-join-on-signup")
    email_confirmed.connect(on_email_confirmed, dispatch_uid="orgs-join-on-email-confirmed")
