"""In a real browser, at desktop and phone widths: an organisation admin creates a program (mentors
from another department required), opens it and enrols a Finance mentor; an Engineering member
joins as a mentee, finds the Finance mentor recommended with the rule named, picks a time from the
program page and books it inside the program; the mentor sees the request with the program named,
and the admin's insights for the program count it.
Fails on console errors (including anything the Content-Security-Policy refused)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from orgs.models import Program, ProgramEnrollment
from orgs.tests.programs_support import bookable, member
from sessions.models import Booking
from tests.factories import BookingFactory, MenteeFactory, MentorFactory, UserFactory, org_with_ladder
from tests.journey_support import DESKTOP, PHONE, click_and_wait_for_page, fill, log_in, set_value, submit_and_drain

# serialized_rollback: the seeded languages (a data migration) survive the flush between tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _main(driver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def _click(driver, element) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    click_and_wait_for_page(driver, element)
    driver.console.drain()


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_admin_creates_a_program_member_joins_and_books_across_departments(page):
    org, depts, levels = org_with_ladder(name="Acme")
    admin = UserFactory(email="ada@acme.example", name="Ada Orgadmin")
    member(org, admin, dept=depts["Sales"], level=levels["IC4"], role="admin")
    mentee = MenteeFactory(email="mia@acme.example", name="Mia Mentee", timezone="Europe/Berlin")
    member(org, mentee, dept=depts["Engineering"], level=levels["IC1"])
    finance = bookable(MentorFactory(email="fred@acme.example", name="Fred Finance", timezone="Europe/Berlin"))
    member(org, finance, dept=depts["Finance"], level=levels["IC3"])

    # The admin creates the program: mentors from another department, two sessions a month.
    log_in(page, page.url, admin.email, PASSWORD)
    page.go("/orgs/acme/programs/")
    _click(page, page.find_element(By.ID, "new-program"))
    form = page.find_element(By.ID, "program-form")
    fill(page, "name", "Cross-team coffee", scope=form)
    fill(page, "purpose", "Meet a colleague from another team for a focused question.", scope=form)
    set_value(page, form.find_element(By.NAME, "starts_on"), "2026-11-01")
    set_value(page, form.find_element(By.NAME, "ends_on"), "2027-01-31")
    fill(page, "mentee_quota_per_month", "2", scope=form)
    rule = form.find_element(By.CSS_SELECTOR, "input[name=department_rule][value=require_other]")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", rule)
    rule.click()
    submit_and_drain(page, form)
    assert "Program created as a draft" in _main(page)
    _click(page, page.find_element(By.ID, "open-program"))
    assert page.find_element(By.ID, "program-status").text == "Open"
    program = Program.objects.get(name="Cross-team coffee")
    assert (program.department_rule, program.mentee_quota_per_month) == ("require_other", 2)
    # Five sessions other colleagues already requested in the program: enough people that the
    # insights show the count instead of "<5".
    for n in range(5):
        other_mentee = MenteeFactory(email=f"mentee{n}@acme.example")
        member(org, other_mentee, dept=depts["Sales"], level=levels["IC1"])
        other_mentor = MentorFactory(email=f"mentor{n}@acme.example")
        member(org, other_mentor, dept=depts["Engineering"], level=levels["IC3"])
        BookingFactory(mentee=other_mentee, mentor=other_mentor, program=program, status="requested",
                       mentee_department=depts["Sales"], mentee_level=levels["IC1"],
                       mentor_department=depts["Engineering"], mentor_level=levels["IC3"])

    # The admin enrols the Finance mentor on the People page.
    page.go(f"/orgs/acme/programs/{program.slug}/people/")
    enrol = page.find_element(By.ID, "enrol-form")
    fill(page, "email", finance.email, scope=enrol)
    side = enrol.find_element(By.CSS_SELECTOR, "input[name=side][value=mentor]")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", side)
    side.click()
    submit_and_drain(page, enrol)
    assert "Fred Finance is enrolled as a mentor" in _main(page)
    assert ProgramEnrollment.objects.get(user=finance).status == "joined"

    # The Engineering member finds the program, reads its rules and joins as a mentee.
    log_in(page, page.url, mentee.email, PASSWORD)
    page.go("/orgs/acme/programs/")
    _click(page, page.find_element(By.LINK_TEXT, "Cross-team coffee"))
    assert "Mentors always come from another department than yours." in _main(page)
    assert "Each mentee books up to 2 sessions a month in the program." in _main(page)
    _click(page, page.find_element(By.ID, "join-mentee"))
    card = page.find_element(By.CSS_SELECTOR, f"#recommendations [data-mentor-id='{finance.pk}']")
    assert "Finance, a department you have not met yet" in card.text
    assert "Two levels above you" in card.text

    # Picks a time from the program page; the booking page has the program chosen already.
    _click(page, card.find_element(By.PARTIAL_LINK_TEXT, "Pick a time"))
    _click(page, page.find_element(By.CSS_SELECTOR, "#slot-picker a.slot"))
    choice = page.find_element(By.NAME, "program")
    assert choice.get_attribute("value") == str(program.pk)
    fill(page, "topic", "How budgets are made")
    fill(page, "question", "How does Finance decide my team's budget, and when should I speak up?")
    submit_and_drain(page, page.find_element(By.CSS_SELECTOR, "main form.card"))
    assert "Cross-team coffee" in page.find_element(By.ID, "session-program").text
    booking = Booking.objects.get(mentee=mentee)
    assert booking.program == program
    assert (booking.mentee_department, booking.mentor_department) == (depts["Engineering"], depts["Finance"])

    # The mentor sees the request with the program named.
    log_in(page, page.url, finance.email, PASSWORD)
    page.go("/sessions/")
    assert "in Cross-team coffee" in page.find_element(By.CSS_SELECTOR, f"[data-booking='{booking.pk}']").text
    page.go(f"/sessions/{booking.pk}/")
    assert "In the program Cross-team coffee of Acme" in page.find_element(By.ID, "session-program").text

    # The admin's insights for the program count it: six sessions requested, one crossing into Finance.
    log_in(page, page.url, admin.email, PASSWORD)
    page.go("/orgs/acme/")
    _click(page, page.find_element(By.LINK_TEXT, "Insights for Cross-team coffee"))
    first, last = program.starts_on, program.ends_on
    page.go(f"/orgs/acme/programs/{program.slug}/insights/?from={first:%Y-%m-%d}&to={last:%Y-%m-%d}")
    requested = page.find_element(By.XPATH, "//dl[dt='Sessions requested']/dd")
    assert requested.text.startswith("6,"), requested.text

    assert not page.console.severe(), page.console.severe()
