"""Page forms. They check shape and length; the rules (who, when, once) are in ratings.services."""

from __future__ import annotations

from django import forms

from ratings.models import (
    COMMENT_MAX_LENGTH,
    FEEDBACK_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    Expectation,
    RatingReport,
    State,
)
from ratings.services import MAX_BATCH, REPLY_TRANSITIONS, TRANSITIONS

STAR_CHOICES = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)]


class MenteeRatingForm(forms.Form):
    stars = forms.TypedChoiceField(choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": "Choose from 1 to 5 stars.",
                                                   "invalid_choice": "Stars must be from 1 to 5."})
    comment = forms.CharField(label="Public comment (optional)", required=False, max_length=COMMENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=f"Shown on the mentor's page. Up to {COMMENT_MAX_LENGTH} characters. "
                                        "Links, email addresses and phone numbers are checked by a moderator first.")
    expectation = forms.ChoiceField(label="Did this session meet your expectations? (private: only staff see this)",
                                    choices=Expectation.choices, required=False, widget=forms.RadioSelect)


class MentorFeedbackForm(forms.Form):
    private_feedback = forms.CharField(label="Private feedback on the mentee", max_length=FEEDBACK_MAX_LENGTH,
                                       widget=forms.Textarea(attrs={"rows": 5}),
                                       help_text="Never shown in public; it helps the platform match people well.")


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your public reply", max_length=REPLY_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=RatingReport.Reason.choices)
    note = forms.CharField(label="Anything a moderator should know (optional)", required=False,
                           max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *State.choices], required=False)
    reported = forms.ChoiceField(choices=[("", "Reported or not"), ("1", "Reported"), ("0", "Not reported")],
                                 required=False)


class IgnoreReporterForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, error_messages={"required": "Give a reason."},
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept in the audit log with your name and the reporter's.")


class DecideForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], error_messages={"required": "Select at least one review."})
    action = forms.ChoiceField(choices=[(a, a.capitalize()) for a in TRANSITIONS]
                               + [(a, a.replace("_", " ").capitalize()) for a in REPLY_TRANSITIONS])
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, error_messages={"required": "Give a reason."},
                             help_text="Kept in the audit log; sent to the author when a review is removed.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is a valid choice here; whether it exists is the service's answer (404).
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        self.fields["ids"].choices = [(v, v) for v in values if str(v).isdigit()][:MAX_BATCH + 1]


