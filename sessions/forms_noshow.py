"""Forms for no-show reports on the session page and the moderators' page. They parse and show
errors; the no-show services decide (required text, lengths, windows), as they do for the API."""

from __future__ import annotations

from django import forms

from sessions.models.noshow import REASON_MAX_LENGTH


class NoShowReportForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="What happened?", help_text="For example how long you waited in the call. "
                                          "The other participant and, if they dispute it, a moderator read this.")

    def __init__(self, *args, **kwargs):
        # The session page also shows the cancel and decline forms, whose field is "reason" too.
        kwargs.setdefault("auto_id", "id_noshow_%s")
        super().__init__(*args, **kwargs)


class NoShowDisputeForm(forms.Form):
    statement = forms.CharField(
        max_length=REASON_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="Your side", help_text="For example when you joined the call. A moderator reads both sides.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_dispute_%s")
        super().__init__(*args, **kwargs)


class NoShowDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "Uphold: it counts as a no-show"),
                                          ("dismiss", "Dismiss: it does not count")],
                                 widget=forms.RadioSelect, label="Decision",
                                 error_messages={"required": "Choose uphold or dismiss."})
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label="Reason", help_text="Both participants read it.")

    def __init__(self, *args, report_id: int | None = None, **kwargs):
        # One form per disputed report on the page: ids must not collide.
        kwargs.setdefault("auto_id", f"id_decide{report_id or ''}_%s")
        super().__init__(*args, **kwargs)
