"""In a real browser, at desktop and phone widths: a mentor signs in, lands on their home, confirms
one request in place (htmx swaps the row), extends another, and reads the record's charts; the
console stays clean (no script error, nothing the Content-Security-Policy refused)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from accounts.models import MentorProfile
from insights.tests.mentor_support import review, session
from sessions.models import Booking, BookingEvent
from sessions.tests.test_bookings_support import book, local_slot, open_every_day, set_policy
from tests.factories import MenteeFactory, MentorFactory
from tests.journey_support import DESKTOP, PHONE, latest_mail_to, log_in, wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "correct-horse-battery"


def _world():
    mentor = MentorFactory(email="maya@example.com", name="Maya Mentor", timezone="Europe/Berlin")
    open_every_day(mentor)
    set_policy(mentor, requires_approval=True)
    first = book(MenteeFactory(email="ana@example.com", name="Ana Asker"), mentor, local_slot(mentor, days=4),
                 topic="Staff promotion case")
    second = book(MenteeFactory(email="ben@example.com", name="Ben Busy"), mentor, local_slot(mentor, days=5),
                  topic="Hiring my first engineer")
    for i, stars in enumerate([5, 4, 5]):
        done = session(mentor, start=datetime(2026, 8 + i, 10, 10, tzinfo=UTC))
        review(done, stars=stars, expectation="met")
    assert MentorProfile.objects.get(user=mentor).badges == []
    return mentor, first, second


def _row_swapped(page, pk: int, text: str):
    def check(_):
        try:
            return text in page.find_element(By.ID, f"request-{pk}").text
        except StaleElementReferenceException:
            return False
    return check


def _click(page, element) -> None:
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_a_mentor_confirms_and_extends_from_home_and_reads_the_charts(page, settings):
    settings.RECOGNITION_RESPONSE_MIN = 1  # one quick answer earns "Quick responder" here
    mentor, first, second = _world()
    log_in(page, page.url, mentor.email, PASSWORD)
    assert page.current_url.endswith("/home/")  # a mentor lands on their home
    requests = page.find_elements(By.CSS_SELECTOR, "#mentor-requests li.mentor-request")
    assert [r.get_attribute("id") for r in requests] == [f"request-{first.pk}", f"request-{second.pk}"]
    assert "left to answer" in requests[0].text

    # Confirm the first in place: the row is swapped, the page is not reloaded.
    marker = page.execute_script("return window.__homeMarker = Math.random()")
    _click(page, page.find_element(By.CSS_SELECTOR, f"#request-{first.pk} form[action$='/confirm/'] button"))
    wait(page, _row_swapped(page, first.pk, "Confirmed. The mentee has been told."))
    assert page.execute_script("return window.__homeMarker") == marker
    assert Booking.objects.get(pk=first.pk).status == Booking.Status.CONFIRMED

    # Extend the second: it stays answerable, once.
    before = Booking.objects.get(pk=second.pk).expires_at
    _click(page, page.find_element(By.CSS_SELECTOR, f"#request-{second.pk} form[action$='/extend/'] button"))
    wait(page, _row_swapped(page, second.pk, "Extended once"))
    row = page.find_element(By.ID, f"request-{second.pk}")
    assert not row.find_elements(By.CSS_SELECTOR, "form[action$='/extend/']")
    assert row.find_elements(By.CSS_SELECTOR, "form[action$='/confirm/']")
    assert Booking.objects.get(pk=second.pk).expires_at == before + timedelta(hours=24)
    assert BookingEvent.objects.filter(booking_id=second.pk, kind=BookingEvent.Kind.EXTENDED).count() == 1
    told = latest_mail_to("ben@example.com")  # the mentee hears it through the outbox
    assert "needs a little more time" in told.subject and "stays open until" in told.body

    # The record: three charts drawn as SVG, the numbers, and the badge the quick answer just earned.
    page.go("/home/")
    for chart in ("sessions-chart", "hours-chart", "rating-chart"):
        svg = page.find_element(By.ID, chart)
        page.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
        assert svg.is_displayed() and svg.size["width"] > 100, chart
        assert svg.get_attribute("role") == "img"
    bars = page.find_elements(By.CSS_SELECTOR, "#sessions-chart rect.outer")
    assert len(bars) == 12 and len([b for b in bars if float(b.get_attribute("height")) > 0]) == 3
    assert len(page.find_elements(By.CSS_SELECTOR, "#rating-chart circle.dot")) == 3
    assert "3 (1.5 hours)" in page.find_element(By.ID, "stat-sessions").text
    assert page.find_element(By.CSS_SELECTOR, "[data-badge='quick_responder']").is_displayed()
    assert page.find_element(By.ID, f"session-{first.pk}").is_displayed()  # confirmed: now among the sessions
    # Readable on a phone: nothing wider than the screen.
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.console.severe() == []


@pytest.mark.parametrize("page", [DESKTOP], ids=["desktop"], indirect=True)
def test_without_javascript_results_the_forms_still_answer(page):
    """The same forms as plain posts (htmx removed from the page): back on the home page with a message."""
    mentor, first, _ = _world()
    log_in(page, page.url, mentor.email, PASSWORD)
    page.execute_script("document.querySelectorAll('[hx-post]').forEach(f => f.removeAttribute('hx-post'))")
    button = page.find_element(By.CSS_SELECTOR, f"#request-{first.pk} form[action$='/confirm/'] button")
    _click(page, button)
    wait(page, lambda b: "Confirmed. The mentee has been told." in b.find_element(By.ID, "main").text)
    assert page.current_url.endswith("/home/")
    assert Booking.objects.get(pk=first.pk).status == Booking.Status.CONFIRMED
    assert page.console.severe() == []
