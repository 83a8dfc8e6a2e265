from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_signup_redirect_url(self, request):
        return reverse("accounts:me")

    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request)

    def format_email_subject(self, subject):
        # Without django.contrib.sites allauth would prefix the request's host name ("[localhost:8000]").
        return f"[Micro-mentorship] {subject}"
