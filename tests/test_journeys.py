"""Each role's first journey in a real browser, on the demo data `make run` seeds, at desktop and
phone widths, with a clean browser console.

The server clock is pinned (ticking) at a winter Wednesday morning so the seeded week, the notice
period and the slot picker give the same page on any day the suite runs; the browser's zone is
emulated so a visitor really is in New York. Every journey ends by failing on any SEVERE console
entry: a missing favicon, a failed request, or an htmx swap error.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from accounts.demo_data import DEMO_PASSWORD
from tests.db_snapshot import Snapshot
from tests.journey_support import (
    DESKTOP,
    PHONE,
    Console,
    click_and_wait_for_page,
    fill,
    first_link,
    latest_mail_to,
    log_in,
    path_of,
    set_value,
    wait,
)

# serialized_rollback: the languages and the Moderators group come from data migrations and must
# survive the flush that ends each transactional test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOW = datetime(2027, 2, 10, 10, 0, tzinfo=UTC)  # a Wednesday, far from any DST change
MENTOR = "lena.hoffmann@demo.mentorship.local"
MENTEE = "sam.taylor@demo.mentorship.local"
MODERATOR = "moderator@demo.mentorship.local"
WIDTHS = pytest.mark.parametrize("window", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture(scope="module")
def seeded(django_db_blocker):
    """The module's one seed: taken as a database snapshot after the first journey seeds it."""
    state = {"snapshot": None, "at": None}
    yield state
    if state["snapshot"] is not None:
        with django_db_blocker.unblock():
            state["snapshot"].drop()


@pytest.fixture
def demo(seeded, transactional_db):
    """The database `make run` gives: the real seed command at the pinned moment, run once for the
    module and restored from a snapshot for every later journey (seeding costs 20-40 s)."""
    if seeded["snapshot"] is None:
        with time_machine.travel(NOW, tick=True):
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the banner is noise here
            seeded["at"] = timezone.now()
        snapshot = Snapshot()
        snapshot.take()
        seeded["snapshot"] = snapshot
    else:
        seeded["snapshot"].restore()
    return get_user_model().objects


@pytest.fixture
def clock(demo, seeded):
    # Every journey starts at the moment the seed finished, as it would right after `make run`.
    # tick=True: the live server thread and the browser's requests see time move on from there.
    with time_machine.travel(seeded["at"], tick=True) as traveller:
        yield traveller


@pytest.fixture
def page(driver, live_server, demo, clock, request):
    """The module's browser at this test's width and zone, cookies cleared, console watched."""
    window = request.node.callspec.params["window"]
    zone = getattr(request, "param", "America/New_York")
    driver.delete_all_cookies()
    driver.get("about:blank")
    driver.set_window_size(*window)
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": zone})
    driver.get_log("browser")  # drop whatever the previous journey left behind
    console = Console(driver)
    driver.go = lambda path: (driver.get(live_server.url + path), console.drain())
    driver.url = live_server.url
    driver.console = console
    driver.window = window
    return driver


def assert_console_clean(driver) -> None:
    errors = driver.console.severe()
    assert not errors, "console errors:\n" + "\n".join(errors)
    # Chromium asks for the icon once per browser and caches a 404 silently, so later journeys in
    # the same browser would not see it in the console: ask for it as the browser would.
    icon = driver.execute_script(
        "var l = document.querySelector('link[rel~=icon]'); return l ? l.href : '/favicon.ico';")
    status = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {cache: 'no-store'}).then(r => done(r.status), () => done(0));", icon)
    assert status == 200, f"the page's icon {icon} answers {status}"


def open_menu_on_phone(driver) -> None:
    """On a phone the links sit behind a menu button; on a desktop they are in the bar."""
    links = driver.find_elements(By.CSS_SELECTOR, "nav.nav .nav-links a, nav[aria-label=Main] ul a")
    if driver.window != PHONE:
        assert any(link.is_displayed() for link in links)
        return
    # A disclosure button or a <details> summary; either way one control opens the links.
    toggles = [b for b in driver.find_elements(By.CSS_SELECTOR, "nav button[aria-expanded], nav details > summary")
               if b.is_displayed()]
    assert toggles, "phones get the nav links with no menu button"
    assert not any(link.is_displayed() for link in links), "the phone nav shows its links before the menu opens"
    toggles[0].click()
    wait(driver, lambda d: any(link.is_displayed() for link in links))


