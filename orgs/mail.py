"""The invitation mail: an invitation and its email decided in one transaction.

orgs' core (models, selectors, services) imports none of our other apps, so the service that
creates the invitation cannot queue mail itself; this module composes it with the booking outbox
(sessions.services.notifications.mail_enqueue), which every email goes through: retries, the
failure record and the staff mailbox come with it. The link is built by mentorship.links, so a
renamed route fails a test instead of mailing a 404.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string

from mentorship.links import absolute_reverse
from orgs.models import Invitation, Membership, Organisation
from orgs.services.members import invitation_create
from sessions.services.notifications import mail_enqueue

INVITATION_MAIL_KIND = "org_invitation"


def invitation_send(*, organisation: Organisation, email: str, invited_by, role: str = Membership.Role.MEMBER,
                    program=None, program_role: str = "") -> Invitation:
    """Invite an address (a person with or without an account) and queue the mail with its link."""
    with transaction.atomic():
        invitation, token = invitation_create(organisation=organisation, email=email, invited_by=invited_by,
                                              role=role, program=program, program_role=program_role)
        recipient = get_user_model().objects.filter(email__iexact=invitation.email, is_active=True).first()
        context = {
            "organisation": organisation, "invitation": invitation, "recipient": recipient,
            "inviter": getattr(invited_by, "display_name", "") or "An organisation admin",
            "as_admin": invitation.role == Membership.Role.ADMIN,
            "accept_url": absolute_reverse("orgs:invitation", args=[token]),
            "expires": f"{invitation.expires_at:%d %B %Y}",
        }
        subject = f"You are invited to join {organisation.name} on Micro-mentorship"
        mail_enqueue(recipient=recipient, to_email=invitation.email, kind=INVITATION_MAIL_KIND, subject=subject,
                     text=render_to_string("orgs/members/email/invitation.txt", context),
                     html=render_to_string("orgs/members/email/invitation.html", context),
                     dedupe_key=f"org-invitation:{invitation.pk}")
    return invitation
