"""The project's form renderer: one field layout for every form on every page."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Widgets and fields render through the project's templates (TemplatesSetting), so the
    time-zone widget's own template is found, and every `{{ field.as_field_group }}` and
    `{{ form }}` uses templates/forms/field.html: label with the required marker, help, errors and
    the ids Django's aria-describedby points at. A page lays out its fields; it never writes one."""

    field_template_name = "forms/field.html"
    form_template_name = "forms/form.html"
