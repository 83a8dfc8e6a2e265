"""Account forms: they parse and present input; the services in accounts.services validate and write.

`mentorship.errors.form_add_domain_error` puts a service's per-field messages next to their fields.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache, partial

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import Industry, Language, MenteeProfile, MentorProfile, Skill
from accounts.selectors import SORTS, directory_filter_choices
from accounts.services import user_set_roles
from accounts.timezones import TimezoneChoiceField, TimezoneSelect, is_valid_timezone
from accounts.validators import split_terms
from mentorship.text import validate_single_line


def _language_choices():
    return [(lang.code, lang.name) for lang in Language.objects.all()]


LENGTH_CHOICES = [(n, f"{n} minutes") for n in settings.SESSION_LENGTHS]


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's signup form: name, role and time zone (pre-filled from the browser)."""

    ROLE_CHOICES = [("mentee", "I want mentoring (mentee)"), ("mentor", "I want to mentor others (mentor)"),
                    ("both", "Both")]

    # allauth saves this form itself (signup() below), not through user_update: same rule here.
    name = forms.CharField(max_length=120, label="Your name", validators=[validate_single_line])
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="mentee", widget=forms.RadioSelect, label="I am joining as")
    timezone = TimezoneChoiceField(initial="UTC", label="Time zone",
                                   help_text="Detected from your browser; times are shown in this zone.",
                                   widget=TimezoneSelect(attrs={"data-detect-timezone": "1"}))

    def signup(self, request, user):
        user.name = self.cleaned_data["name"].strip()
        user.timezone = self.cleaned_data["timezone"]
        user.save(update_fields=["name", "timezone"])
        role = self.cleaned_data["role"]
        user_set_roles(user=user, is_mentor=role in ("mentor", "both"), is_mentee=role in ("mentee", "both"))


class UserSettingsForm(forms.Form):
    name = forms.CharField(max_length=120, label="Your name")
    timezone = TimezoneChoiceField(label="Time zone",
                                   help_text="Every time on the site and in emails is shown in this zone.",
                                   widget=TimezoneSelect(attrs={"data-detect-timezone": "1"}))
    is_mentee = forms.BooleanField(required=False, label="I want mentoring (mentee)")
    is_mentor = forms.BooleanField(required=False, label="I mentor others (mentor)",
                                   help_text="Gives you a public profile in the mentor directory.")
    remind_24h = forms.BooleanField(required=False, label="Remind me 24 hours before a session")
    remind_1h = forms.BooleanField(required=False, label="Remind me 1 hour before a session")
    email_updates = forms.BooleanField(required=False, label="Email me when a booking is requested, confirmed or cancelled")

    def clean(self):
        data = super().clean()
        if not (data.get("is_mentee") or data.get("is_mentor")):
            self.add_error("is_mentee", "Choose at least one role: mentee, mentor or both.")
        return data


