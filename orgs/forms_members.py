"""Forms of the organisation pages: they parse; orgs.services.members validates and writes."""

from __future__ import annotations

from django import forms

from accounts.timezones import TimezoneChoiceField, TimezoneSelect
from orgs.models import Department, Level, Membership, Organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organisation name")
    logo = forms.ImageField(required=False, help_text="Optional. PNG, JPEG or WebP, up to 2 MB.",
                            widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}))
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    timezone = TimezoneChoiceField(label="Time zone",
                                   help_text="Programs count their weeks and months in this zone.",
                                   widget=TimezoneSelect())
    join_policy = forms.ChoiceField(choices=Organisation.JoinPolicy.choices, widget=forms.RadioSelect,
                                    label="Who may join")

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        logo, remove = data.pop("logo", None), data.pop("remove_logo", False)
        if logo:
            data["logo"] = logo
        elif remove:
            data["logo"] = None
        return data


class DomainForm(forms.Form):
    domain = forms.CharField(max_length=253, label="Email domain", help_text="For example example.com.")


class DepartmentForm(forms.Form):
    name = forms.CharField(max_length=80, label="Department name")


class LevelForm(forms.Form):
    code = forms.CharField(max_length=16, label="Code", help_text="What your HR files call it, e.g. IC3.")
    name = forms.CharField(max_length=80, required=False, label="Name", help_text="Optional, e.g. Senior engineer.")


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
                             widget=forms.RadioSelect, label="Invite as")


_ACTIVE_CHOICES = [("yes", "Active members"), ("no", "Former members"), ("all", "Everyone")]


class MemberFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=120, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email, title, employee id"}))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False, to_field_name="slug",
                                        empty_label="Any department")
    level = forms.ModelChoiceField(queryset=Level.objects.none(), required=False, empty_label="Any level")
    active = forms.ChoiceField(choices=_ACTIVE_CHOICES, required=False, label="Show")

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)
        self.fields["level"].queryset = Level.objects.filter(organisation=organisation)

    def filters(self) -> dict:
        """The filters that parsed (a bad one is shown as an error and ignored)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        active = {"yes": True, "no": False, "all": None}.get(data.get("active") or "yes")
        return {"query": data.get("q") or "", "department": data.get("department"), "level": data.get("level"),
                "active": active}


class MembershipForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices, widget=forms.RadioSelect, label="Role")
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False,
                                        empty_label="No department")
    level = forms.ModelChoiceField(queryset=Level.objects.none(), required=False, empty_label="No level")
    title = forms.CharField(max_length=120, required=False, label="Job title")

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)
        self.fields["level"].queryset = Level.objects.filter(organisation=organisation)
