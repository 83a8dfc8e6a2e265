"""End to end in headless Chromium: sign up, confirm the email, fill in a mentor profile, be found."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.core import mail
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from sessions.services.notifications import notifications_dispatch_due


def _fill(browser, element_id: str, text: str) -> None:
    field = browser.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def _submit(browser, form_selector: str = "main form") -> None:
    # Wait for the next page to replace this one, or the next lookup may hit the old page.
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, f"{form_selector} button[type=submit]").click()
    WebDriverWait(browser, 10).until(staleness_of(page))


# serialized_rollback: the languages seeded by a data migration survive the flush around this test,
# and other serialized transactional tests do not trip over content types recreated by that flush.
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signup_confirm_email_build_mentor_profile_and_find_it_in_the_directory(browser):
    browser.go("/accounts/signup/")
    _fill(browser, "id_email", "zara.quill@example.com")
    _fill(browser, "id_password1", "a-long-unusual-passphrase")
    _fill(browser, "id_password2", "a-long-unusual-passphrase")
    _fill(browser, "id_name", "Zara Quill")
    browser.find_element(By.CSS_SELECTOR, "input[name=role][value=mentor]").click()
    Select(browser.find_element(By.ID, "id_timezone")).select_by_value("Europe/Berlin")
    _submit(browser)
    assert "verify" in browser.page_source.lower() or "confirm" in browser.page_source.lower()

    notifications_dispatch_due()  # the worker sends the outbox row
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zara.quill@example.com"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    browser.go(re.sub(r"^https?://[^/]+", "", link))
    _submit(browser)
    assert browser.current_url.endswith("/welcome/roles/"), browser.current_url  # the guided start
    browser.go("/me/")
    assert "Zara Quill" in browser.find_element(By.TAG_NAME, "h1").text

    browser.go("/me/mentor-profile/")
    _fill(browser, "id_headline", "Lighthouse keeper turned marine data scientist")
    _fill(browser, "id_bio", "I moved from maritime work into data science and can help you do the same.")
    _fill(browser, "id_skills", "Data science, oceanography")
    _fill(browser, "id_years_experience", "14")
    browser.find_element(By.CSS_SELECTOR, "input[name=languages][value=de]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=session_lengths][value='45']").click()
    _submit(browser)
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".errorlist")]
    assert "Your mentor profile is saved" in browser.page_source, errors

    # Still a draft (accounts.completeness): listed once it has free times, set here through the
    # service (tests/test_browser_onboarding.py walks the availability editor itself).
    from accounts.models import User
    from sessions.services.availability import availability_set_weekly

    availability_set_weekly(mentor=User.objects.get(email="zara.quill@example.com"), rules=[(1, time(9), time(11))])
    browser.go("/mentors/")
    search = browser.find_element(By.ID, "id_q")
    search.send_keys("oceanography")
    # The directory form swaps in results with htmx (no page load), so wait for the result itself.
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "matching “oceanography”" in b.page_source)
    assert "1 mentor matching" in browser.page_source and "?q=oceanography" in browser.current_url
    link = browser.find_element(By.LINK_TEXT, "Zara Quill")
    link.click()
    assert "Lighthouse keeper turned marine data scientist" in browser.page_source
    assert "Oceanography" in browser.page_source
