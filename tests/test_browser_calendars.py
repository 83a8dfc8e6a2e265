"""In a real browser, at desktop and phone widths: a mentor adds their work calendar (served by a
local HTTP server) on the availability page and sees what was found, asks why a time is not
offered, and a mentee's slot picker no longer offers the busy time. Fails on console errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from sessions.models import ExternalCalendar
from sessions.tests.test_bookings_support import open_every_day, set_policy
from tests.feed_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)
from tests.journey_support import DESKTOP, PHONE, fill, log_in, set_value, submit_and_drain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
GOOGLE = (Path(__file__).parent.parent / "sessions" / "tests" / "fixtures" / "google_work.ics").read_bytes()
# Monday 9 November: the stand-up moved to 14:00-14:30 Berlin (13:00 UTC).
BUSY, FREE = "2026-11-09T13:00:00Z", "2026-11-09T13:30:00Z"


def _offered(page, iso: str) -> bool:
    source = page.page_source
    return iso in source or iso.replace(":", "%3A") in source


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_mentor_adds_a_calendar_and_mentees_no_longer_see_the_busy_time(page, mentor, mentee, feed_server):
    open_every_day(mentor)
    set_policy(mentor, min_notice_hours=1)
    feed_url = feed_server.serve("/calendar/ical/work/private-abc123/basic.ics", body=GOOGLE)
    picker = f"/mentors/{mentor.pk}/slots/?start=2026-11-09&duration=30&tz=Europe/Berlin&days=7"

    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(picker)
    assert _offered(page, BUSY) and _offered(page, FREE)

    log_in(page, page.url, mentor.email, PASSWORD)
    page.go("/availability/")
    form = page.find_element(By.ID, "calendar-form")
    fill(page, "name", "Work", scope=form)
    fill(page, "url", feed_url, scope=form)
    submit_and_drain(page, form)
    main = page.find_element(By.TAG_NAME, "main").text
    assert "Calendar “Work” added: 7 events, next busy: Mon 2 Nov 09:00–09:30 CET (Europe/Berlin)." in main
    card = page.find_element(By.ID, f"calendar-{ExternalCalendar.objects.get().pk}")
    assert "127.0.0.1….ics" in card.text and "private-abc123" not in page.page_source

    explain = page.find_element(By.ID, "explain-form")
    set_value(page, explain.find_element(By.NAME, "date"), "2026-11-09")
    set_value(page, explain.find_element(By.NAME, "time"), "14:00")
    submit_and_drain(page, explain)
    assert "You are busy in your calendar “Work” at that time." in page.find_element(By.ID, "explanation").text

    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(picker)
    assert not _offered(page, BUSY) and _offered(page, FREE)
    assert page.console.severe() == []