class _TermsField(forms.CharField):
    """Comma-separated names ("Python, system design") for skills or industries."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1500)
        kwargs.setdefault("help_text", "Separate with commas. Common spellings are recognised (JS = JavaScript); "
                                       "new ones are added.")
        super().__init__(**kwargs)

    def clean(self, value):
        return split_terms(super().clean(value))


class MentorProfileForm(forms.Form):
    headline = forms.CharField(max_length=140, required=False,
                               help_text="One line, e.g. “Staff engineer helping backend devs grow into tech leads”.")
    bio = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 7}),
                          help_text="What you have done and what you can help with (up to 5,000 characters).")
    photo = forms.ImageField(required=False, help_text="Optional. JPEG, PNG or WebP, up to 2 MB.",
                             widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    remove_photo = forms.BooleanField(required=False, label="Remove my current photo")
    skills = _TermsField(label="Expertise (skills)")
    industries = _TermsField(label="Industries")
    languages = forms.MultipleChoiceField(choices=_language_choices, widget=forms.CheckboxSelectMultiple,
                                          label="Languages you can mentor in")
    # The ranges and the meeting-link rule are mentor_profile_update's: the form only parses, so the
    # page and PATCH /api/v1/me/mentor-profile/ refuse the same input with the same words.
    years_experience = forms.IntegerField(label="Years of experience")
    # Not required here: "offer at least one" is the service's rule, reported with the others.
    session_lengths = forms.TypedMultipleChoiceField(choices=LENGTH_CHOICES, coerce=int, required=False,
                                                     widget=forms.CheckboxSelectMultiple,
                                                     label="Session lengths you offer")
    call_method = forms.ChoiceField(choices=MentorProfile.CallMethod.choices, widget=forms.RadioSelect,
                                    label="How calls happen")
    meeting_url = forms.URLField(required=False, label="Your meeting link", assume_scheme="https",
                                 help_text="Needed only if you use your own link (Zoom, Meet, Teams …).")
    accepting_bookings = forms.BooleanField(required=False, label="I am accepting new bookings")
    visibility = forms.ChoiceField(choices=MentorProfile._meta.get_field("visibility").choices,
                                   widget=forms.RadioSelect, label="Who can find and book me",
                                   help_text="Internal: only colleagues in your organisations see your profile.")

    def __init__(self, *args, offer_visibility: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_visibility:
            # Only members of an organisation choose (mentor_profile_update says why); the others
            # are public and see no choice.
            del self.fields["visibility"]

    @classmethod
    def initial_for(cls, profile: MentorProfile) -> dict:
        return {
            "headline": profile.headline, "bio": profile.bio,
            "skills": ", ".join(s.name for s in profile.skills.all()),
            "industries": ", ".join(i.name for i in profile.industries.all()),
            "languages": [lang.code for lang in profile.languages.all()],
            "years_experience": profile.years_experience, "session_lengths": profile.session_lengths,
            "call_method": profile.call_method, "meeting_url": profile.meeting_url,
            "accepting_bookings": profile.accepting_bookings, "visibility": profile.visibility,
        }

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        photo, remove = data.pop("photo", None), data.pop("remove_photo", False)
        if photo:
            data["photo"] = photo
        elif remove:
            data["photo"] = None
        return data


class MenteeProfileForm(forms.Form):
    goals = forms.CharField(max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="What do you want help with? Any language is fine.")
    interests = _TermsField(label="Interests (skills you want to grow)")
    industries = _TermsField(label="Industries you work in or want to move into",
                             help_text="Separate with commas, e.g. “Fintech, Healthcare”. Mentors who know these "
                                       "industries rank higher in your recommendations.")
    languages = forms.MultipleChoiceField(choices=_language_choices, widget=forms.CheckboxSelectMultiple,
                                          required=False, label="Languages you can have a session in")
    career_stage = forms.ChoiceField(choices=[("", "Prefer not to say"), *MenteeProfile.CareerStage.choices],
                                     required=False)
    share_with_mentors = forms.BooleanField(
        required=False, initial=True, label="Show mentors I book my goals, career stage, industries and our earlier sessions",
        help_text="They see it when they answer your request, so they can prepare. Off: they see only your question.")

    @classmethod
    def initial_for(cls, profile: MenteeProfile) -> dict:
        return {
            "share_with_mentors": profile.share_with_mentors,
            "goals": profile.goals,
            "interests": ", ".join(s.name for s in profile.interests.all()),
            "industries": ", ".join(i.name for i in profile.industries.all()),
            "languages": [lang.code for lang in profile.languages.all()],
            "career_stage": profile.career_stage,
        }


class SelectWidget(forms.Select):
    """A single <select> (named so the field layout still calls it "select") whose options are written in one pass of Python rather than one template
    include each: the directory's skill, industry and language lists hold ~250 options, which
    cost more than the rest of the page to render through Django's option template. Its short
    selects (length, rating, sort) use it too: even five options through that template took
    about as long as the page's database query."""

    template_name = "accounts/widgets/term_select.html"

    def get_context(self, name, value, attrs):
        # Widget's context, not ChoiceWidget's: that one also builds a dict per option (optgroups).
        context = forms.Widget.get_context(self, name, value, attrs)
        html = _options_html(tuple(self.choices))
        for selected in context["widget"]["value"]:
            option = format_html('<option value="{}">', selected)
            html = html.replace(option, f"{option[:-1]} selected>", 1)
        context["widget"]["options_html"] = mark_safe(html)  # noqa: S308 - built from format_html's escaped parts
        return context

    def use_required_attribute(self, initial):
        # Select's own check reads the first option, which normalises the whole (callable) list of
        # choices; the attribute only matters for a required field, so ask that first.
        return self.is_required and super().use_required_attribute(initial)


