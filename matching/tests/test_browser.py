"""In a real browser: a mentee opens "Recommended for you" and follows a mentor's profile link."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from matching import services
from matching.tests.conftest import make_mentee

# serialized_rollback: the seeded languages (a data migration) survive the flush between tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]



def test_mentee_sees_reasons_and_opens_the_best_mentors_profile(browser, pool):
    mentee = make_mentee("browser@example.com", "I freeze when presenting to the board")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    browser.force_login(mentee)
    browser.go("/")
    browser.find_element(By.LINK_TEXT, "Recommended for you").click()
    cards = browser.find_elements(By.CSS_SELECTOR, "li.card.match")
    assert len(cards) == 3
    assert "Coaches public speaking, which matches your goal" in cards[0].text
    cards[0].find_element(By.CSS_SELECTOR, "h2 a").click()
    assert browser.current_url.endswith(pool["speaker"].mentor_profile.get_absolute_url())
