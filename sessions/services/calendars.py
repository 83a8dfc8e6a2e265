"""Writes for a mentor's own calendars (iCalendar feeds): add, change settings, remove, refresh.

The feed is fetched with mentorship.safe_fetch (SSRF rules) and read with sessions.calendar_feeds;
only busy intervals are stored, for the mentor's booking horizon. Network I/O never happens inside
a transaction: a refresh fetches first, then writes the result in one short transaction.

Refresh cycle (the periodic job calendars_refresh_due, every CALENDAR_REFRESH_MINUTES): due
calendars are claimed with skip_locked and their next_refresh_at pushed forward in the claiming
transaction, so two workers (or a job run twice) never fetch the same calendar twice. A success
replaces the busy intervals and resets the failure count; 304 Not Modified keeps them. A failure
keeps the last known intervals (bookings are still checked against them), records the reason and
backs off (the interval doubled per failure, at most a day); after CALENDAR_FAILURES_BEFORE_MAIL
failures in a row the mentor gets one email for that streak, through the outbox.

The feed address is never logged and never put in an error message: exceptions raised here carry
safe_fetch's and the parser's own words, which name no address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from matching import triggers
from mentorship.claims import claim
from mentorship.links import absolute_reverse
from mentorship.safe_fetch import FetchError, safe_fetch
from mentorship.text import text_errors
from sessions.calendar_feeds import FeedBusy, FeedError, busy_intervals
from sessions.errors import BookingError
from sessions.models import BookingPolicy, BusyInterval, ExternalCalendar
from sessions.models.calendars import SecretURL
from sessions.services.free_times import mentor_free_times_changed
from sessions.services.notifications import mail_enqueue

NAME_MAX = 60
URL_MAX = 2000
MAX_BACKOFF = timedelta(days=1)
FAILING_MAIL_KIND = "calendar_failing"
REFRESH_BATCH = 20


def _refresh_every() -> timedelta:
    return timedelta(minutes=settings.CALENDAR_REFRESH_MINUTES)


def _require_mentor(mentor: User) -> None:
    if not mentor.is_mentor:
        raise BookingError("Only mentors can add calendars.", code="not_a_mentor")


@sensitive_variables()
def _normalise_url(url: str) -> SecretURL:
    """webcal:// (what Outlook and Apple hand out) is https://; anything else must be http(s)."""
    url = (url or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    errors = []
    if not url:
        errors.append("Paste your calendar's iCalendar (.ics) address.")
    elif len(url) > URL_MAX:
        errors.append(f"Addresses are at most {URL_MAX} characters.")
    elif any(ord(c) <= 32 or ord(c) == 127 for c in url):
        errors.append("An address has no spaces or control characters: paste it again as it was given.")
    else:
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            errors.append("Give an address starting with https:// (or webcal://), such as Google's "
                          "“secret address in iCal format”.")
    if errors:
        raise BookingError("Please correct the calendar.", code="invalid_calendar", field_errors={"url": errors})
    return SecretURL(url)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    errors = text_errors(single_line={"name": name})
    if not name:
        errors["name"] = ["Give the calendar a name you will recognise, such as Work."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Keep the name under {NAME_MAX} characters."]
    if errors:
        raise BookingError("Please correct the calendar.", code="invalid_calendar", field_errors=errors)
    return name


def _window(mentor: User, now: datetime) -> tuple[datetime, datetime]:
    """The busy intervals kept: from a day ago (a booking re-check looks around its start) to the
    end of the mentor's booking horizon, plus a day of margin."""
    policy = BookingPolicy.objects.filter(mentor=mentor).first() or BookingPolicy(mentor=mentor)
    return now - timedelta(days=1), now + timedelta(days=policy.horizon_days + 1)


@dataclass
class _Fetched:
    status: int  # 200 or 304
    busy: FeedBusy | None
    etag: str
    last_modified: str
    window_end: datetime
    content_sha256: str = ""


@sensitive_variables()
def _fetch(*, url: str, mentor: User, all_day_blocks: bool, tentative_busy: bool, now: datetime,
           etag: str = "", last_modified: str = "", content_sha256: str = "") -> _Fetched:
    """Fetch and read a feed (no database writes). Raises FetchError or FeedError. With the
    previous answer's validators and hash (a conditional refresh), an unchanged feed is not read
    again (status 304, whether the server said so or sent the same bytes)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = safe_fetch(url, headers=headers)
    start, end = _window(mentor, now)
    if result.status == 304:
        return _Fetched(304, None, etag, last_modified, end, content_sha256)
    digest = hashlib.sha256(result.body).hexdigest()
    if content_sha256 and digest == content_sha256:
        return _Fetched(304, None, etag, last_modified, end, content_sha256)
    busy = busy_intervals(result.body, zone=mentor.timezone or "UTC", start=start, end=end,
                          all_day_blocks=all_day_blocks, tentative_busy=tentative_busy)
    return _Fetched(200, busy, result.headers.get("etag", "")[:200], result.headers.get("last-modified", "")[:100], end,
                    digest)


def _store(calendar: ExternalCalendar, fetched: _Fetched, now: datetime) -> None:
    """Inside a transaction: a successful fetch's result on the calendar and its intervals."""
    calendar.last_refreshed_at = now
    calendar.next_refresh_at = now + _refresh_every()
    calendar.consecutive_failures = 0
    calendar.failure_mailed = False
    calendar.last_error = ""
    if fetched.busy is not None:
        BusyInterval.objects.filter(calendar=calendar).delete()
        BusyInterval.objects.bulk_create(
            [BusyInterval(calendar=calendar, mentor_id=calendar.mentor_id, start=a, end=b)
             for a, b in fetched.busy.intervals], batch_size=1000)
        calendar.event_count = fetched.busy.events
        calendar.busy_count = len(fetched.busy.intervals)
        calendar.etag, calendar.last_modified = fetched.etag, fetched.last_modified
        calendar.content_sha256 = fetched.content_sha256
        calendar.expanded_until = fetched.window_end
    calendar.save()
    # Busy times move the mentor's free times: matching's free-slot counts and the directory's
    # next free start (DESIGN.md, flow 1), both after commit.
    triggers.mentors_changed(mentor_ids=[calendar.mentor_id])
    mentor_free_times_changed(mentor_ids=[calendar.mentor_id])


@sensitive_variables()
def calendar_add(*, mentor: User, name: str, url: str, all_day_blocks: bool = True, tentative_busy: bool = True,
                 now: datetime | None = None) -> ExternalCalendar:
    """Add a calendar: fetched and read at once, so a wrong address is refused before it is saved
    (the error names the reason, never the address)."""
    _require_mentor(mentor)
    now = now or timezone.now()
    name = _clean_name(name)
    url = _normalise_url(url)
    if ExternalCalendar.objects.filter(mentor=mentor).count() >= settings.CALENDARS_PER_MENTOR:
        raise BookingError(f"You can add up to {settings.CALENDARS_PER_MENTOR} calendars; remove one first.",
                           code="too_many_calendars")
    try:
        fetched = _fetch(url=url, mentor=mentor, all_day_blocks=all_day_blocks, tentative_busy=tentative_busy, now=now)
    except (FetchError, FeedError) as exc:
        raise BookingError("The calendar address could not be read.", code="calendar_unreachable",
                           field_errors={"url": [str(exc)]}) from None
    with transaction.atomic():
        calendar = ExternalCalendar(mentor=mentor, name=name, url=url, all_day_blocks=all_day_blocks,
                                    tentative_busy=tentative_busy, next_refresh_at=now)
        calendar.save()
        _store(calendar, fetched, now)
    return calendar


def _owned(mentor: User, calendar_id: int) -> ExternalCalendar:
    calendar = ExternalCalendar.objects.filter(mentor=mentor, pk=calendar_id).first()
    if calendar is None:
        # Someone else's calendar looks exactly like a missing one.
        raise BookingError("No such calendar.", code="not_found")
    return calendar


def calendar_update(*, mentor: User, calendar_id: int, name: str | None = None, all_day_blocks: bool | None = None,
                    tentative_busy: bool | None = None, now: datetime | None = None) -> ExternalCalendar:
    """Rename, or change what counts as busy. A changed setting re-reads the feed at the next run
    of the job (now), in full: the stored intervals were computed with the old settings."""
    calendar = _owned(mentor, calendar_id)
    now = now or timezone.now()
    if name is not None:
        calendar.name = _clean_name(name)
    changed = False
    for field, value in (("all_day_blocks", all_day_blocks), ("tentative_busy", tentative_busy)):
        if value is not None and value != getattr(calendar, field):
            setattr(calendar, field, value)
            changed = True
    if changed:
        calendar.next_refresh_at = now
        calendar.etag = calendar.last_modified = calendar.content_sha256 = ""
    calendar.save()
    return calendar


def calendar_remove(*, mentor: User, calendar_id: int) -> None:
    with transaction.atomic():
        calendar = _owned(mentor, calendar_id)
        calendar.delete()  # its busy intervals go with it (CASCADE)
        triggers.mentors_changed(mentor_ids=[mentor.pk])
        mentor_free_times_changed(mentor_ids=[mentor.pk])


def _backoff(failures: int) -> timedelta:
    return min(_refresh_every() * (2 ** min(failures, 16)), MAX_BACKOFF)


def _record_failure(calendar_id: int, message: str, now: datetime) -> None:
    with transaction.atomic():
        calendar = (ExternalCalendar.objects.select_for_update().select_related("mentor")
                    .filter(pk=calendar_id).first())
        if calendar is None:
            return  # removed meanwhile
        calendar.consecutive_failures += 1
        calendar.last_error = message[:300]
        calendar.next_refresh_at = now + _backoff(calendar.consecutive_failures)
        if calendar.consecutive_failures >= settings.CALENDAR_FAILURES_BEFORE_MAIL and not calendar.failure_mailed:
            calendar.failure_mailed = True
            _mail_failing(calendar, now)
        calendar.save()


def _mail_failing(calendar: ExternalCalendar, now: datetime) -> None:
    mentor = calendar.mentor
    context = {"recipient": mentor, "calendar": calendar, "zone": mentor.timezone,
               "availability_url": absolute_reverse("booking:availability")}
    # One mail per failure streak: the streak's first failure is not stored, so the key names the
    # calendar and the moment the threshold was reached.
    mail_enqueue(recipient=mentor, kind=FAILING_MAIL_KIND, now=now,
                 subject=f'Your calendar "{calendar.name}" cannot be read',
                 text=render_to_string("booking/calendars/email/calendar_failing.txt", context),
                 html=render_to_string("booking/calendars/email/calendar_failing.html", context),
                 dedupe_key=f"calendar:{calendar.pk}:failing:{now:%Y%m%dT%H%M%S}")


def calendar_refresh(*, calendar_id: int, now: datetime | None = None) -> str:
    """Fetch one calendar now and store the outcome: "updated", "unchanged", "failed" or "gone"."""
    now = now or timezone.now()
    calendar = ExternalCalendar.objects.select_related("mentor").filter(pk=calendar_id).first()
    if calendar is None:
        return "gone"
    _, horizon_end = _window(calendar.mentor, now)
    # Conditional only while the stored intervals still reach the end of the horizon.
    conditional = calendar.expanded_until is not None and calendar.expanded_until >= horizon_end - timedelta(hours=12)
    try:
        fetched = _fetch(url=calendar.url, mentor=calendar.mentor, all_day_blocks=calendar.all_day_blocks,
                         tentative_busy=calendar.tentative_busy, now=now,
                         etag=calendar.etag if conditional else "",
                         last_modified=calendar.last_modified if conditional else "",
                         content_sha256=calendar.content_sha256 if conditional else "")
    except (FetchError, FeedError) as exc:
        _record_failure(calendar.pk, str(exc), now)
        return "failed"
    with transaction.atomic():
        locked = ExternalCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        if locked is None:
            return "gone"
        _store(locked, fetched, now)
    return "unchanged" if fetched.status == 304 else "updated"


def calendars_refresh_due(*, now: datetime | None = None, batch: int = REFRESH_BATCH) -> dict[str, int]:
    """The periodic job: claim due calendars (skip locked; their next refresh pushed forward in the
    claim, so no other worker takes them), then fetch each outside any transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(claim(ExternalCalendar.objects.filter(next_refresh_at__lte=now))
                   .order_by("next_refresh_at", "id").values_list("pk", flat=True)[:batch])
        ExternalCalendar.objects.filter(pk__in=due).update(next_refresh_at=now + _refresh_every())
    outcomes: dict[str, int] = {"claimed": len(due)}
    for pk in due:
        outcome = calendar_refresh(calendar_id=pk, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
