"""Base class for every app's domain errors (BookingError, RatingError, ...).

Services raise these; the API exception handler and the page views turn them into a 4xx with a
clear message. A domain error is never retried by a task.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 field_errors: dict[str, list[str]] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.field_errors = field_errors or {}
        self.extra = extra or {}

    def __str__(self) -> str:
        return self.message


def form_add_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal on a page's form: each message on its field where the form has
    that field, otherwise (or when the error names no field) at the top of the form."""
    if not error.field_errors:
        form.add_error(None, error.message)
        return
    for field, messages in error.field_errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
