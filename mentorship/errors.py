"""Base class for every app's domain errors (BookingError, RatingError, ...).

Services raise these; the API exception handler and the page views turn them into a 4xx with a
clear message. A domain error is never retried by a task.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    status: int
    message: str


# The registry of the codes every API error body may carry, each with its one HTTP status.
# A raise site names a code; the status follows from here, so one code cannot drift to two statuses
# (not_a_mentor was 409, 404 and 403 in three places). The README's API section points here.
ERROR_CODES: dict[str, ErrorCode] = {
    "invalid": ErrorCode(400, "Invalid input."),
    "parse_error": ErrorCode(400, "Malformed request body."),
    "not_authenticated": ErrorCode(401, "Sign in (session or token) to use this endpoint."),
    "authentication_failed": ErrorCode(401, "Incorrect authentication credentials."),
    "forbidden": ErrorCode(403, "You may not do that."),
    "permission_denied": ErrorCode(403, "You may not do that."),
    "not_found": ErrorCode(404, "Not found."),
    # The acting user has no mentor profile: there is no such resource for them (GET /me/mentor-profile/).
    "not_a_mentor": ErrorCode(404, "You are not a mentor."),
    "method_not_allowed": ErrorCode(405, "Method not allowed."),
    "not_acceptable": ErrorCode(406, "Not acceptable."),
    "slot_taken": ErrorCode(409, "That time was just taken."),
    "wrong_state": ErrorCode(409, "The session is not in a state that allows this."),
    # No-show reports (sessions.services.noshow) and rating reports: one per reporter.
    "already_reported": ErrorCode(409, "You have already reported this."),
    "not_ended": ErrorCode(409, "The session has not ended yet."),
    "report_window_closed": ErrorCode(409, "The time to report a no-show for this session has passed."),
    "dispute_window_closed": ErrorCode(409, "The time to dispute this report has passed."),
    "report_closed": ErrorCode(409, "This report is no longer open."),
    "unsupported_media_type": ErrorCode(415, "Unsupported media type."),
    "throttled": ErrorCode(429, "Too many requests; try again later."),
}


def error_status(code: str, default: int = 400) -> int:
    entry = ERROR_CODES.get(code)
    return entry.status if entry else default


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 field_errors: dict[str, list[str]] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        # A registered code decides its status; `status=` is only for codes not yet in the registry.
        registered = ERROR_CODES.get(self.code)
        if registered is not None:
            self.status = registered.status
        elif status is not None:
            self.status = status
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