def zone_shown(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "footer").text


# --- visitor ------------------------------------------------------------------------------------

@WIDTHS
def test_visitor_browses_in_their_zone_signs_up_and_verifies(page, window):
    page.go("/mentors/")
    page.go("/mentors/")  # the zone cookie is set by the first page's script
    assert "America/New_York" in zone_shown(page), "the visitor in New York is shown another zone"
    open_menu_on_phone(page)

    page.go("/mentors/?q=Lena+Hoffmann")
    click_and_wait_for_page(page, page.find_element(By.LINK_TEXT, "Lena Hoffmann"))
    assert "Lena Hoffmann" in page.find_element(By.TAG_NAME, "h1").text
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"))
    assert "America/New_York" in page.find_element(By.ID, "slot-zone").text

    page.go("/accounts/signup/")
    email = f"new.visitor.{window[0]}@example.com"
    fill(page, "email", email)
    fill(page, "password1", "a-long-unusual-passphrase")
    fill(page, "password2", "a-long-unusual-passphrase")
    fill(page, "name", "Nia Newcomer")
    page.find_element(By.CSS_SELECTOR, "input[name=role][value=mentee]").click()
    zone = Select(page.find_element(By.NAME, "timezone"))
    assert zone.first_selected_option.get_attribute("value") == "America/New_York"
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "verify" in page.page_source.lower() or "confirm" in page.page_source.lower()

    page.go(path_of(first_link(latest_mail_to(email))))
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    page.console.drain()
    user = get_user_model().objects.get(email=email)
    assert user.emailaddress_set.get(email=email).verified
    # Signed in, at the guided start's first step (accounts.onboarding); it ends on the home page.
    assert page.current_url.endswith("/welcome/roles/"), page.current_url
    page.go("/home/")
    assert "Nia Newcomer" in page.find_element(By.TAG_NAME, "h1").text
    assert_console_clean(page)


# --- mentee -------------------------------------------------------------------------------------

@WIDTHS
def test_mentee_updates_profile_books_from_recommendations_and_cancels(page, window):
    from sessions.models import Booking

    log_in(page, page.url, MENTEE, DEMO_PASSWORD)
    page.go("/me/mentee-profile/")
    fill(page, "goals", "I lead a small data team and want to learn how to hire my first senior engineer.")
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "Your mentee profile is saved" in page.page_source

    page.go("/recommended/")
    matches = page.find_elements(By.CSS_SELECTOR, ".match-list .match h2 a")
    assert matches, page.find_element(By.TAG_NAME, "main").text
    # The first recommended mentor with a free slot in the picker; the seed closes a few books.
    for index in range(len(matches)):
        page.go("/recommended/")
        link = page.find_elements(By.CSS_SELECTOR, ".match-list .match h2 a")[index]
        click_and_wait_for_page(page, link)
        if page.find_elements(By.CSS_SELECTOR, "#slot-picker a.slot"):
            break
    else:
        pytest.fail("no recommended mentor has a free slot")
    assert "America/New_York" in page.find_element(By.ID, "slot-zone").text
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, "#slot-picker a.slot"))
    fill(page, "topic", "Hiring my first senior engineer")
    fill(page, "question", "What should a first senior hire's interview loop look like for a team of three?")
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))

    booking = Booking.objects.filter(mentee__email=MENTEE).latest("pk")
    assert page.current_url.endswith(f"/sessions/{booking.pk}/"), page.current_url
    assert "Hiring my first senior engineer" in page.page_source
    assert "(America/New_York)" in page.find_element(By.ID, "session-time").text

    fill(page, "reason", "My manager moved the hiring freeze forward")
    click_and_wait_for_page(page, page.find_element(By.ID, "cancel-button"))
    assert page.find_elements(By.CSS_SELECTOR, "h1 [data-status='cancelled']")
    assert "hiring freeze" in page.find_element(By.ID, "cancel-info").text
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert_console_clean(page)


# --- mentor -------------------------------------------------------------------------------------

def _grid_windows(page) -> list[tuple[str, str]]:
    rows = page.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row")
    return [(r.find_elements(By.CSS_SELECTOR, "input")[0].get_attribute("value"),
             r.find_elements(By.CSS_SELECTOR, "input")[1].get_attribute("value")) for r in rows]


