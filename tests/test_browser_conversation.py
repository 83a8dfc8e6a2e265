"""In a real browser, at desktop and phone widths, around one session: the mentee adds context and
an agenda point, the mentor finds the message (unread badge, inbox) and replies, the session
completes, both keep notes and an action item, the recap mail lists it, "Book again" leads to the
mentor's booking panel, and after the follow-up window the thread is read-only. Fails on console
errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from selenium.webdriver.common.by import By

from conversations import services
from conversations.models import ActionItem, Message, Note
from sessions.services.lifecycle import sessions_complete_due
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import BookingFactory
from tests.journey_support import (
    DESKTOP,
    PHONE,
    click_and_wait_for_page,
    fill,
    log_in,
    set_value,
    submit_and_drain,
    wait,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _form(driver, form_id: str):
    return driver.find_element(By.ID, form_id)


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_a_session_talked_through_before_and_after(page, mentor, mentee, frozen_now, settings):
    settings.CONVERSATIONS_POLL_SECONDS = 1  # the open thread asks for new messages every second
    desktop = page.get_window_size()["width"] > PHONE[0] + 100
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    conversation = f"/sessions/{booking.pk}/conversation/"

    # The mentee opens the session, follows its conversation link, adds an agenda point and context.
    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(f"/sessions/{booking.pk}/")
    click_and_wait_for_page(page, page.find_element(By.ID, "open-conversation"))
    assert page.current_url.endswith(conversation)
    assert booking.question in page.find_element(By.ID, "agenda-question").text
    fill(page, "text", "Whether to ask for the staff title now", scope=_form(page, "agenda-form"))
    submit_and_drain(page, _form(page, "agenda-form"))
    assert "Whether to ask for the staff title now" in page.find_element(By.ID, "agenda").text
    fill(page, "body", "My promotion doc is **two pages**; the second is the risky part.",
         scope=_form(page, "message-form"))
    submit_and_drain(page, _form(page, "message-form"))
    mine = page.find_element(By.CSS_SELECTOR, "#thread-messages .thread-message.mine")
    assert mine.find_element(By.CSS_SELECTOR, ".body strong").text == "two pages"

    # The mentor sees it waiting: the badge (desktop navigation) and the inbox, then replies.
    log_in(page, page.url, mentor.email, PASSWORD)
    page.go("/conversations/")
    if desktop:
        wait(page, lambda d: d.find_element(By.ID, "unread-badge").text.strip() == "1")
    row = page.find_element(By.CSS_SELECTOR, "#threads li")
    assert mentee.display_name in row.text and "1 unread" in row.get_attribute("innerHTML")
    click_and_wait_for_page(page, row.find_element(By.TAG_NAME, "a"))
    assert "Whether to ask for the staff title now" in page.find_element(By.ID, "agenda").text
    fill(page, "body", "Bring the second page; we start there.", scope=_form(page, "message-form"))
    submit_and_drain(page, _form(page, "message-form"))
    assert Message.objects.count() == 2

    # The mentee, with the thread open, sees the mentor's next message arrive without a reload.
    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(conversation)
    assert "Bring the second page" in page.find_element(By.ID, "thread-messages").text
    services.message_post(booking=booking, author=mentor, body="One more thing: bring _numbers_.")
    wait(page, lambda d: "One more thing" in d.find_element(By.ID, "thread-messages").text)
    assert page.find_element(By.CSS_SELECTOR, "#thread-messages .thread-message:last-child em").text == "numbers"

    # The session happens and completes; the mentor writes the shared notes and an action item.
    frozen_now.move_to(booking.end + timedelta(minutes=20))
    sessions_complete_due(now=timezone.now(), grace=15)
    log_in(page, page.url, mentor.email, PASSWORD)
    page.go(conversation)
    fill(page, "body", "Agreed: lead with impact, cut the project list.", scope=_form(page, "shared-note-form"))
    submit_and_drain(page, _form(page, "shared-note-form"))
    fill(page, "text", "Rewrite page two around three impact stories", scope=_form(page, "action-form"))
    set_value(page, _form(page, "action-form").find_element(By.NAME, "due_date"), "2026-11-20")
    submit_and_drain(page, _form(page, "action-form"))
    assert "Rewrite page two" in page.find_element(By.ID, "actions").text

    # The mentee keeps a private note and ticks nothing yet; the recap mail lists the item.
    log_in(page, page.url, mentee.email, PASSWORD)
    page.go(conversation)
    assert "lead with impact" in page.find_element(By.ID, "id_shared_note_body").get_attribute("value")
    fill(page, "body", "Ask my manager for the calibration dates.", scope=_form(page, "private-note-form"))
    submit_and_drain(page, _form(page, "private-note-form"))
    assert Note.objects.filter(shared=False, author=mentee).exists()
    notifications_dispatch_due()
    recap = next(m for m in mail.outbox if m.to == [mentee.email] and "How was your session" in m.subject)
    assert "Rewrite page two around three impact stories" in recap.body
    assert ActionItem.objects.get().owner_id == mentee.pk

    # Book again is one click away and lands on the mentor's booking panel.
    click_and_wait_for_page(page, page.find_element(By.ID, "book-again"))
    assert page.current_url.endswith(f"{mentor.mentor_profile.get_absolute_url()}#booking-panel-heading")
    assert page.find_element(By.ID, "booking-panel-heading").is_displayed()

    # A week after the session the thread is read-only, and says how to reopen it.
    frozen_now.move_to(booking.end + timedelta(days=7, hours=1))
    page.go(conversation)
    state = page.find_element(By.ID, "thread-state")
    assert state.get_attribute("data-open") == "false" and "Book again" in state.text
    assert not page.find_elements(By.ID, "message-form")
    assert "Bring the second page" in page.find_element(By.ID, "thread-messages").text

    errors = page.console.severe()
    assert not errors, "console errors:\n" + "\n".join(errors)
