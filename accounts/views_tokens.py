"""The API tokens page: see, create and revoke your tokens (accounts.tokens does the work)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import AccountError
from accounts.tokens import api_token_create, api_token_expires_at, api_token_revoke, api_tokens_of
from mentorship.errors import form_add_domain_error


class TokenCreateForm(forms.Form):
    name = forms.CharField(label="What will use it?", max_length=80, required=False,
                           help_text="For example “Calendar sync script”. Shown in this list only.")


@login_required
def api_tokens(request):
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except AccountError as exc:
            form_add_domain_error(form, exc)
        else:
            form = TokenCreateForm()
    tokens = [(token, api_token_expires_at(token)) for token in api_tokens_of(user=request.user)]
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key,
                                                         "idle_days": settings.API_TOKEN_IDLE_DAYS})


@login_required
@require_POST
def api_token_revoke_view(request, token_id: int):
    try:
        api_token_revoke(user=request.user, token_id=token_id)
    except AccountError:
        raise Http404
    messages.success(request, "Token revoked. Anything using it is signed out.")
    return redirect("accounts:api_tokens")
