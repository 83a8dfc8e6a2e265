"""allauth's account mail through the booking outbox, like every other email.

allauth sends its mail (sign-up verification, password reset, email change, "you have no account",
security notices) from inside the request with `msg.send()`. With the mail server down that was a
500 after the user row had been written: the person could neither finish signing up nor sign up
again. Here the message is rendered in the request (allauth's templates, links from SITE_URL) and
stored as an outbox row; the worker sends it after commit and the dispatcher retries it with
backoff until the server is back (sessions.services.notifications).

It lives in the project package because accounts sits below booking (import-linter's layers):
accounts keeps the adapter's behaviour, the project wires it to the outbox.
"""

from __future__ import annotations

import uuid

from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from accounts.adapters import AccountAdapter
from accounts.models import User
from sessions.services.notifications import ACCOUNT_MAIL_KIND, mail_enqueue


def _recipient(email: str, context: dict) -> User | None:
    """The user the mail is about, for the outbox's records; None for an address with no account."""
    user = context.get("user")
    if isinstance(user, User) and user.pk:
        return user
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


class OutboxAccountAdapter(AccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The same context allauth's own send_mail builds, so its templates render unchanged.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                    "")
        text = message.body
        if message.content_subtype == "html":  # allauth had only an HTML template for this one
            text, html = "", message.body
        # Each call is its own decision to mail (a second reset request is a second mail), so the
        # key is unique per call; the row still can only be sent once.
        mail_enqueue(recipient=_recipient(email, ctx), to_email=email, kind=ACCOUNT_MAIL_KIND,
                     subject=str(message.subject), text=text, html=html,
                     dedupe_key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}")
