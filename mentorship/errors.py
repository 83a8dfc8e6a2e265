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
    # 400: the request cannot be done as asked; `errors` names the fields.
    "invalid": ErrorCode(400, "Invalid input."),
    "parse_error": ErrorCode(400, "Malformed request body."),
    "wrong_credentials": ErrorCode(400, "Wrong email or password."),
    "invalid_rules": ErrorCode(400, "Please correct the weekly availability."),
    "invalid_override": ErrorCode(400, "Please correct the date override."),
    "invalid_policy": ErrorCode(400, "Please correct the booking policy."),
    "not_accepting": ErrorCode(400, "This mentor is not taking new bookings right now."),
    "duration_not_offered": ErrorCode(400, "This mentor does not offer sessions of that length."),
    # Why the slot engine refuses a start (sessions.slots.diagnose_slot), each with its own message
    # in sessions.selectors.REASON_MESSAGES; `taken` is the one a retry elsewhere can fix (409).
    "past": ErrorCode(400, "That time has passed."),
    "notice": ErrorCode(400, "That time is too soon for this mentor's notice period."),
    "horizon": ErrorCode(400, "That time is too far ahead for this mentor."),
    "outside_availability": ErrorCode(400, "That time is outside the mentor's availability."),
    "not_aligned": ErrorCode(400, "Sessions start on the mentor's slot grid."),
    "day_cap": ErrorCode(400, "The mentor's sessions for that day are full."),
    "week_cap": ErrorCode(400, "The mentor's sessions for that week are full."),
    "budget": ErrorCode(400, "The mentor's weekly time for sessions is used up."),
    # External calendars (sessions.services.calendars): a feed we could not fetch or read is a 400
    # on its address field; the words say why, never the address.
    "invalid_calendar": ErrorCode(400, "Please correct the calendar."),
    "calendar_unreachable": ErrorCode(400, "The calendar address could not be read."),
    "not_authenticated": ErrorCode(401, "Sign in (session or token) to use this endpoint."),
    "authentication_failed": ErrorCode(401, "Incorrect authentication credentials."),
    "forbidden": ErrorCode(403, "You may not do that."),
    "permission_denied": ErrorCode(403, "You may not do that."),
    "not_participant": ErrorCode(403, "You can only rate sessions you took part in."),
    "not_author": ErrorCode(403, "Only the author can edit this rating."),
    "not_ratee": ErrorCode(403, "Only the mentor who was reviewed can reply."),
    "own_review": ErrorCode(403, "You cannot report your own review."),
    "not_moderator": ErrorCode(403, "Only moderators can do that."),
    "not_found": ErrorCode(404, "Not found."),
    # The acting user lacks the role: there is no such resource for them (GET /me/mentor-profile/).
    "not_a_mentor": ErrorCode(404, "You are not a mentor."),
    "not_a_mentee": ErrorCode(404, "You are not a mentee."),
    "method_not_allowed": ErrorCode(405, "Method not allowed."),
    "not_acceptable": ErrorCode(406, "Not acceptable."),
    # 409: allowed in general, not in the resource's present state.
    "slot_taken": ErrorCode(409, "That time was just taken."),
    "taken": ErrorCode(409, "That time was just taken."),
    # The mentor's own calendar (a meeting at work) holds that time: like `taken`, another time may work.
    "mentor_busy": ErrorCode(409, "The mentor is busy at that time."),
    "too_many_calendars": ErrorCode(409, "You have added as many calendars as allowed."),
    "wrong_state": ErrorCode(409, "The session is not in a state that allows this."),
    "expired": ErrorCode(409, "This request has expired."),
    "already_extended": ErrorCode(409, "This request's answer time was already extended once."),
    "started": ErrorCode(409, "This session has already started."),
    "not_ended": ErrorCode(409, "The session has not ended yet."),
    "too_late": ErrorCode(409, "It is too late to do that for this session."),
    "already_reported": ErrorCode(409, "This was already reported."),
    "not_completed": ErrorCode(409, "Only completed sessions can be rated."),
    "already_rated": ErrorCode(409, "You have already rated this session."),
    "removed": ErrorCode(409, "A removed rating cannot be edited."),
    "edit_window_closed": ErrorCode(409, "This rating can no longer be edited."),
    "already_replied": ErrorCode(409, "You have already replied to this review."),
    "invalid_transition": ErrorCode(409, "Some ratings cannot take that action."),
    # The booking caps per mentee (settings.BOOKING_MAX_*). 409, not 429: they are business rules
    # about what the mentee already holds, lifted by changing that state (a request answered or
    # withdrawn, another week), not by waiting; a client that retries a 429 after Retry-After
    # would only be refused again, and 429 stays the throttles' own answer.
    "too_many_requests_open": ErrorCode(409, "You have too many unanswered requests open."),
    "too_many_sessions_with_mentor": ErrorCode(409, "You have enough sessions with this mentor that week."),
    # No-show reports (sessions.services.noshow) and rating reports: one per reporter.
    "report_window_closed": ErrorCode(409, "The time to report a no-show for this session has passed."),
    "dispute_window_closed": ErrorCode(409, "The time to dispute this report has passed."),
    "report_closed": ErrorCode(409, "This report is no longer open."),
    "unsupported_media_type": ErrorCode(415, "Unsupported media type."),
    "throttled": ErrorCode(429, "Too many requests; try again later."),
    "too_many_attempts": ErrorCode(429, "Too many failed sign-in attempts; try again in a few minutes."),
    # Conversations (conversations.services).
    "unsafe_markup": ErrorCode(400, "HTML and script links are not allowed in messages."),
    "thread_closed": ErrorCode(409, "This conversation is closed."),
    "edit_conflict": ErrorCode(409, "Someone else changed this meanwhile; reload and try again."),
    # Directory sync (orgs.sync): the file's problems are listed by line and field in `problems`.
    "sync_invalid": ErrorCode(400, "The directory file has problems; nothing was changed."),
    "sync_upload_missing": ErrorCode(409, "The uploaded file is no longer here; upload it again."),
    "sync_plan_changed": ErrorCode(409, "The directory changed since the preview; review it again."),
    # Ratings and moderation (ratings.services).
    "already_ignored": ErrorCode(409, "This reporter is already ignored."),
    # Programs (orgs.services.programs, sessions.services.program_quota, sessions.services.flash):
    # managing a program, taking part in it, booking inside it and flash questions.
    "invalid_program": ErrorCode(400, "Please correct the program."),
    "not_program_admin": ErrorCode(403, "Only the organisation's admins can manage its programs."),
    "not_eligible": ErrorCode(403, "You cannot join this side of the program."),
    "not_in_program": ErrorCode(403, "Both people must have joined the program, on their own sides."),
    "program_not_open": ErrorCode(409, "This program is not open."),
    "program_state": ErrorCode(409, "The program or your part in it is not in a state that allows this."),
    "outside_program_dates": ErrorCode(400, "That date is outside the program's dates."),
    "length_not_allowed": ErrorCode(400, "This program does not allow sessions of that length."),
    "program_rule": ErrorCode(400, "This mentor does not meet the program's matching rules for you."),
    "quota_exceeded": ErrorCode(409, "You have booked all the sessions this program allows you that month."),
    "capacity_reached": ErrorCode(409, "This mentor's time for the program is used up that week."),
    "already_enrolled": ErrorCode(409, "This person already takes part on that side."),
    "question_open": ErrorCode(409, "You already have an open question in this program."),
    "question_closed": ErrorCode(409, "This question is no longer open."),
    "flash_not_allowed": ErrorCode(409, "This program does not take flash questions."),
    # Organisations: structure, members and joining (orgs.services.members, orgs-members area).
    "in_use": ErrorCode(409, "It is still in use, so it cannot be deleted."),
    "already_exists": ErrorCode(409, "That already exists in this organisation."),
    "already_member": ErrorCode(409, "That person is already a member."),
    "last_admin": ErrorCode(409, "An organisation keeps at least one active admin."),
    "invitation_expired": ErrorCode(409, "This invitation has expired."),
    "invitation_revoked": ErrorCode(409, "This invitation was withdrawn."),
    "invitation_used": ErrorCode(409, "This invitation was already used."),
    "membership_ended": ErrorCode(409, "Your membership of this organisation has ended."),
    "wrong_address": ErrorCode(403, "This invitation was sent to another email address."),
}


def error_body(code: str, *, detail: str | None = None, errors: dict[str, list[str]] | None = None,
               error_codes: dict[str, list[str]] | None = None) -> dict:
    """The one API error shape, for the places that answer before DRF does (middleware, the 404
    of an address no route matches). `error_codes` lists a code per message of `errors`."""
    errors = errors or {}
    if error_codes is None:
        error_codes = {field: [code] * len(messages) for field, messages in errors.items()}
    return {"detail": detail or ERROR_CODES[code].message, "code": code, "errors": errors, "error_codes": error_codes}


class UnregisteredErrorCode(LookupError):
    pass


class DomainError(Exception):
    """A service's refusal. The raise site names a code from ERROR_CODES and the code alone decides
    the HTTP status: there is no `status=` argument, so a hand-typed status cannot come back."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None,
                 field_errors: dict[str, list[str]] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        registered = ERROR_CODES.get(self.code)
        if registered is None:
            # Fails the test that raises it (and tests/test_error_registry.py's walk of every raise
            # site) rather than answering a status nobody chose.
            raise UnregisteredErrorCode(f"{self.code!r} is not in mentorship.errors.ERROR_CODES")
        self.status = registered.status
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
