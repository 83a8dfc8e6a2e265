"""A service's refusal shows up on the page's form, never silently."""

from django import forms

from mentorship.errors import DomainError, form_add_domain_error


class _Form(forms.Form):
    start = forms.CharField()


def _bound():
    form = _Form({"start": "x"})
    assert form.is_valid()
    return form


def test_field_errors_land_on_their_fields_and_unknown_fields_on_top():
    form = _bound()
    form_add_domain_error(form, DomainError("Nope", field_errors={"start": ["Taken."], "mentor": ["Not taking bookings."]}))
    assert form.errors["start"] == ["Taken."]
    assert form.non_field_errors() == ["Not taking bookings."]


def test_an_error_without_fields_is_shown_at_the_top():
    form = _bound()
    form_add_domain_error(form, DomainError("The mentor is on holiday."))
    assert form.non_field_errors() == ["The mentor is on holiday."]