@WIDTHS
def test_mentor_edits_the_week_adds_a_day_off_sets_policy_and_confirms(page, window):
    from sessions import selectors
    from sessions.models import AvailabilityOverride, AvailabilityRule, Booking, BookingPolicy
    from sessions.services.bookings import booking_create

    users = get_user_model().objects
    lena, sam = users.get(email=MENTOR), users.get(email=MENTEE)
    rules = list(AvailabilityRule.objects.filter(mentor=lena).order_by("weekday", "start_time"))
    assert rules, "the seed gives the sample mentor a week"
    free_day = next(d for d in range(7) if d not in {r.weekday for r in rules})

    log_in(page, page.url, MENTOR, DEMO_PASSWORD)
    page.go("/availability/")
    assert len(page.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row")) == len(rules)

    # Add a window on a free day (an htmx swap of the grid), fill it in and save the week.
    page.find_element(By.CSS_SELECTOR, f"#weekly-grid button[name=add][value='{free_day}']").click()
    wait(page, lambda d: d.find_elements(By.ID, f"w{free_day}_start_0"))
    assert_console_clean(page)
    assert len(page.find_elements(By.ID, "weekly-grid")) == 1, "the weekly grid is shown twice"
    set_value(page, page.find_element(By.ID, f"w{free_day}_start_0"), "18:00")
    set_value(page, page.find_element(By.ID, f"w{free_day}_end_0"), "20:00")
    page.find_element(By.CSS_SELECTOR, "#weekly-grid button[name=save]").click()
    wait(page, lambda d: d.find_elements(By.ID, "grid-saved"))
    assert AvailabilityRule.objects.filter(mentor=lena).count() == len(rules) + 1
    assert_console_clean(page)

    # Remove the first window, then save.
    page.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row button")[0].click()
    wait(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#weekly-grid .window-row")) == len(rules))
    assert_console_clean(page)
    assert len(page.find_elements(By.ID, "weekly-grid")) == 1, "the weekly grid is shown twice"
    page.find_element(By.CSS_SELECTOR, "#weekly-grid button[name=save]").click()
    wait(page, lambda d: d.find_elements(By.ID, "grid-saved"))
    assert AvailabilityRule.objects.filter(mentor=lena).count() == len(rules)
    assert not AvailabilityRule.objects.filter(pk=rules[0].pk).exists()
    assert_console_clean(page)

    # A day off next week.
    page.go("/availability/")
    form = page.find_element(By.ID, "override-form")
    set_value(page, form.find_element(By.NAME, "start_date"), "2027-02-19")
    fill(page, "note", "Conference", scope=form)
    click_and_wait_for_page(page, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Conference" in page.find_element(By.ID, "overrides").text
    assert AvailabilityOverride.objects.filter(mentor=lena, note="Conference").exists()

    # Ask for approval of every request from now on.
    form = page.find_element(By.ID, "policy-form")
    box = form.find_element(By.NAME, "requires_approval")
    if not box.is_selected():
        box.click()
    fill(page, "min_notice_hours", "24", scope=form)
    click_and_wait_for_page(page, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    policy = BookingPolicy.objects.get(mentor=lena)
    assert policy.requires_approval and policy.min_notice_hours == 24

    # A mentee's request arrives (through the booking service); the mentor confirms it.
    slots = selectors.mentor_slots(mentor=lena, start=NOW, end=NOW + timedelta(days=14), duration=30)
    assert slots, "the sample mentor has no free slot in the next two weeks"
    booking = booking_create(mentee=sam, mentor=lena, start=slots[0], duration=30, topic="Team leads",
                             question="How do I tell my team I am now their manager without it being awkward?")
    assert booking.status == Booking.Status.REQUESTED
    page.go("/sessions/")
    click_and_wait_for_page(page, page.find_element(By.CSS_SELECTOR, f"[data-booking='{booking.pk}'] a"))
    click_and_wait_for_page(page, page.find_element(By.ID, "confirm-button"))
    assert page.find_elements(By.CSS_SELECTOR, "h1 [data-status='confirmed']")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert_console_clean(page)


# --- moderator ----------------------------------------------------------------------------------

def _pending_review():
    """A mentee's review held for a moderator (it carries a phone number), unless the seed has one."""
    from ratings.models import Rating
    from ratings.services import rating_create
    from tests.factories import BookingFactory

    held = Rating.objects.filter(state=Rating.State.PENDING).first()
    if held:
        return held
    users = get_user_model().objects
    booking = BookingFactory(mentor=users.get(email=MENTOR), mentee=users.get(email=MENTEE),
                             start=NOW - timedelta(days=3), status="completed")
    rating = rating_create(booking_id=booking.pk, rater=booking.mentee, stars=5,
                           comment="Brilliant advice, call me on +1 212 555 0199 to compare notes.")
    assert rating.state == Rating.State.PENDING, rating.held_because
    return rating


@WIDTHS
def test_moderator_decides_a_held_review_and_finds_it_in_the_audit_log(page, window):
    from ratings.models import Rating

    rating = _pending_review()
    log_in(page, page.url, MODERATOR, DEMO_PASSWORD)
    page.go("/moderation/?state=pending")
    row = page.find_element(By.ID, f"queue-{rating.pk}")
    row.find_element(By.NAME, "ids").click()
    form = page.find_element(By.ID, "decide-form")
    Select(form.find_element(By.NAME, "action")).select_by_value("remove")
    fill(page, "reason", "Shares a phone number", scope=form)
    click_and_wait_for_page(page, form.find_element(By.CSS_SELECTOR, "fieldset button[type=submit]"))
    assert "1 review(s)" in page.page_source
    rating.refresh_from_db()
    assert rating.state == Rating.State.REMOVED

    page.go("/moderation/audit/")
    assert "Shares a phone number" in page.find_element(By.TAG_NAME, "main").text
    assert_console_clean(page)


def _review_hidden_by_reports():
    """A published review hidden by three reports from established, verified accounts."""
    from ratings.models import Rating
    from ratings.services import rating_create, report_create
    from tests.factories import BookingFactory, UserFactory

    users = get_user_model().objects
    booking = BookingFactory(mentor=users.get(email=MENTOR), mentee=users.get(email=MENTEE),
                             start=NOW - timedelta(days=4), status="completed")
    review = rating_create(booking_id=booking.pk, rater=booking.mentee, stars=2, comment="Too short for my question.")
    joined = NOW - timedelta(days=90)
    for name in ("Gina Grudge", "Olga Other", "Paul Pile-on"):
        report_create(rating_id=review.pk, reporter=UserFactory(name=name, date_joined=joined), reason="abusive")
    review.refresh_from_db()
    assert review.state == Rating.State.HIDDEN
    return review


@WIDTHS
def test_moderator_ignores_a_reporter_and_restores_the_review(page, window):
    from ratings.models import IgnoredReporter, Rating

    review = _review_hidden_by_reports()
    log_in(page, page.url, MODERATOR, DEMO_PASSWORD)
    page.go("/moderation/?state=hidden")
    row = page.find_element(By.ID, f"queue-{review.pk}")
    assert "Gina Grudge" in row.text and "Olga Other" in row.text  # who reported, by name
    assert "@" not in row.text
    line = next(p for p in row.find_elements(By.CSS_SELECTOR, ".report-line") if "Gina Grudge" in p.text)
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", line)
    click_and_wait_for_page(page, line.find_element(By.LINK_TEXT, "Ignore this reporter"))

    form = page.find_element(By.ID, "ignore-form")
    assert "Gina Grudge" in page.find_element(By.TAG_NAME, "main").text
    fill(page, "reason", "Reports every review of this mentor", scope=form)
    click_and_wait_for_page(page, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "no longer count" in page.find_element(By.TAG_NAME, "main").text
    row = page.find_element(By.ID, f"queue-{review.pk}")
    assert "reporter ignored" in row.text

    row.find_element(By.NAME, "ids").click()
    form = page.find_element(By.ID, "decide-form")
    Select(form.find_element(By.NAME, "action")).select_by_value("restore")
    fill(page, "reason", "Reports were a pile-on", scope=form)
    click_and_wait_for_page(page, form.find_element(By.CSS_SELECTOR, "fieldset button[type=submit]"))
    assert "1 review(s) restored" in page.find_element(By.TAG_NAME, "main").text
    review.refresh_from_db()
    assert review.state == Rating.State.PUBLISHED
    assert IgnoredReporter.objects.filter(reporter__name="Gina Grudge").exists()

    page.go("/moderation/audit/")
    audit = page.find_element(By.TAG_NAME, "main").text
    assert "Ignore reporter: Gina Grudge" in audit and "Reports every review of this mentor" in audit
    assert "Reports were a pile-on" in audit
    assert_console_clean(page)
