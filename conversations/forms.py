"""Forms of the conversation page. They parse and show errors; the services decide (required text,
lengths, markup, windows), exactly as they do for the API."""

from __future__ import annotations

from django import forms

from conversations.attachments import ACCEPT, TYPES_SENTENCE
from conversations.models import ACTION_MAX_LENGTH, AGENDA_MAX_LENGTH, MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); the service checks each one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        required=False, strip=False, max_length=MESSAGE_MAX_LENGTH, label="Message",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown works: **bold**, _italic_, `code`, lists and links.")
    files = MultipleFileField(required=False, label="Attach files",
                              help_text=f"Up to 3 files: {TYPES_SENTENCE}, 5 MB each. Only the two of you can open them.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_message_%s")
        super().__init__(*args, **kwargs)


class AgendaForm(forms.Form):
    text = forms.CharField(required=False, strip=False, max_length=AGENDA_MAX_LENGTH, label="Add a point to cover")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_agenda_%s")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=NOTE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, shared: bool, **kwargs):
        kwargs.setdefault("auto_id", f"id_{'shared' if shared else 'private'}_note_%s")
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Shared notes" if shared else "My private notes"
        self.fields["body"].help_text = ("Both of you can read and edit these." if shared
                                         else "Only you can read these.")


class ActionItemForm(forms.Form):
    text = forms.CharField(required=False, strip=False, max_length=ACTION_MAX_LENGTH, label="Action item")
    owner = forms.TypedChoiceField(coerce=int, label="Who does it")
    due_date = forms.DateField(required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, booking, **kwargs):
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(booking.mentee_id, f"{booking.mentee.display_name} (mentee)"),
                                        (booking.mentor_id, f"{booking.mentor.display_name} (mentor)")]
        self.fields["owner"].initial = booking.mentee_id


class ExtendForm(forms.Form):
    days = forms.IntegerField(min_value=1, label="Keep open for (days)", initial=7)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_extend_%s")
        super().__init__(*args, **kwargs)


class ReportForm(forms.Form):
    reason = forms.CharField(required=False, strip=False, max_length=1000, label="What is wrong with it?",
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="A moderator reads the message, a few around it, and your reason.")

    def __init__(self, *args, message_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_report_{message_id}_%s")
        super().__init__(*args, **kwargs)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("hide", "Hide the message"), ("dismiss", "Keep the message")],
                                 widget=forms.RadioSelect, label="Decision",
                                 error_messages={"required": "Choose hide or keep."})
    reason = forms.CharField(required=False, strip=False, max_length=1000, label="Reason",
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept in the audit log; shown to the participants in place of a hidden message.")

    def __init__(self, *args, report_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_decide_{report_id}_%s")
        super().__init__(*args, **kwargs)
