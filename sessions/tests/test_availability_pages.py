"""Availability editor page and the public slot picker: permissions, no-JS flows, htmx, empty states."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import AvailabilityOverride, AvailabilityRule, BookingPolicy
from tests.factories import BookingFactory, MentorFactory

PAGE = reverse("booking:availability")
HTMX = {"HTTP_HX_REQUEST": "true"}


def browser_for(user):
    client = Client()
    client.force_login(user)
    return client


def rules_of(mentor):
    return [(r.weekday, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}")
            for r in AvailabilityRule.objects.filter(mentor=mentor).order_by("weekday", "start_time")]


# --- editor permissions --------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["mentee", "stranger", "staff"])
def test_non_mentors_get_403(request, db, persona):
    user = request.getfixturevalue(persona)
    assert browser_for(user).get(PAGE).status_code == 403
    assert browser_for(user).post(reverse("booking:availability_policy"), {}).status_code == 403


def test_mentor_sees_the_grid_in_their_zone(mentor):
    AvailabilityRule.objects.create(mentor=mentor, weekday=0, start_time=time(9), end_time=time(12))
    response = browser_for(mentor).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Europe/Berlin" in html and 'value="09:00"' in html and "Monday" in html and "Sunday" in html


# --- weekly grid without JavaScript ------------------------------------------------------------

def test_saving_the_grid_replaces_the_week(mentor):
    response = browser_for(mentor).post(PAGE, {
        "w0_start": ["09:00", "14:00"], "w0_end": ["12:00", "17:30"],
        "w3_start": ["", "18:00"], "w3_end": ["", "20:00"], "save": "1",
    })
    assert response.status_code == 302
    assert rules_of(mentor) == [(0, "09:00", "12:00"), (0, "14:00", "17:30"), (3, "18:00", "20:00")]


def test_overlapping_windows_re_render_with_errors_and_keep_the_input(mentor):
    AvailabilityRule.objects.create(mentor=mentor, weekday=4, start_time=time(9), end_time=time(10))
    response = browser_for(mentor).post(PAGE, {"w0_start": ["09:00", "11:00"], "w0_end": ["12:00", "13:00"],
                                               "w1_start": ["9am"], "w1_end": ["10:00"], "save": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "HH:MM" in html and 'value="9am"' in html
    assert rules_of(mentor) == [(4, "09:00", "10:00")]
    response = browser_for(mentor).post(PAGE, {"w0_start": ["09:00", "11:00"], "w0_end": ["12:00", "13:00"],
                                               "save": "1"})
    assert response.status_code == 400 and "overlaps" in response.content.decode()
    assert rules_of(mentor) == [(4, "09:00", "10:00")]


def test_add_and_remove_rows_without_saving(mentor):
    client = browser_for(mentor)
    response = client.post(PAGE, {"w2_start": ["09:00"], "w2_end": ["10:00"], "add": "2"})
    assert response.status_code == 200
    assert response.content.decode().count('name="w2_start"') == 2
    response = client.post(PAGE, {"w2_start": ["09:00", "11:00"], "w2_end": ["10:00", "12:00"], "remove_window": "2:0"})
    html = response.content.decode()
    assert html.count('name="w2_start"') == 1 and 'value="11:00"' in html and 'value="09:00"' not in html
    assert rules_of(mentor) == []


def test_htmx_save_answers_the_page_for_swapping_even_on_errors(mentor):
    response = browser_for(mentor).post(PAGE, {"w0_start": ["10:00"], "w0_end": ["09:00"], "save": "1"}, **HTMX)
    assert response.status_code == 200 and 'id="weekly-grid"' in response.content.decode()
    assert "ends before it starts" in response.content.decode()


# --- policy and overrides -----------------------------------------------------------------------

def test_policy_form_saves_and_errors_re_render(mentor):
    client = browser_for(mentor)
    data = {"buffer_before_minutes": 5, "buffer_after_minutes": 10, "min_notice_hours": 24, "horizon_days": 30,
            "max_per_day": 2, "max_per_week": "", "weekly_budget_minutes": 120, "slot_granularity_minutes": 30}
    assert client.post(reverse("booking:availability_policy"), data).status_code == 302
    policy = BookingPolicy.objects.get(mentor=mentor)
    assert (policy.max_per_day, policy.max_per_week, policy.requires_approval) == (2, None, False)
    response = client.post(reverse("booking:availability_policy"), {**data, "horizon_days": 0, "max_per_day": "x"})
    assert response.status_code == 400
    assert BookingPolicy.objects.get(mentor=mentor).horizon_days == 30
    # Each input's aria-describedby names its help and error; both must exist or screen readers read nothing.
    html = response.content.decode()
    described = {i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()}
    assert {"id_max_per_day_helptext", "id_max_per_day_error", "id_horizon_days_error"} <= described
    assert all(f'id="{i}"' in html for i in described)


def test_override_add_and_delete(mentor, stranger):
    client = browser_for(mentor)
    day = timezone.now().date() + timedelta(days=10)
    assert client.post(reverse("booking:availability_override_add"), {
        "start_date": day, "end_date": day + timedelta(days=2), "note": "Conference"}).status_code == 302
    override = AvailabilityOverride.objects.get(mentor=mentor)
    assert "Conference" in client.get(PAGE).content.decode()
    response = client.post(reverse("booking:availability_override_add"), {"start_date": day, "start_time": "10:00"})
    assert response.status_code == 400 and "neither" in response.content.decode()
    other = MentorFactory()
    url = reverse("booking:availability_override_delete", args=[override.pk])
    assert browser_for(other).post(url).status_code == 404
    assert browser_for(stranger).post(url).status_code == 403
    assert client.post(url).status_code == 302
    assert not AvailabilityOverride.objects.exists()


# --- slot picker -------------------------------------------------------------------------------

@pytest.fixture
def open_mentor(mentor, weekday_mornings):
    return weekday_mornings(mentor, slot_granularity_minutes=60)


def picker(mentor):
    return reverse("booking:slot_picker", args=[mentor.pk])


@pytest.mark.parametrize("persona", [None, "mentee", "stranger", "mentor", "staff"])
def test_picker_is_public_and_groups_by_the_viewers_day(request, client, open_mentor, persona):
    c = browser_for(request.getfixturevalue(persona)) if persona else client
    response = c.get(picker(open_mentor), {"tz": "America/New_York", "duration": 60}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "America/New_York" in html
    assert 'class="slot-day"' in html and 'role="grid"' in html
    assert "(09:00 for Maya Mentor, Europe/Berlin)" in html  # the mentor's own time beside the viewer's
    assert "duration=60" in html and reverse("booking:book", args=[open_mentor.pk]) in html


def test_picker_defaults_to_the_viewers_zone_and_hides_mentor_time_when_same(open_mentor, client_for, mentor):
    html = browser_for(mentor).get(picker(open_mentor), **HTMX).content.decode()
    assert "Europe/Berlin" in html and "own time" not in html


def test_picker_links_carry_the_utc_start(open_mentor, client):
    html = client.get(picker(open_mentor), {"tz": "UTC", "duration": 30}, **HTMX).content.decode()
    start = html.split("?start=")[1].split("&amp;")[0]
    parsed = datetime.strptime(start.replace("%3A", ":"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert parsed.astimezone(open_mentor.tzinfo).hour == 9


def test_picker_without_js_is_a_full_page(open_mentor, client):
    response = client.get(picker(open_mentor))
    assert response.status_code == 200
    assert "<html" in response.content.decode() and "Free times of" in response.content.decode()


def test_picker_empty_state_suggests_alternatives(mentor, client):
    html = client.get(picker(mentor), {"duration": 30}, **HTMX).content.decode()
    assert "No free 30-minute times in November 2026" in html
    assert "month=2026-12" in html and "60 minutes" in html


def test_picker_bad_input_shows_messages(open_mentor, client):
    response = client.get(picker(open_mentor), {"tz": "Nowhere/Land", "duration": 45})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a known IANA time zone" in html and "offers sessions of 30, 60 minutes" in html
    assert client.get(picker(open_mentor), {"tz": "Nowhere/Land"}, **HTMX).status_code == 200


def test_picker_for_a_non_mentor_is_404(client, mentee):
    assert client.get(picker(mentee)).status_code == 404


def test_picker_query_count_does_not_grow_with_bookings(open_mentor, mentee, client, django_assert_max_num_queries):
    params = {"tz": "UTC", "duration": 60, "days": 30}
    # The bookable mentor with profile, the policy, the calendar (rules, overrides, bookings).
    with django_assert_max_num_queries(3) as before:
        client.get(picker(open_mentor), params, **HTMX)
    today = timezone.now().astimezone(open_mentor.tzinfo).date()
    for i in range(1, 11):
        start = datetime.combine(today + timedelta(days=i), time(9)).replace(tzinfo=open_mentor.tzinfo)
        if start.weekday() < 5:
            BookingFactory(mentor=open_mentor, mentee=mentee, start=start.astimezone(UTC), duration_minutes=60)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(picker(open_mentor), params, **HTMX)


def test_panel_renders_for_a_profile(open_mentor, rf):
    from django.template.loader import render_to_string

    html = render_to_string("booking/_mentor_booking_panel.html", {"profile": open_mentor.mentor_profile})
    assert picker(open_mentor) in html and 'hx-trigger="load"' in html
    open_mentor.mentor_profile.accepting_bookings = False
    html = render_to_string("booking/_mentor_booking_panel.html", {"profile": open_mentor.mentor_profile})
    assert "not taking new bookings" in html


def test_overrides_show_in_picker(open_mentor, client):
    today = timezone.now().astimezone(open_mentor.tzinfo).date()
    AvailabilityOverride.objects.create(mentor=open_mentor, start_date=today, end_date=today + timedelta(days=20))
    html = client.get(picker(open_mentor), {"duration": 30}, **HTMX).content.decode()
    marked = re.findall(r'data-date="([\d-]+)" data-free', html)
    # The first day after the override is Monday 23 November (today is Monday 2 November).
    assert marked and min(marked) == str(today + timedelta(days=21)) == "2026-11-23"


def test_editor_query_count_does_not_grow_with_rules_and_overrides(mentor, django_assert_max_num_queries):
    client = browser_for(mentor)
    day = timezone.now().date() + timedelta(days=3)
    AvailabilityOverride.objects.create(mentor=mentor, start_date=day, end_date=day)
    with django_assert_max_num_queries(20) as few:
        client.get(PAGE)
    for i in range(1, 12):
        AvailabilityOverride.objects.create(mentor=mentor, start_date=day + timedelta(days=i),
                                            end_date=day + timedelta(days=i))
    AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(h), end_time=time(h, 30))
         for d in range(7) for h in (8, 10, 14)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PAGE).status_code == 200


def test_htmx_save_confirms_inside_the_grid(mentor):
    response = browser_for(mentor).post(PAGE, {"w0_start": ["09:00"], "w0_end": ["10:00"], "save": "1"}, **HTMX)
    assert response.status_code == 200 and 'id="grid-saved"' in response.content.decode()
    assert rules_of(mentor) == [(0, "09:00", "10:00")]


@pytest.mark.parametrize("name,args", [("booking:availability", []), ("booking:availability_policy", []),
                                       ("booking:availability_override_add", []),
                                       ("booking:availability_override_delete", [1])])
def test_anonymous_posts_are_sent_to_login_and_change_nothing(client, db, name, args):
    response = client.post(reverse(name, args=args), {"w0_start": ["09:00"], "w0_end": ["10:00"], "save": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AvailabilityRule.objects.exists()
