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
