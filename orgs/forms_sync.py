"""Forms of the directory sync page: the upload, and the confirmation of its preview. They parse;
orgs.sync checks the file and decides."""

from __future__ import annotations

from django import forms

from orgs.sync import MAX_BYTES

FORMATS = [("", "From the file's name or content"), ("csv", "CSV"), ("json", "JSON")]
DIGEST = r"^[0-9a-f]{64}$"


class SyncUploadForm(forms.Form):
    file = forms.FileField(label="HR export", help_text="A CSV or JSON file with one person per row (format below).")
    format = forms.ChoiceField(choices=FORMATS, required=False, label="Format")
    deactivate_missing = forms.BooleanField(
        required=False, label="Deactivate members who are not in the file",
        help_text="Use this when the file lists everyone. Organisation admins are kept.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return upload


class SyncApplyForm(forms.Form):
    """The preview's hidden fields: which kept upload (its SHA-256), read how, and the plan shown."""

    upload = forms.RegexField(regex=DIGEST, widget=forms.HiddenInput)
    format = forms.ChoiceField(choices=FORMATS[1:], widget=forms.HiddenInput)
    deactivate_missing = forms.BooleanField(required=False, widget=forms.HiddenInput)
    plan = forms.RegexField(regex=DIGEST, widget=forms.HiddenInput)
