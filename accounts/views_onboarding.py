"""The guided start after sign-up (accounts.onboarding): one plain form per step, each saved
through the same service as the settings pages and the API, each skippable."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from accounts import services
from accounts.completeness import mentor_completeness
from accounts.errors import AccountError
from accounts.forms import OnboardingGoalsForm, OnboardingProfileForm, OnboardingRolesForm
from accounts.models import MenteeProfile, MentorProfile
from accounts.onboarding import GOOD_QUESTIONS, onboarding_next_step, onboarding_step_get, onboarding_steps_for
from mentorship.errors import form_add_domain_error

HOME = "home:dashboard"


@login_required
def onboarding(request):
    """/welcome/: the first step left, or home when the guided start is over."""
    step = onboarding_next_step(request.user)
    return redirect("accounts:onboarding_step", step=step.key) if step else redirect(HOME)


def _form_for(user, key: str, data=None):
    if key == "roles":
        return OnboardingRolesForm(data, initial={"role": OnboardingRolesForm.role_of(user), "timezone": user.timezone})
    if key == "goals":
        # No row is written on GET: mentee_profile_update creates it when the step is saved.
        profile = MenteeProfile.objects.prefetch_related("interests").filter(user=user).first()
        return OnboardingGoalsForm(data, initial={} if profile is None else {
            "goals": profile.goals, "interests": ", ".join(s.name for s in profile.interests.all())})
    if key == "profile":
        profile = MentorProfile.objects.prefetch_related("skills").get(user=user)
        return OnboardingProfileForm(data, initial=OnboardingProfileForm.initial_for(profile))
    return None  # availability: the existing editor does the work


def _save(user, key: str, form) -> None:
    if key == "roles":
        services.user_update(user=user, **form.changes())
    elif key == "goals":
        services.mentee_profile_update(user=user, **form.cleaned_data)
    elif key == "profile":
        services.mentor_profile_update(user=user, **form.cleaned_data)


@login_required
def onboarding_step(request, step: str):
    user = request.user
    current = onboarding_step_get(user, step)
    if current is None:
        raise Http404("No such step")
    form = _form_for(user, step, request.POST if request.method == "POST" and "skip" not in request.POST else None)
    if request.method == "POST":
        if "skip" in request.POST or form is None:
            services.onboarding_step_pass(user=user, step=step)
            return redirect("accounts:onboarding")
        if form.is_valid():
            try:
                _save(user, step, form)
            except AccountError as exc:
                form_add_domain_error(form, exc)
            else:
                services.onboarding_step_pass(user=user, step=step)
                return redirect("accounts:onboarding")
    steps = onboarding_steps_for(user)
    index = next(i for i, s in enumerate(steps) if s.key == step)
    completeness = None
    if user.is_mentor and step in ("profile", "availability"):
        completeness = mentor_completeness(MentorProfile.objects.get(user=user))
    context = {
        "form": form, "step": current, "steps": steps, "number": index + 1, "passed": set(user.onboarding_steps),
        "good_questions": GOOD_QUESTIONS, "completeness": completeness,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, f"accounts/onboarding/{step}.html", context, status=status)
