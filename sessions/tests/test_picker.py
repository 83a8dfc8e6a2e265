"""The month slot picker: it marks exactly the days the slots API has times for (across a DST
change, for a mentor in another zone), pages months, says the terms before booking, keeps a fixed
number of queries, and books without JavaScript through plain links."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import AvailabilityRule, Booking, BookingPolicy
from sessions.picker import booking_terms, month_weeks
from tests.factories import BookingFactory, MenteeFactory, MentorFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def picker(mentor) -> str:
    return reverse("booking:slot_picker", args=[mentor.pk])


def marked_days(html: str) -> list[str]:
    return re.findall(r'data-date="([\d-]+)" data-free="\d+"', html)


def shown_day(html: str) -> list[str]:
    return re.findall(r'<section class="slot-day" data-day="([\d-]+)" aria-labelledby="[^"]+">', html)


@pytest.fixture
def lena(db):
    """Lena in Singapore (no DST), free on her weekdays 12:00-13:00: 23:00 the evening before in
    New York while it keeps winter time, 00:00 the same day once New York is on summer time."""
    lena = MentorFactory(email="lena@example.com", name="Lena", timezone="Asia/Singapore")
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(mentor=lena, weekday=d, start_time=time(12), end_time=time(13)) for d in range(5))
    BookingPolicy.objects.update_or_create(mentor=lena, defaults={
        "min_notice_hours": 0, "horizon_days": 365, "slot_granularity_minutes": 30})
    return lena


@pytest.mark.parametrize("month", ["2026-11", "2026-12", "2027-03"])
@pytest.mark.parametrize("persona", ["visitor", "mentee"])
def test_the_calendar_marks_exactly_the_days_the_slots_api_has_times_for(lena, month, persona, mentee):
    client = Client()
    if persona == "mentee":
        client.force_login(mentee)
    year, mon = map(int, month.split("-"))
    last = (date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1)).isoformat()
    query = {"tz": "America/New_York", "duration": 30}
    api = client.get(reverse("api:slots-list", args=[lena.pk]), {**query, "start": f"{month}-01", "end": last}).json()
    api_days = sorted({s["local_start"][:10] for s in api["slots"]})
    html = client.get(picker(lena), {**query, "month": month}, **HTMX).content.decode()
    assert api_days and marked_days(html) == api_days
    # Every marked day's list holds the API's times of that day, in the same order.
    for day in api_days:
        section = html.split(f'data-day="{day}"')[1].split("</section>")[0]
        links = [unescape(h) for h in re.findall(r'href="([^"]+)"', section)]
        assert [re.search(r"start=([^&]+)", h).group(1).replace("%3A", ":") for h in links] == [
            s["start"] for s in api["slots"] if s["local_start"].startswith(day)]


def test_the_marked_days_follow_new_yorks_dst_change(lena, client):
    html = client.get(picker(lena), {"tz": "America/New_York", "duration": 30, "month": "2027-03"}, **HTMX)
    marked = set(marked_days(html.content.decode()))
    # Winter time (to Sunday 14 March): Lena's Monday noon is Sunday 23:00, her Friday Thursday's.
    assert {"2027-03-07", "2027-03-11"} <= marked and not {"2027-03-12", "2027-03-14"} & marked
    # Summer time: her Monday noon is Monday 00:00 in New York, her Friday Friday's.
    assert {"2027-03-15", "2027-03-19"} <= marked and "2027-03-21" not in marked
    assert "23:00 EST" in html.content.decode() and "00:00 EDT" in html.content.decode()


def test_each_time_names_the_mentors_own_time_and_the_zone_is_named(lena, client):
    html = client.get(picker(lena), {"tz": "America/New_York", "duration": 30, "month": "2027-03",
                                     "day": "2027-03-15"}, **HTMX).content.decode()
    assert "Times in <strong>America/New_York</strong>" in html
    section = html.split('data-day="2027-03-15"')[1].split("</section>")[0]
    assert "00:00 EDT <span class=\"muted\">(12:00 for Lena, Asia/Singapore)</span>" in section
    assert shown_day(html) == ["2027-03-15"]  # only the chosen day's list is shown; the rest wait hidden


def test_without_a_day_the_first_free_day_is_shown_and_a_bad_day_falls_back(lena, client):
    html = client.get(picker(lena), {"tz": "America/New_York", "month": "2027-03"}, **HTMX).content.decode()
    assert shown_day(html) == [marked_days(html)[0]] == ["2027-03-01"]
    html = client.get(picker(lena), {"tz": "America/New_York", "month": "2027-03", "day": "2027-13-40"},
                      **HTMX).content.decode()
    assert shown_day(html) == ["2027-03-01"]


def test_a_day_with_nothing_left_says_so(lena, client):
    html = client.get(picker(lena), {"tz": "America/New_York", "month": "2027-03", "day": "2027-03-12"},
                      **HTMX).content.decode()
    assert shown_day(html) == [] and "No free times left on Friday 12 March" in html


def test_months_page_from_this_month_to_the_horizon(lena, client):
    html = client.get(picker(lena), {"tz": "UTC"}, **HTMX).content.decode()
    assert "November 2026" in html and 'data-nav="prev"' not in html and "month=2026-12" in html
    html = client.get(picker(lena), {"tz": "UTC", "month": "2026-05"}, **HTMX).content.decode()
    assert "November 2026" in html  # a past month opens this one
    BookingPolicy.objects.filter(mentor=lena).update(horizon_days=30)
    html = client.get(picker(lena), {"tz": "UTC", "month": "2026-12"}, **HTMX).content.decode()
    assert 'data-nav="prev"' in html and "month=2026-11" in html and 'data-nav="next"' not in html


def test_late_in_a_month_with_nothing_left_the_next_month_opens(lena, client, frozen_now):
    frozen_now.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))  # Monday evening in Singapore: nothing left
    html = client.get(picker(lena), {"tz": "UTC"}, **HTMX).content.decode()
    assert "December 2026" in html and marked_days(html)[0] == "2026-12-01"


def test_the_grid_is_a_labelled_date_grid(lena, client):
    html = client.get(picker(lena), {"tz": "America/New_York", "month": "2027-03"}, **HTMX).content.decode()
    assert 'role="grid"' in html and 'aria-labelledby="month-label"' in html
    assert 'aria-label="Monday 1 March: 2 free times"' in html
    assert 'aria-label="Friday 12 March: no free times"' in html
    assert html.count('role="gridcell"') % 7 == 0 and 'aria-selected="true"' in html


# --- before booking: confirmation, answer time, cancellation -------------------------------------

@pytest.mark.parametrize(("minutes", "words"), [(None, None), (1, "1 minute"), (45, "45 minutes"), (90, "2 hours"),
                                                (60 * 30, "30 hours"), (60 * 72, "3 days")])
def test_terms_say_the_usual_answer_time_only_when_known(minutes, words):
    terms = booking_terms(mentor_name="Lena", requires_approval=True, response_median_minutes=minutes)
    assert terms["response"] == (f"Lena usually answers within {words}." if words else "")


def test_terms_tell_requests_from_instant_bookings(settings):
    settings.BOOKING_LATE_CANCEL_HOURS = 6
    request = booking_terms(mentor_name="Lena", requires_approval=True, response_median_minutes=None)
    instant = booking_terms(mentor_name="Lena", requires_approval=False, response_median_minutes=None)
    assert "Lena confirms each request" in request["mode"] and "48 hours" in request["mode"]
    assert instant["mode"].startswith("Bookings are instant")
    assert "less than 6 hours before it starts" in " ".join(instant["cancel"])
    assert any("costs nothing" in line for line in request["cancel"])
    assert not any("costs nothing" in line for line in instant["cancel"])


def test_the_picker_and_the_booking_page_say_the_terms(lena, mentee):
    lena.mentor_profile.response_median_minutes = 180
    lena.mentor_profile.save()
    BookingPolicy.objects.filter(mentor=lena).update(requires_approval=True)
    client = Client()
    client.force_login(mentee)
    html = client.get(picker(lena), {"month": "2027-03"}, **HTMX).content.decode()
    assert "Lena confirms each request" in html and "Lena usually answers within 3 hours." in html
    assert "counts as a late cancellation" in html
    start = re.search(r"start=([^&]+)&amp;duration=30", html).group(1)
    page = client.get(reverse("booking:book", args=[lena.pk]), {"start": unescape(start).replace("%3A", ":"),
                                                               "duration": 30}).content.decode()
    assert "Lena confirms each request" in page and "usually answers within 3 hours" in page
    assert "Send request" in page
    BookingPolicy.objects.filter(mentor=lena).update(requires_approval=False)
    lena.mentor_profile.response_median_minutes = None
    lena.mentor_profile.save()
    html = client.get(picker(lena), {"month": "2027-03"}, **HTMX).content.decode()
    assert "Bookings are instant" in html and "usually answers" not in html


# --- queries -----------------------------------------------------------------------------------

def _book_some(mentor, n: int):
    for i in range(n):
        start = datetime(2026, 11, 3, 4, 0, tzinfo=UTC) + timedelta(days=i)
        BookingFactory(mentor=mentor, mentee=MenteeFactory(), start=start, end=start + timedelta(minutes=30),
                       blocked_start=start, blocked_end=start + timedelta(minutes=30), duration_minutes=30)


@pytest.mark.parametrize(("persona", "htmx", "expected"), [
    # The bookable mentor with profile; the policy; the calendar (rules, overrides, bookings in one).
    ("visitor", True, 3),
    ("visitor", False, 3),
    # Signed in: the session and the user, and whether the mentor blocked them.
    ("mentee", True, 6),
])
def test_the_picker_answers_in_a_fixed_number_of_queries(lena, mentee, persona, htmx, expected,
                                                          django_assert_num_queries):
    client = Client()
    if persona == "mentee":
        client.force_login(mentee)
    headers = HTMX if htmx else {}
    for month in ("2026-11", "2027-03"):
        with django_assert_num_queries(expected):
            assert client.get(picker(lena), {"month": month}, **headers).status_code == 200
    _book_some(lena, 12)
    with django_assert_num_queries(expected):
        assert client.get(picker(lena), {"month": "2026-11"}, **headers).status_code == 200


# --- without JavaScript -----------------------------------------------------------------------

def test_a_mentee_books_without_javascript_through_plain_links(lena, mentee):
    client = Client()
    client.force_login(mentee)
    page = client.get(lena.mentor_profile.get_absolute_url()).content.decode()
    # The mentor page's panel loads with htmx; without it, a link opens the picker as a page.
    picker_link = unescape(re.search(r'<a href="([^"]*/slots/[^"]*)">See free times</a>', page).group(1))
    html = client.get(picker_link).content.decode()
    assert "<html" in html and "Times in <strong>America/New_York</strong>" in html
    next_month = unescape(re.search(r'data-nav="next" rel="next" href="([^"]+)"', html).group(1))
    html = client.get(next_month).content.decode()
    assert "December 2026" in html
    day_link = unescape(re.search(r'href="([^"]+day=2026-12-15)"', html).group(1))
    html = client.get(day_link).content.decode()
    assert shown_day(html) == ["2026-12-15"]
    section = html.split('data-day="2026-12-15"')[1].split("</section>")[0]
    time_link = unescape(re.findall(r'href="([^"]+/book/[^"]+)"', section)[-1])
    book_page = client.get(time_link)
    assert book_page.status_code == 200
    form = book_page.context["form"]
    response = client.post(time_link.split("?")[0], {
        "start": form["start"].value(), "duration": 30, "topic": "Team leads",
        "question": "How do I run my first one-to-one well?"})
    booking = Booking.objects.get(mentee=mentee)
    assert response.status_code == 302 and response["Location"] == reverse("booking:detail", args=[booking.pk])
    # The last time listed on the 15th in New York: 23:30 EST, Lena's Wednesday 12:30.
    assert booking.start == datetime(2026, 12, 16, 4, 30, tzinfo=UTC)


def test_month_weeks_start_on_monday_and_pad_outside_the_month():
    weeks = month_weeks(date(2027, 3, 1), by_day={date(2027, 3, 2): [{}]}, today=date(2027, 3, 1),
                        selected=date(2027, 3, 2))
    assert weeks[0][0].day == date(2027, 3, 1) and weeks[-1][2].day == date(2027, 3, 31)
    assert weeks[-1][3] is None and len(weeks) == 5
    assert weeks[0][1].free == 1 and weeks[0][1].selected and weeks[0][0].is_today and not weeks[0][0].free
