"""The main pages work in a real browser under the Content-Security-Policy, at desktop and phone
widths, with a clean console.

Chromium writes everything the policy refuses (an inline script or style, an eval, an image from
another host) as a SEVERE console entry, so each step fails on any SEVERE entry at all. The steps
also check that what depends on scripts really ran: htmx swapped the slot picker and the weekly
grid, Swagger UI drew the API's operations, the admin's widgets started, the authenticator QR code
(a data: image) was drawn and the mail frame loaded.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from selenium.webdriver.common.by import By

from mentorship.mail_backends import MailboxBackend, mailbox_messages
from sessions.models import AvailabilityRule
from sessions.tests.test_bookings_support import open_every_day
from tests.factories import BookingFactory
from tests.journey_support import (
    DESKTOP,
    PHONE,
    click_and_wait_for_page,
    fresh_page,
    signed_in_client,
    wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(request, driver, live_server, settings):
    fresh_page(driver, live_server, settings, request.param)

    def sign_in_as(user) -> None:
        client = signed_in_client(user)
        driver.delete_all_cookies()
        driver.go("/healthz")
        driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                           "value": client.cookies[settings.SESSION_COOKIE_NAME].value})

    driver.sign_in_as = sign_in_as
    return driver


def assert_clean(driver, step: str) -> None:
    errors = driver.console.severe()
    assert not errors, f"{step}: console errors:\n" + "\n".join(errors)


def test_main_pages_work_under_the_policy(page, mentor, mentee, moderator, staff, settings, tmp_path):
    from ratings.services import rating_create

    open_every_day(mentor)
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    done = BookingFactory(mentor=mentor, mentee=mentee, status="completed",
                          start=timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=2))
    held = rating_create(booking_id=done.pk, rater=mentee, stars=5, comment="Call me on +1 212 555 0199.")
    settings.DEV_MAILBOX_DIR = tmp_path / "mail"
    message = EmailMultiAlternatives("Your session is confirmed", "See you tomorrow.", to=[mentee.email])
    message.attach_alternative("<p style='color: #333'>See you <b>tomorrow</b>.</p>", "text/html")
    MailboxBackend().send_messages([message])

    # A visitor: home, the directory (htmx search), a mentor's page with the slot picker.
    page.go("/")
    assert_clean(page, "home")
    page.go("/mentors/")
    assert page.find_elements(By.CSS_SELECTOR, ".mentor-card")
    assert_clean(page, "directory")
    page.go(mentor.mentor_profile.get_absolute_url())
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
    assert_clean(page, "mentor page")

    # The mentee books from the picker and opens a session.
    page.sign_in_as(mentee)
    page.go(mentor.mentor_profile.get_absolute_url())
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, "#slot-picker a.slot"))
    assert page.find_elements(By.NAME, "question"), "the slot did not lead to the booking form"
    assert_clean(page, "booking page")
    page.go(f"/sessions/{booking.pk}/")
    assert page.find_elements(By.ID, "session-time")
    assert_clean(page, "session page")
    # Two-factor set-up: the QR code is a data: image.
    page.go("/accounts/2fa/totp/activate/")
    qr = page.find_element(By.CSS_SELECTOR, "main img")
    assert page.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr)
    assert_clean(page, "authenticator set-up")

    # The mentor adds and removes a window in the weekly grid (htmx swaps).
    page.sign_in_as(mentor)
    page.go("/availability/")
    rows = len(page.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row"))
    assert rows == AvailabilityRule.objects.filter(mentor=mentor).count()
    page.find_element(By.CSS_SELECTOR, "#weekly-grid button[name=add][value='0']").click()
    wait(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row")) == rows + 1)
    page.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row button")[0].click()
    wait(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row")) == rows)
    assert len(page.find_elements(By.ID, "weekly-grid")) == 1
    assert_clean(page, "availability editor")

    # The moderator's queue.
    page.sign_in_as(moderator)
    page.go("/moderation/?state=pending")
    assert page.find_elements(By.ID, f"queue-{held.pk}")
    assert_clean(page, "moderation queue")

    # The API docs: Swagger UI starts and draws the operations.
    page.go("/api/docs/")
    wait(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 10, timeout=20)
    assert_clean(page, "API docs")

    # Staff: the admin (its own scripts, jQuery included) and the mailbox.
    page.sign_in_as(staff)
    page.go("/admin/")
    assert page.find_elements(By.ID, "content-main")
    page.go("/admin/accounts/user/")
    assert page.find_elements(By.ID, "result_list")
    assert page.execute_script("return !!(window.django && django.jQuery)"), "the admin's scripts did not run"
    page.go(f"/admin/booking/booking/{booking.pk}/change/")
    assert page.find_elements(By.CSS_SELECTOR, "#content-main form")
    assert_clean(page, "admin")
    page.go("/staff/mail/")
    [path] = mailbox_messages()
    page.go(f"/staff/mail/{path.name}/")
    frame = page.find_element(By.CSS_SELECTOR, "iframe.mail-frame")
    page.switch_to.frame(frame)
    try:
        wait(page, lambda d: "tomorrow" in d.find_element(By.TAG_NAME, "body").text)
    finally:
        page.switch_to.default_content()
    assert_clean(page, "staff mailbox")
