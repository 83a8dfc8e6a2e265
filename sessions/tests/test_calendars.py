"""External calendars end to end: feeds served by a real local HTTP server, the services, the slot
engine's inputs (slots, the booking re-check, matching's counts), the API with every persona, the
availability page, and the feed address kept secret everywhere.

The clock is pinned at Monday 2 November 2026, 06:00 UTC (07:00 in Berlin, the mentor's zone). The
Google fixture feed's stand-up is Monday and Wednesday 09:00-09:30 Berlin; on Monday 9 November it
is moved to 14:00; Thursday 5 November 15:00-16:00 is tentative; Thursday 12 November is an all-day
offsite.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sessions.errors import BookingError
from sessions.models import BusyInterval, ExternalCalendar, Notification
from sessions.selectors import mentor_slots, mentors_free_slot_counts
from sessions.selectors_calendars import calendar_of, calendar_summary, slot_explain
from sessions.services import calendars as services
from sessions.tests.test_bookings_support import book, open_every_day, set_policy
from tests.factories import MentorFactory
from tests.feed_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)

FIXTURES = Path(__file__).parent / "fixtures"
GOOGLE = (FIXTURES / "google_work.ics").read_bytes()
OUTLOOK = (FIXTURES / "outlook_published.ics").read_bytes()
SECRET_PATH = "/calendar/ical/maya%40example.com/private-5f3a9c1e7b2d4a60/basic.ics"
SECRET_PART = "private-5f3a9c1e7b2d4a60"

CALENDARS = reverse("api:calendars")
EXPLAIN = reverse("api:availability-explain")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def detail(pk: int) -> str:
    return reverse("api:calendar-detail", args=[pk])


@pytest.fixture
def open_mentor(mentor):
    open_every_day(mentor)  # 08:00-20:00 Berlin, every day
    set_policy(mentor, min_notice_hours=1)
    return mentor


@pytest.fixture
def google_url(feed_server):
    return feed_server.serve(SECRET_PATH, body=GOOGLE, etag='"g1"', headers={"Content-Type": "text/calendar"})


@pytest.fixture
def work(open_mentor, google_url):
    return services.calendar_add(mentor=open_mentor, name="Work", url=google_url)


def _starts(mentor, day_start, hours=24, duration=30):
    return mentor_slots(mentor=mentor, start=day_start, end=day_start + timedelta(hours=hours), duration=duration)


# --- adding ------------------------------------------------------------------------------------

def test_adding_fetches_at_once_and_summarises_in_the_mentors_zone(work, open_mentor):
    calendar = calendar_of(mentor=open_mentor, calendar_id=work.pk)
    assert calendar.event_count == 7 and calendar.busy_count == BusyInterval.objects.filter(calendar=work).count() > 10
    assert calendar_summary(calendar, open_mentor.timezone) == "7 events, next busy: Mon 2 Nov 09:00–09:30 CET (Europe/Berlin)"
    assert calendar.last_refreshed_at is not None and calendar.etag == '"g1"'
    assert calendar.next_refresh_at == calendar.last_refreshed_at + timedelta(minutes=15)


def test_only_busy_intervals_are_stored_for_the_horizon(open_mentor, google_url):
    set_policy(open_mentor, horizon_days=10)
    work = services.calendar_add(mentor=open_mentor, name="Work", url=google_url)
    rows = list(BusyInterval.objects.filter(calendar=work).order_by("start").values_list("start", "end"))
    assert rows[0][0] >= utc(2026, 11, 1, 6) - timedelta(minutes=1)
    assert rows[-1][1] <= utc(2026, 11, 13, 6) + timedelta(minutes=1)
    assert [f.name for f in BusyInterval._meta.concrete_fields] == ["id", "calendar", "mentor", "start", "end"]


def test_webcal_addresses_are_read_as_https_and_other_schemes_refused(open_mentor):
    with pytest.raises(BookingError) as info:
        services.calendar_add(mentor=open_mentor, name="Work", url="ftp://example.com/cal.ics")
    assert info.value.code == "invalid_calendar" and "url" in info.value.field_errors
    with pytest.raises(BookingError) as info:
        # webcal:// becomes https://, which the fetcher then refuses for 127.0.0.1 without the
        # test-only setting: refused for the address, not for the scheme.
        services.calendar_add(mentor=open_mentor, name="Work", url="webcal://127.0.0.1/x.ics")
    assert info.value.code == "calendar_unreachable" and "loopback" in info.value.field_errors["url"][0]


@pytest.mark.parametrize("url", ["https://calendar.example.com/a\x00b.ics", "https://calendar.example.com/a b.ics",
                                 "https://calendar.example.com/a\r\nHost: evil.example/x.ics"])
def test_control_characters_in_the_address_are_a_400(open_mentor, client_for, url):
    response = client_for(open_mentor).post(CALENDARS, {"name": "Work", "url": url}, format="json")
    # A NUL byte is refused by the API's parser before the view ("invalid"); the rest by the service.
    assert response.status_code == 400 and response.json()["code"] in ("invalid", "invalid_calendar")
    assert "url" in response.json()["errors"] or "\x00" in url
    with pytest.raises(BookingError):
        services.calendar_add(mentor=open_mentor, name="Work", url=url)


def test_an_address_that_is_not_a_calendar_is_refused_and_nothing_saved(open_mentor, feed_server):
    url = feed_server.serve("/login", body=b"<html>Sign in to continue</html>")
    with pytest.raises(BookingError) as info:
        services.calendar_add(mentor=open_mentor, name="Work", url=url)
    assert info.value.code == "calendar_unreachable" and "not an iCalendar feed" in info.value.field_errors["url"][0]
    assert not ExternalCalendar.objects.exists()


def test_a_mentor_has_at_most_the_allowed_number_of_calendars(open_mentor, google_url, settings):
    settings.CALENDARS_PER_MENTOR = 1
    services.calendar_add(mentor=open_mentor, name="Work", url=google_url)
    with pytest.raises(BookingError) as info:
        services.calendar_add(mentor=open_mentor, name="Home", url=google_url)
    assert info.value.code == "too_many_calendars" and info.value.status == 409


# --- the slot engine's inputs --------------------------------------------------------------------

def test_busy_times_are_not_offered_and_free_times_are(open_mentor, google_url):
    monday = utc(2026, 11, 9)  # the stand-up moved to 14:00 Berlin (13:00 UTC) that day
    before = _starts(open_mentor, monday)
    assert utc(2026, 11, 9, 13) in before and utc(2026, 11, 9, 8) in before

    services.calendar_add(mentor=open_mentor, name="Work", url=google_url)

    after = _starts(open_mentor, monday)
    assert utc(2026, 11, 9, 13) not in after and utc(2026, 11, 9, 12, 45) not in after  # 30 min would overlap
    assert utc(2026, 11, 9, 8) in after  # its old time is free again
    assert utc(2026, 11, 9, 13, 30) in after


def test_all_day_event_blocks_the_day_unless_the_calendar_says_not_to(work, open_mentor):
    offsite = utc(2026, 11, 11, 23)  # Thursday 12 November, Berlin midnight to midnight
    assert _starts(open_mentor, offsite) == []
    services.calendar_update(mentor=open_mentor, calendar_id=work.pk, all_day_blocks=False)
    assert services.calendars_refresh_due() == {"claimed": 1, "updated": 1}  # re-read in full at once
    assert len(_starts(open_mentor, offsite)) == 12 * 4 - 1


def test_tentative_events_block_by_choice(work, open_mentor):
    tentative = utc(2026, 11, 5, 14)  # 15:00 Berlin
    assert tentative not in _starts(open_mentor, utc(2026, 11, 5))
    services.calendar_update(mentor=open_mentor, calendar_id=work.pk, tentative_busy=False)
    services.calendars_refresh_due()
    assert tentative in _starts(open_mentor, utc(2026, 11, 5))


def test_booking_a_busy_time_is_refused_with_next_free_times(work, open_mentor, mentee):
    with pytest.raises(BookingError) as info:
        book(mentee, open_mentor, utc(2026, 11, 9, 13))
    assert info.value.status == 409 and "busy" in info.value.message
    assert info.value.extra["next_slots"] and "2026-11-09T13:00:00Z" not in info.value.extra["next_slots"]
    assert book(mentee, open_mentor, utc(2026, 11, 9, 13, 30)).pk


def test_a_stale_calendar_still_blocks_with_its_last_known_busy_times(work, open_mentor, mentee, feed_server):
    feed_server.serve(SECRET_PATH, status=503)
    assert services.calendar_refresh(calendar_id=work.pk) == "failed"
    work.refresh_from_db()
    assert work.consecutive_failures == 1 and "503" in work.last_error
    assert BusyInterval.objects.filter(calendar=work).count() == work.busy_count > 0
    with pytest.raises(BookingError) as info:
        book(mentee, open_mentor, utc(2026, 11, 9, 13))
    assert info.value.status == 409


def test_buffers_keep_their_distance_from_calendar_events(work, open_mentor):
    set_policy(open_mentor, min_notice_hours=1, buffer_after_minutes=15)
    starts = _starts(open_mentor, utc(2026, 11, 9))
    assert utc(2026, 11, 9, 12, 30) not in starts  # ends 12:00... its buffer runs into 13:00 UTC
    assert utc(2026, 11, 9, 12, 15) in starts


def test_matchings_free_slot_counts_subtract_busy_times(open_mentor, google_url):
    other = MentorFactory(timezone="Europe/Berlin")
    open_every_day(other)
    set_policy(other, min_notice_hours=1)
    window = dict(start=utc(2026, 11, 11, 23), end=utc(2026, 11, 12, 23))  # the offsite day
    before = mentors_free_slot_counts(mentor_ids=[open_mentor.pk, other.pk], duration=30, **window)
    services.calendar_add(mentor=open_mentor, name="Work", url=google_url)
    after = mentors_free_slot_counts(mentor_ids=[open_mentor.pk, other.pk], duration=30, **window)
    assert before[open_mentor.pk] == before[other.pk] == after[other.pk] > 0
    assert after[open_mentor.pk] == 0


def test_removing_a_calendar_frees_its_times(work, open_mentor):
    services.calendar_remove(mentor=open_mentor, calendar_id=work.pk)
    assert not BusyInterval.objects.exists()
    assert utc(2026, 11, 9, 13) in _starts(open_mentor, utc(2026, 11, 9))


def test_outlook_feed_blocks_its_windows_zone_series(open_mentor, feed_server):
    url = feed_server.serve("/owa/calendar/abc/reachcalendar.ics", body=OUTLOOK)
    services.calendar_add(mentor=open_mentor, name="Outlook", url=url)
    tuesday = _starts(open_mentor, utc(2026, 11, 3))
    assert utc(2026, 11, 3, 12) not in tuesday and utc(2026, 11, 3, 11) in tuesday  # 13:00-14:00 Berlin
    assert utc(2026, 11, 10, 12) in _starts(open_mentor, utc(2026, 11, 10))  # EXDATE


# --- refreshing ----------------------------------------------------------------------------------

def test_refresh_sends_the_etag_and_keeps_intervals_when_not_modified(work, feed_server):
    count = BusyInterval.objects.filter(calendar=work).count()
    assert services.calendar_refresh(calendar_id=work.pk) == "unchanged"
    assert feed_server.hits(SECRET_PATH)[-1]["if-none-match"] == '"g1"'
    assert BusyInterval.objects.filter(calendar=work).count() == count


def test_a_feed_without_validators_sending_the_same_bytes_is_not_read_again(open_mentor, feed_server):
    url = feed_server.serve("/no-etag.ics", body=GOOGLE)
    calendar = services.calendar_add(mentor=open_mentor, name="Work", url=url)
    ids = set(BusyInterval.objects.filter(calendar=calendar).values_list("pk", flat=True))
    assert services.calendar_refresh(calendar_id=calendar.pk) == "unchanged"
    assert set(BusyInterval.objects.filter(calendar=calendar).values_list("pk", flat=True)) == ids
    feed_server.serve("/no-etag.ics", body=GOOGLE.replace(b"20261005T090000", b"20261005T100000"))
    assert services.calendar_refresh(calendar_id=calendar.pk) == "updated"


def test_refresh_reads_a_changed_feed(work, feed_server, open_mentor):
    feed_server.serve(SECRET_PATH, body=OUTLOOK, etag='"g2"')
    assert services.calendar_refresh(calendar_id=work.pk) == "updated"
    work.refresh_from_db()
    assert work.etag == '"g2"' and work.event_count == 5


def test_the_periodic_job_claims_each_due_calendar_once(work, feed_server, frozen_now):
    hits = len(feed_server.hits(SECRET_PATH))
    assert services.calendars_refresh_due() == {"claimed": 0}  # not due yet
    frozen_now.move_to(utc(2026, 11, 2, 6, 16))
    assert services.calendars_refresh_due()["claimed"] == 1
    assert services.calendars_refresh_due() == {"claimed": 0}  # ran twice: one fetch
    assert len(feed_server.hits(SECRET_PATH)) == hits + 1


def test_failures_back_off_and_mail_the_mentor_once_per_streak(work, feed_server, settings, open_mentor):
    settings.CALENDAR_FAILURES_BEFORE_MAIL = 3
    feed_server.serve(SECRET_PATH, status=404)
    now = utc(2026, 11, 2, 7)
    delays = []
    for _ in range(5):
        services.calendar_refresh(calendar_id=work.pk, now=now)
        work.refresh_from_db()
        delays.append(work.next_refresh_at - now)
        now = work.next_refresh_at
    assert delays == [timedelta(minutes=30), timedelta(minutes=60), timedelta(minutes=120),
                      timedelta(minutes=240), timedelta(minutes=480)]
    [mail] = Notification.objects.filter(kind="calendar_failing")
    assert mail.recipient == open_mentor and "Work" in mail.subject
    for part in ("text", "html"):
        assert "Work" in mail.payload[part] and "404" in mail.payload[part] and SECRET_PART not in mail.payload[part]
        assert "127.0.0.1….ics" in mail.payload[part]

    feed_server.serve(SECRET_PATH, body=GOOGLE)
    assert services.calendar_refresh(calendar_id=work.pk, now=now) == "updated"
    work.refresh_from_db()
    assert (work.consecutive_failures, work.last_error, work.failure_mailed) == (0, "", False)


# --- the secret address --------------------------------------------------------------------------

def test_the_address_is_never_shown_in_full(work, open_mentor, client_for, staff, caplog):
    caplog.set_level(logging.DEBUG)
    assert SECRET_PART not in repr(work) and SECRET_PART not in str(work) and SECRET_PART not in repr(work.url)
    assert work.url_display == "127.0.0.1….ics"
    client = client_for(open_mentor)
    for url in (CALENDARS, detail(work.pk)):
        assert SECRET_PART not in client.get(url).content.decode()
    page = client.get(reverse("booking:availability")).content.decode()
    assert "127.0.0.1….ics" in page and SECRET_PART not in page
    admin = client_for(staff)
    for url in (reverse("admin:booking_externalcalendar_changelist"),
                reverse("admin:booking_externalcalendar_change", args=[work.pk])):
        response = admin.get(url)
        assert response.status_code == 200 and SECRET_PART not in response.content.decode()
    assert SECRET_PART not in caplog.text


def test_a_refused_address_is_not_echoed_back(open_mentor, client_for, feed_server):
    secret = feed_server.serve(SECRET_PATH, status=401)
    client = client_for(open_mentor)
    page = client.post(reverse("booking:calendar_add"), {"name": "Work", "url": secret})
    assert page.status_code == 400 and "401" in page.content.decode() and SECRET_PART not in page.content.decode()
    api = client.post(CALENDARS, {"name": "Work", "url": secret}, format="json")
    assert api.status_code == 400 and api.json()["code"] == "calendar_unreachable"
    assert SECRET_PART not in api.content.decode()


def test_error_reports_do_not_show_the_address(work):
    """Django's error report of an exception raised while fetching: the fetcher's and the service's
    local variables are hidden, and the calendar's repr is masked."""
    import sys

    from django.views.debug import ExceptionReporter

    from mentorship.safe_fetch import safe_fetch

    try:
        safe_fetch(work.url + "?x=", max_bytes=10)
    except Exception:
        report = ExceptionReporter(None, *sys.exc_info()).get_traceback_html()
    assert "safe_fetch" in report and SECRET_PART not in report