@lru_cache(maxsize=16)
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    # The same few lists for every visitor until a term changes, so each is escaped once per process.
    return "".join(format_html('<option value="{}">{}</option>', key, label) for key, label in choices)


def _filter_choices(options, name: str, empty_label: str) -> list[tuple[str, str]]:
    return [("", empty_label), *options[name]]


RATING_CHOICES = [("", "Any rating"), ("3", "3 stars and up"), ("3.5", "3.5 stars and up"),
                  ("4", "4 stars and up"), ("4.5", "4.5 stars and up")]


FREE_WITHIN_CHOICES = [("", "Any time"), ("1", "In the next 24 hours"), ("3", "In the next 3 days"),
                       ("7", "This week (next 7 days)"), ("14", "In the next 2 weeks")]
WEEKDAY_CHOICES = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class DirectoryFilterForm(forms.Form):
    """The directory's search and filters, for the page and the API alike (values in the query string)."""

    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, skill, topic …"}))
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), to_field_name="slug", required=False,
                                   empty_label="Any skill",
                                   error_messages={"invalid_choice": "Unknown skill; choose one from the list."})
    industry = forms.ModelChoiceField(queryset=Industry.objects.all(), to_field_name="slug", required=False,
                                      empty_label="Any industry",
                                      error_messages={"invalid_choice": "Unknown industry; choose one from the list."})
    language = forms.ModelChoiceField(queryset=Language.objects.all(), required=False, empty_label="Any language",
                                      error_messages={"invalid_choice": "Unknown language code (use ISO 639-1, e.g. es)."})
    length = forms.TypedChoiceField(choices=[("", "Any length"), *LENGTH_CHOICES], coerce=int, empty_value=None,
                                    required=False, label="Session length", widget=SelectWidget,
                                    error_messages={"invalid_choice": "Session length must be 15, 30, 45 or 60."})
    min_rating = forms.FloatField(required=False, min_value=0, max_value=5, label="Minimum rating",
                                  widget=SelectWidget(choices=RATING_CHOICES))
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False, label="Sort by", widget=SelectWidget,
                             error_messages={"invalid_choice": f"Sort by one of: {', '.join(SORTS)}."})
    colleagues = forms.BooleanField(required=False, label="Only colleagues in my organisation",
                                    help_text="Mentors who work where you work, internal ones included.")
    # Availability, in the viewer's zone (accounts.free_times.FreeWhen).
    free_within = forms.TypedChoiceField(
        choices=FREE_WITHIN_CHOICES, coerce=int, empty_value=None, required=False, label="Free",
        widget=SelectWidget, error_messages={"invalid_choice": "Free within 1, 3, 7 or 14 days."})
    free_from = forms.DateField(required=False, label="Free from", widget=forms.DateInput(attrs={"type": "date"}))
    free_to = forms.DateField(required=False, label="Free until", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES, coerce=int, required=False, label="On these days",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Days are 0 (Monday) to 6 (Sunday)."})
    time_from = forms.TimeField(required=False, label="From (my time)", widget=forms.TimeInput(attrs={"type": "time"}))
    time_to = forms.TimeField(required=False, label="Until (my time)", widget=forms.TimeInput(attrs={"type": "time"}))
    tz = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput,
                         help_text="IANA time zone the days and times are in (default: yours)")

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        # The options come from a cache (directory_filter_choices), read only if the form is
        # rendered; a submitted value is still looked up in the database by the field's queryset.
        options = SimpleLazyObject(directory_filter_choices)  # one cache read for the three lists
        for name in ("skill", "industry", "language"):
            field = self.fields[name]
            field.widget = SelectWidget()
            field.choices = partial(_filter_choices, options, name, field.empty_label)
        if not self._can_sort_by_match():
            # Only the rendered options: a submitted sort=match still reaches clean_sort's message.
            self.fields["sort"].widget.choices = [(k, v) for k, v in SORTS.items() if k != "match"]

    def _can_sort_by_match(self) -> bool:
        return bool(self.viewer is not None and self.viewer.is_authenticated and self.viewer.is_mentee)

    def clean_sort(self):
        sort = self.cleaned_data.get("sort")
        if sort == "match" and not self._can_sort_by_match():
            raise forms.ValidationError("Sign in as a mentee to sort mentors by how well they match your goals.")
        return sort

    def clean_tz(self):
        tz = self.cleaned_data.get("tz") or ""
        if tz and not is_valid_timezone(tz):
            raise forms.ValidationError(f"“{tz}” is not a known IANA time zone (for example Europe/Berlin).")
        return tz

    def clean(self):
        data = super().clean()
        first, last = data.get("free_from"), data.get("free_to")
        if first and last and last < first:
            self.add_error("free_to", "The last day is before the first day.")
        elif last and last > timezone.now().date() + timedelta(days=settings.DIRECTORY_FREE_HORIZON_DAYS + 1):
            # Today in UTC, not the viewer's: a day either way does not matter for this guard.
            self.add_error("free_to", f"Free times are known {settings.DIRECTORY_FREE_HORIZON_DAYS} days ahead; "
                                      "pick an earlier day.")
        start, end = data.get("time_from"), data.get("time_to")
        if start and end and end <= start:
            self.add_error("time_to", "The end time must be after the start time.")
        return data

    def valid_data(self) -> dict:
        """The fields that parsed: a bad filter is reported but does not blank the whole directory."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def has_filters(self) -> bool:
        data = self.valid_data()
        return any(data.get(k) not in (None, "", False)
                   for k in ("q", "skill", "industry", "language", "length", "min_rating", "colleagues",
                             "free_within", "free_from", "free_to", "days", "time_from", "time_to"))


# --- The guided start after sign-up (accounts.onboarding) -------------------------------------------

class OnboardingRolesForm(forms.Form):
    role = forms.ChoiceField(choices=SignupExtraForm.ROLE_CHOICES, widget=forms.RadioSelect,
                             label="How will you use Micro-mentorship?")
    timezone = TimezoneChoiceField(label="Your time zone",
                                   help_text="Detected from your browser; every time is shown in this zone.",
                                   widget=TimezoneSelect(attrs={"data-detect-timezone": "1"}))

    @staticmethod
    def role_of(user) -> str:
        return "both" if user.is_mentor and user.is_mentee else "mentor" if user.is_mentor else "mentee"

    def changes(self) -> dict:
        role = self.cleaned_data["role"]
        return {"timezone": self.cleaned_data["timezone"], "is_mentor": role in ("mentor", "both"),
                "is_mentee": role in ("mentee", "both")}


class OnboardingGoalsForm(forms.Form):
    goals = forms.CharField(max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                            label="What do you want help with?",
                            help_text="One or two concrete questions work best for a short session.")
    interests = _TermsField(label="Skills you want to grow", help_text="Separate with commas, e.g. “Python, "
                                                                        "public speaking”.")


class OnboardingProfileForm(forms.Form):
    """The parts of MentorProfileForm that make a profile complete (accounts.completeness)."""

    headline = MentorProfileForm.base_fields["headline"]
    bio = MentorProfileForm.base_fields["bio"]
    skills = MentorProfileForm.base_fields["skills"]
    session_lengths = MentorProfileForm.base_fields["session_lengths"]

    @classmethod
    def initial_for(cls, profile: MentorProfile) -> dict:
        return {"headline": profile.headline, "bio": profile.bio,
                "skills": ", ".join(s.name for s in profile.skills.all()),
                "session_lengths": profile.session_lengths}
