from __future__ import annotations

from django import forms

from insights.scope import period_check


class PeriodForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included, in the organisation's zone. The names
    are Python keywords, so the fields are added by name."""

    def __init__(self, *args, initial_period, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = initial_period
        self.fields["from"] = forms.DateField(label="From", initial=first,
                                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        self.fields["to"] = forms.DateField(label="To (included)", initial=last,
                                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to"):
            for field, message in period_check(first_day=data["from"], last_day=data["to"]).items():
                self.add_error(field, message)
        return data