# --- the API, persona by persona -----------------------------------------------------------------

def test_anonymous_gets_401(api_client, db):
    assert api_client.get(CALENDARS).status_code == 401
    assert api_client.post(CALENDARS, {}, format="json").status_code == 401
    assert api_client.get(EXPLAIN).status_code == 401


def test_a_mentee_is_not_a_mentor(client_for, mentee):
    assert client_for(mentee).get(CALENDARS).status_code == 403


@pytest.mark.parametrize("who", ["stranger_mentor", "staff"])
def test_someone_elses_calendar_is_404(work, client_for, staff, who):
    other = staff if who == "staff" else MentorFactory()
    if who == "staff":
        other.is_mentor = True
        other.save()
    client = client_for(other)
    assert client.get(detail(work.pk)).status_code == 404
    assert client.patch(detail(work.pk), {"name": "Mine"}, format="json").status_code == 404
    assert client.delete(detail(work.pk)).status_code == 404
    assert client.get(CALENDARS).json()["results"] == []
    assert ExternalCalendar.objects.get(pk=work.pk).name == "Work"


def test_owner_adds_lists_changes_and_removes(open_mentor, client_for, google_url):
    client = client_for(open_mentor)
    created = client.post(CALENDARS, {"name": "Work", "url": google_url, "tentative_busy": False}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["summary"] == "7 events, next busy: Mon 2 Nov 09:00–09:30 CET (Europe/Berlin)"
    assert body["url_display"] == "127.0.0.1….ics" and "url" not in body and body["tentative_busy"] is False
    listed = client.get(CALENDARS).json()
    assert [c["id"] for c in listed["results"]] == [body["id"]] and listed["timezone"] == "Europe/Berlin"
    changed = client.patch(detail(body["id"]), {"name": "Day job", "all_day_blocks": False}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Day job" and not changed.json()["all_day_blocks"]
    assert client.delete(detail(body["id"])).status_code == 204
    assert client.get(detail(body["id"])).status_code == 404


def test_adding_a_private_address_through_the_api_is_400(open_mentor, client_for):
    response = client_for(open_mentor).post(CALENDARS, {"name": "Work", "url": "http://169.254.169.254/latest/"},
                                            format="json")
    assert response.status_code == 400 and response.json()["code"] == "calendar_unreachable"
    assert "link-local" in response.json()["errors"]["url"][0]


def test_the_calendar_list_costs_the_same_queries_for_any_number(open_mentor, client_for, google_url,
                                                                  django_assert_num_queries):
    client = client_for(open_mentor)
    services.calendar_add(mentor=open_mentor, name="Work", url=google_url)
    with django_assert_num_queries(3):  # session, user, calendars with their next busy time
        client.get(CALENDARS)
    for name in ("Home", "Club"):
        services.calendar_add(mentor=open_mentor, name=name, url=google_url)
    with django_assert_num_queries(3):
        assert len(client.get(CALENDARS).json()["results"]) == 3


# --- why is this time not offered? ---------------------------------------------------------------

@pytest.mark.parametrize("local, code, words", [
    ("2026-11-09T14:00", "mentor_busy", "You are busy in your calendar “Work” at that time."),
    ("2026-11-09T13:45", "mentor_busy", "You are busy in your calendar “Work” at that time."),  # runs into 14:00
    ("2026-11-09T13:30", "offered", "This time is offered to mentees."),  # ends as the meeting starts
    ("2026-11-09T21:00", "outside_availability", "outside your hours"),
    ("2026-11-09T10:00", "offered", "This time is offered to mentees."),
    ("2026-11-09T10:05", "not_aligned", "15-minute grid"),
    ("2026-11-02T07:30", "notice", "minimum notice of 1 hours"),
    ("2027-02-01T10:00", "horizon", "60 days ahead"),
])
def test_explain_names_the_reason(work, open_mentor, client_for, local, code, words):
    response = client_for(open_mentor).get(EXPLAIN, {"start": local, "duration": 30})
    assert response.status_code == 200
    assert response.json()["code"] == code and words in response.json()["message"]
    assert response.json()["offered"] is (code == "offered")


def test_explain_tells_a_booking_from_its_buffer(work, open_mentor, mentee):
    set_policy(open_mentor, min_notice_hours=1, buffer_before_minutes=15, buffer_after_minutes=15)
    book(mentee, open_mentor, utc(2026, 11, 10, 9))  # 10:00 Berlin
    assert slot_explain(mentor=open_mentor, start=utc(2026, 11, 10, 9), duration=30).code == "booked"
    buffer = slot_explain(mentor=open_mentor, start=utc(2026, 11, 10, 9, 45), duration=30)
    assert buffer.code == "buffer" and "15 minutes before, 15 after" in buffer.message
    near = slot_explain(mentor=open_mentor, start=utc(2026, 11, 9, 12, 30), duration=30)  # ends 13:00, buffer to 13:15
    assert near.code == "mentor_busy" and "falls in your buffer" in near.message


def test_explain_on_the_availability_page(work, open_mentor, client_for):
    page = client_for(open_mentor).get(reverse("booking:availability_explain"),
                                       {"date": "2026-11-12", "time": "10:00", "duration": 30})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-code="mentor_busy"' in html and "busy in your calendar “Work”" in html


def test_explain_caps_and_budget(open_mentor, mentee):
    set_policy(open_mentor, min_notice_hours=1, max_per_day=1)
    book(mentee, open_mentor, utc(2026, 11, 10, 9))
    day_cap = slot_explain(mentor=open_mentor, start=utc(2026, 11, 10, 14), duration=30)
    assert day_cap.code == "day_cap" and "daily cap of 1 session is reached" in day_cap.message
    set_policy(open_mentor, min_notice_hours=1, max_per_day=None, weekly_budget_minutes=30)
    budget = slot_explain(mentor=open_mentor, start=utc(2026, 11, 11, 14), duration=30)
    assert budget.code == "budget" and "weekly budget of 30 minutes" in budget.message


# --- the page ------------------------------------------------------------------------------------

def test_the_page_adds_lists_and_removes_a_calendar(open_mentor, google_url):
    client = Client()
    client.force_login(open_mentor)
    response = client.post(reverse("booking:calendar_add"), {"name": "Work", "url": google_url,
                                                             "all_day_blocks": "on", "tentative_busy": "on"},
                           follow=True)
    html = response.content.decode()
    assert "Calendar “Work” added: 7 events, next busy: Mon 2 Nov 09:00–09:30 CET (Europe/Berlin)." in html
    calendar = ExternalCalendar.objects.get()
    assert f'id="calendar-{calendar.pk}"' in html and "Next read" in html
    response = client.post(reverse("booking:calendar_update", args=[calendar.pk]),
                           {f"c{calendar.pk}-name": "Day job"}, follow=True)
    calendar.refresh_from_db()
    assert calendar.name == "Day job" and not calendar.all_day_blocks and not calendar.tentative_busy
    client.post(reverse("booking:calendar_delete", args=[calendar.pk]))
    assert not ExternalCalendar.objects.exists()


def test_the_page_refuses_someone_elses_calendar_with_404(work):
    client = Client()
    client.force_login(MentorFactory())
    assert client.post(reverse("booking:calendar_delete", args=[work.pk])).status_code == 404
    assert client.post(reverse("booking:calendar_update", args=[work.pk]), {f"c{work.pk}-name": "x"}).status_code == 404
    assert ExternalCalendar.objects.filter(pk=work.pk).exists()


# --- the periodic task ---------------------------------------------------------------------------

def test_the_beat_task_refreshes_due_calendars_once_however_often_it_runs(work, feed_server, frozen_now):
    from mentorship.celery import app
    from sessions.tasks import refresh_calendars

    assert app.conf.beat_schedule["refresh-calendars"] == {"task": "sessions.refresh_calendars", "schedule": 15 * 60.0}
    hits = len(feed_server.hits(SECRET_PATH))
    frozen_now.move_to(utc(2026, 11, 2, 6, 20))
    assert refresh_calendars() == 1
    assert refresh_calendars() == 0
    assert len(feed_server.hits(SECRET_PATH)) == hits + 1


def test_the_directorys_free_times_subtract_busy_times_once_a_calendar_is_added_or_removed(
        open_mentor, google_url, django_capture_on_commit_callbacks):
    from accounts.models import MentorFreeTime
    from sessions.services.free_times import mentors_free_times_refresh

    stand_up = utc(2026, 11, 9, 13)  # Monday 9 November, 14:00 Berlin: the moved stand-up

    def listed_free() -> bool:
        return MentorFreeTime.objects.filter(mentor_id=open_mentor.pk, start__lte=stand_up,
                                             last_start__gte=stand_up).exists()

    mentors_free_times_refresh(mentor_ids=[open_mentor.pk])
    assert listed_free()
    with django_capture_on_commit_callbacks(execute=True):
        work = services.calendar_add(mentor=open_mentor, name="Work", url=google_url)
    assert not listed_free()
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_remove(mentor=open_mentor, calendar_id=work.pk)
    assert listed_free()
