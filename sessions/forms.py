"""Forms for the booking pages. They parse and show errors; the booking services decide."""

from __future__ import annotations

from django import forms

from mentorship.datetimes import validate_datetime_in_range

QUESTION_HELP = (
    "One specific question you want answered, with the context a mentor needs to prepare. "
    "Good: \"I lead 4 engineers and two of them keep missing estimates; how do I run planning so "
    "estimates improve without micromanaging?\" Too vague: \"How do I become a better manager?\""
)


class BookingForm(forms.Form):
    start = forms.DateTimeField(widget=forms.HiddenInput, validators=[validate_datetime_in_range], error_messages={
        "required": "Pick a time on the mentor's page first.",
        "invalid": "That time could not be read. Pick a time on the mentor's page; what you wrote below is kept.",
    })
    duration = forms.TypedChoiceField(coerce=int, label="Length")
    # The same words the booking service uses, rather than Django's bare "This field is required."
    # Lengths are the service's rules (booking_create), so the page and the API say the same thing.
    topic = forms.CharField( help_text="A few words, e.g. \"Preparing for a staff interview\".",
                            error_messages={"required": "Give the session a short topic."})
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text=QUESTION_HELP,
                               error_messages={"required": "Ask the specific question you want answered; "
                                                           "mentors prepare from it."})
    context_url = forms.URLField(required=False, assume_scheme="https", label="Context link (optional)",
                                 help_text="A document, repository or job post the mentor can look at beforehand.")

    program = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Count it in a program",
        help_text="A session inside your organisation's program counts against its monthly sessions.")

    def __init__(self, *args, lengths: list[int], programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = [(n, f"{n} minutes") for n in lengths]
        self._program_field = self.fields.pop("program")
        self.offer_programs(programs)

    def offer_programs(self, programs) -> None:
        """Offered only when mentee and mentor share an open program (orgs.selectors_programs.programs_shared)."""
        if programs:
            self._program_field.choices = [("", "No, a session outside any program")] + [
                (p.pk, f"{p.name} ({p.organisation.name})") for p in programs]
            self.fields["program"] = self._program_field


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             label="Reason for cancelling", help_text="The other person will read this.")

    def __init__(self, *args, **kwargs):
        # The session page shows this form and DeclineForm together; both have a "reason" field, so
        # each needs its own ids or the second label would focus the first textarea.
        kwargs.setdefault("auto_id", "id_cancel_%s")
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label="Reason for declining (optional)", help_text="The mentee will read this.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_decline_%s")
        super().__init__(*args, **kwargs)


class ExtendForm(forms.Form):
    """Optional: how many more hours (the service bounds it; without it, the most allowed)."""
    hours = forms.IntegerField(required=False, min_value=1, label="More hours to answer")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_extend_%s")
        super().__init__(*args, **kwargs)


class RescheduleForm(forms.Form):
    start = forms.DateTimeField(label="New time", validators=[validate_datetime_in_range],
                                error_messages={"required": "Choose the new time from the list."})
