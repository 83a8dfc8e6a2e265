"""In a real browser, at desktop and phone widths: an organisation admin signs in, opens the
insights page, and the charts (SVG) and their tables render, the period can be changed, and the
console stays clean (no script error, nothing the Content-Security-Policy refused)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from insights.services import booking_skills_refresh
from insights.tests.support import march_program, member
from orgs.models import Membership
from tests.journey_support import DESKTOP, PHONE, log_in, submit_and_drain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_an_org_admin_reads_the_insights_charts_and_tables(page, settings):
    settings.INSIGHTS_MIN_CELL = 1  # a small history, every number visible
    march = march_program()
    booking_skills_refresh()
    admin = member(march.org, email="boss@acme.test", role=Membership.Role.ADMIN)

    log_in(page, page.url, admin.email, PASSWORD)
    page.go("/orgs/acme/programs/cross-team/insights/?from=2027-03-01&to=2027-03-31")
    main = page.find_element(By.ID, "main")
    assert "Insights: Cross-team" in main.find_element(By.TAG_NAME, "h1").text
    for chart in ("weekly-chart", "stars-chart", "matrix-chart", "gap-chart", "colleagues-chart", "load-chart"):
        svg = page.find_element(By.ID, chart)
        assert svg.is_displayed() and svg.size["width"] > 100, chart
        assert svg.get_attribute("role") == "img"
    assert len(page.find_elements(By.CSS_SELECTOR, "#weekly-chart rect.outer")) == 5
    # The numbers as tables: open the weekly one and read a week across the DST change.
    weekly = page.find_element(By.ID, "weekly-numbers")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", weekly)
    weekly.find_element(By.TAG_NAME, "summary").click()
    assert "29 Mar 2027" in weekly.text
    assert "Python" in page.find_element(By.ID, "topics").text
    # Readable on a phone: nothing wider than the screen.
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")

    # Another period through the form: an empty quarter shows the empty state.
    form = page.find_element(By.CSS_SELECTOR, "form.insights-period")
    page.execute_script("arguments[0].value = '2030-01-01'", form.find_element(By.NAME, "from"))
    page.execute_script("arguments[0].value = '2030-03-31'", form.find_element(By.NAME, "to"))
    submit_and_drain(page, form)
    assert "No sessions in this period yet" in page.find_element(By.ID, "insights-empty").text
    assert page.console.severe() == []

