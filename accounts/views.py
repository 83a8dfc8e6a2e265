from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from accounts.selectors import listed_mentors


@login_required
def me(request):
    return render(request, "accounts/me.html", {})


def directory(request):
    return render(request, "accounts/directory.html", {"mentors": listed_mentors()[:20]})


def mentor_detail(request, slug: str):
    profile = get_object_or_404(listed_mentors(), slug=slug)
    return render(request, "accounts/mentor_detail.html", {"profile": profile})
