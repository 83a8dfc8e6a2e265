"""Forms for the availability page: the weekly grid, the booking policy and date overrides.

The weekly grid is not a Django formset: each weekday posts parallel lists `w<day>_start` and
`w<day>_end`, so a row can be added or removed by the browser alone (no management form to keep
in sync) and the page works without JavaScript.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms

from sessions.models import BookingPolicy
from sessions.services.availability import POLICY_FIELDS, WEEKDAYS


def _parse_time(value: str) -> time | None:
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), fmt).time()
        except ValueError:
            continue
    return None


class WeeklyGridForm:
    """Seven rows (Monday..Sunday), each with any number of start-end windows."""

    def __init__(self, data=None, *, rules=(), extra_rows: int = 0):
        self.errors: dict[str, list[str]] = {}
        self.days = []
        for weekday, name in enumerate(WEEKDAYS):
            if data is not None:
                starts, ends = data.getlist(f"w{weekday}_start"), data.getlist(f"w{weekday}_end")
                windows = [(s.strip(), e.strip()) for s, e in zip(starts, ends, strict=False)]
            else:
                windows = [(f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}") for r in rules if r.weekday == weekday]
            self.days.append({"weekday": weekday, "name": name, "key": name.lower(), "windows": windows,
                              "errors": []})
        self._cleaned: list[tuple[int, time, time]] | None = None

    def add_row(self, weekday: int) -> None:
        if 0 <= weekday <= 6:
            self.days[weekday]["windows"].append(("", ""))

    def remove_row(self, weekday: int, index: int) -> None:
        if 0 <= weekday <= 6 and 0 <= index < len(self.days[weekday]["windows"]):
            del self.days[weekday]["windows"][index]

    def is_valid(self) -> bool:
        cleaned = []
        for day in self.days:
            for start, end in day["windows"]:
                if not start and not end:
                    continue  # an empty row is how a window is removed without JavaScript
                start_t, end_t = _parse_time(start) if start else None, _parse_time(end) if end else None
                if start_t is None or end_t is None:
                    day["errors"].append(f"{day['name']}: give both times as HH:MM (got “{start or '?'}”–“{end or '?'}”).")
                    continue
                cleaned.append((day["weekday"], start_t, end_t))
        self._cleaned = cleaned
        return not any(day["errors"] for day in self.days)

    @property
    def cleaned_rules(self) -> list[tuple[int, time, time]]:
        assert self._cleaned is not None, "call is_valid() first"
        return self._cleaned

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        for key, messages in field_errors.items():
            target = next((d for d in self.days if d["key"] == key), None)
            if target is None:
                self.errors.setdefault("__all__", []).extend(messages)
            else:
                target["errors"].extend(messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(day["errors"] for day in self.days)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        fields = list(POLICY_FIELDS)
        labels = {
            "buffer_before_minutes": "Buffer before a session (minutes)",
            "buffer_after_minutes": "Buffer after a session (minutes)",
            "min_notice_hours": "Minimum notice (hours)",
            "horizon_days": "Book at most this many days ahead",
            "max_per_day": "At most this many sessions a day",
            "max_per_week": "At most this many sessions a week",
            "weekly_budget_minutes": "Weekly mentoring time budget (minutes)",
            "requires_approval": "I approve each request before it is confirmed",
            "slot_granularity_minutes": "Offer start times every",
        }


class OverrideForm(forms.Form):
    start_date = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="Until (inclusive)", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="Empty: just the first day")
    start_time = forms.TimeField(label="Available from", required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 help_text="Leave both times empty to block the whole day(s)")
    end_time = forms.TimeField(label="Available until", required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    note = forms.CharField(max_length=120, required=False)


class SlotPickerForm(forms.Form):
    """Only for rendering the picker's controls; the query itself is read by sessions.slot_query."""

    duration = forms.TypedChoiceField(coerce=int, choices=())
    tz = forms.ChoiceField(label="Show times in", choices=())

    def __init__(self, *args, lengths: list[int], zones: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = [(n, f"{n} minutes") for n in lengths]
        self.fields["tz"].choices = zones
