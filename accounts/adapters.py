from __future__ import annotations

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from mentorship.links import absolute_reverse, absolute_url


class AccountAdapter(DefaultAccountAdapter):
    def get_signup_redirect_url(self, request):
        return reverse("accounts:me")

    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request)

    # Links in account mail come from SITE_URL like every other mail (mentorship.links), not from
    # whatever Host header the request that triggered the mail carried.
    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def format_email_subject(self, subject):
        # Without django.contrib.sites allauth would prefix the request's host name ("[localhost:8000]").
        return f"[Micro-mentorship] {subject}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth leaves the account holder out of a security notice's context; the shared email
        # layout greets them by name and shows the moment of the change in their own time zone.
        super().send_notification_mail(template_prefix, user, context={"user": user, **(context or {})}, email=email)
