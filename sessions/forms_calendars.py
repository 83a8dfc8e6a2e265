"""Forms for the Calendars section and "why is this time not offered?" of the availability page.
They only parse; sessions.services.calendars validates (the API refuses with the same words)."""

from __future__ import annotations

from django import forms

from sessions.services.calendars import NAME_MAX, URL_MAX


class CalendarForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX, initial="Work", help_text="Shown to you only, for example Work")
    url = forms.CharField(
        label="Calendar address (iCalendar)", max_length=URL_MAX,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                     "placeholder": "https://calendar.google.com/calendar/ical/…/basic.ics"}),
        help_text="Google: Settings › your calendar › “Secret address in iCal format”. Outlook: Settings › "
                  "Calendar › Shared calendars › Publish › ICS link. Any ICS or CalDAV address works. "
                  "It stays secret: we never show it again.")
    all_day_blocks = forms.BooleanField(label="All-day events block the whole day", required=False, initial=True)
    tentative_busy = forms.BooleanField(label="Tentative events count as busy", required=False, initial=True)

    def forget_url(self) -> None:
        """Called before re-rendering a refused form: the address is never echoed into the page."""
        self.data = self.data.copy()
        self.data["url"] = ""


class CalendarSettingsForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    all_day_blocks = forms.BooleanField(label="All-day events block the whole day", required=False)
    tentative_busy = forms.BooleanField(label="Tentative events count as busy", required=False)


class ExplainForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration = forms.TypedChoiceField(label="Session length", coerce=int, choices=())

    def __init__(self, *args, lengths: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = [(n, f"{n} minutes") for n in lengths]
