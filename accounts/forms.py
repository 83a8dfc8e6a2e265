"""Account forms. Profile forms live here too as the accounts pages grow."""

from __future__ import annotations

from django import forms

from accounts.timezones import timezone_choices, validate_timezone


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's signup form: name, role and time zone (pre-filled from the browser)."""

    ROLE_CHOICES = [("mentee", "I want mentoring (mentee)"), ("mentor", "I want to mentor others (mentor)"),
                    ("both", "Both")]

    name = forms.CharField(max_length=120, label="Your name")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="mentee", widget=forms.RadioSelect, label="I am joining as")
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC", label="Time zone",
                                 help_text="Detected from your browser; times are shown in this zone.",
                                 widget=forms.Select(attrs={"data-detect-timezone": "1"}))

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        validate_timezone(value)
        return value

    def signup(self, request, user):
        from accounts.services import user_set_roles

        user.name = self.cleaned_data["name"].strip()
        user.timezone = self.cleaned_data["timezone"]
        user.save(update_fields=["name", "timezone"])
        role = self.cleaned_data["role"]
        user_set_roles(user=user, is_mentor=role in ("mentor", "both"), is_mentee=role in ("mentee", "both"))
