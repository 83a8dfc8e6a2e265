"""The "Recommended for you" page: thin, everything it shows comes from matching.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from matching.selectors import is_matchable_mentee, matches_for, mentee_profile_state


@login_required
def recommended(request):
    if not is_matchable_mentee(request.user):
        raise PermissionDenied("Recommendations are for mentees.")
    state = mentee_profile_state(request.user)
    matches = matches_for(mentee=request.user) if state == "ready" else []
    return render(request, "matching/recommended.html", {"state": state, "matches": matches})
