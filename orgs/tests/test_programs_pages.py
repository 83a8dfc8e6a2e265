"""Program pages and endpoints at work: create, join, read the rules, book inside the program."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orgs.models import Program, ProgramEnrollment
from orgs.tests.programs_support import bookable, enrol, member, program_world
from sessions.models import Booking
from sessions.tests.test_bookings_support import iso, local_slot
from tests.factories import MentorFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return program_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_admin_creates_a_program_on_the_page(world):
    response = _client(world.admin).post(reverse("orgs:program_create", args=[world.org.slug]), {
        "name": "Finance for engineers", "purpose": "Engineers learn how the money works.",
        "starts_on": "2026-11-01", "ends_on": "2027-02-28", "session_lengths": ["15", "30"],
        "mentee_departments": [world.depts["Engineering"].pk], "mentor_departments": [world.depts["Finance"].pk],
        "mentee_quota_per_month": "2", "mentor_capacity": "3", "mentor_capacity_unit": "sessions",
        "department_rule": "require_other", "min_level_gap": "1", "allows_flash_questions": "on",
    })
    program = Program.objects.get(name="Finance for engineers")
    assert response.status_code == 302 and response["Location"].endswith(f"/programs/{program.slug}/")
    assert program.status == "draft" and program.session_lengths == [15, 30]
    assert program.department_rule == "require_other" and program.min_level_gap == 1


def test_a_refused_program_comes_back_with_the_field_errors(world):
    response = _client(world.admin).post(reverse("orgs:program_create", args=[world.org.slug]), {
        "name": "Backwards", "starts_on": "2027-02-01", "ends_on": "2027-01-01", "session_lengths": ["30"],
        "mentor_capacity_unit": "sessions", "department_rule": "any", "mentee_quota_per_month": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The program cannot end before it starts." in html and "Between 1 and 100 sessions" in html
    assert 'aria-invalid="true"' in html


def test_an_admin_edits_opens_and_closes(world):
    program = ProgramFactory(organisation=world.org, name="Pilot", status="draft")
    client = _client(world.admin)
    edit = client.get(reverse("orgs:program_edit", args=[world.org.slug, program.slug]))
    assert 'value="Pilot"' in edit.content.decode()
    client.post(reverse("orgs:program_open", args=[world.org.slug, program.slug]))
    assert Program.objects.get(pk=program.pk).status == "open"
    client.post(reverse("orgs:program_close", args=[world.org.slug, program.slug]))
    assert Program.objects.get(pk=program.pk).status == "closed"


def test_the_program_page_says_the_rules_and_why_one_cannot_join(world):
    world.program.mentee_departments.set([world.depts["Engineering"]])
    Program.objects.filter(pk=world.program.pk).update(purpose="Meet the rest of the company.", min_level_gap=2,
                                                        mentee_quota_per_month=2)
    html = _client(world.member).get(reverse("orgs:program_detail", args=[world.org.slug, "cross-team"])).content.decode()
    assert "Meet the rest of the company." in html
    assert "Mentors are at least two levels above you." in html
    assert "Each mentee books up to 2 sessions a month in the program." in html
    assert "this program is open to Engineering; your department is Sales." in html
    assert 'id="join-mentee"' not in html
    assert "first become a mentor" in html


def test_a_member_joins_from_the_page_and_sees_recommendations_with_reasons(world):
    client = _client(world.member)
    url = reverse("orgs:program_detail", args=[world.org.slug, "cross-team"])
    assert 'id="join-mentee"' in client.get(url).content.decode()
    client.post(reverse("orgs:program_join", args=[world.org.slug, "cross-team"]), {"side": "mentee"})
    html = client.get(url).content.decode()
    assert "You take part as a <strong>mentee</strong>" in html
    assert "Finance, a department you have not met yet" in html  # Sales member: Finance is new
    assert f"/mentors/{world.mentor.pk}/slots/?program={world.program.pk}&amp;duration=30" in html


def test_the_list_marks_the_programs_one_takes_part_in(world):
    html = _client(world.mentee).get(reverse("orgs:programs", args=[world.org.slug])).content.decode()
    assert "Cross-team" in html and "You take part as mentee." in html


def test_the_empty_list_says_what_to_do(world):
    Program.objects.filter(pk=world.program.pk).update(status="draft")
    html = _client(world.member).get(reverse("orgs:programs", args=[world.org.slug])).content.decode()
    assert "runs no mentoring program right now" in html


def test_the_admin_enrols_and_invites_on_the_people_page(world):
    client = _client(world.admin)
    url = reverse("orgs:program_people", args=[world.org.slug, "cross-team"])
    response = client.post(url, {"email": world.member.email.upper(), "side": "mentee", "invite": "1"})
    assert response.status_code == 302
    assert ProgramEnrollment.objects.get(user=world.member).status == "invited"
    refused = client.post(url, {"email": "nobody@example.com", "side": "mentee", "invite": "0"})
    assert refused.status_code == 400 and "No active member" in refused.content.decode()


# --- booking inside the program ---------------------------------------------------------------------

def test_the_slot_picker_carries_the_program_to_the_booking_page(world):
    html = _client(world.mentee).get(reverse("booking:slot_picker", args=[world.mentor.pk]),
                                     {"program": world.program.pk, "duration": 30}).content.decode()
    assert f"&amp;program={world.program.pk}" in html


def test_the_booking_page_offers_the_shared_program_and_preselects_it(world):
    start = iso(local_slot(world.mentor, on=date(2026, 11, 10)))
    html = _client(world.mentee).get(reverse("booking:book", args=[world.mentor.pk]),
                                     {"start": start, "duration": 30, "program": world.program.pk}).content.decode()
    assert "Count it in a program" in html
    assert f'<option value="{world.program.pk}" selected>Cross-team (Acme)</option>' in html


def test_no_program_choice_without_a_shared_program(world):
    outsider = bookable(MentorFactory(email="market@example.com"))
    start = iso(local_slot(outsider, on=date(2026, 11, 10)))
    html = _client(world.mentee).get(reverse("booking:book", args=[outsider.pk]),
                                     {"start": start, "duration": 30}).content.decode()
    assert "Count it in a program" not in html


def test_booking_on_the_page_inside_the_program_and_the_mentor_sees_it_named(world):
    start = iso(local_slot(world.mentor, on=date(2026, 11, 10)))
    response = _client(world.mentee).post(reverse("booking:book", args=[world.mentor.pk]), {
        "start": start, "duration": 30, "topic": "Budgets", "program": world.program.pk,
        "question": "How does my team's budget get decided each year?"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.program == world.program and booking.mentee_department == world.depts["Engineering"]
    html = _client(world.mentor).get(reverse("booking:detail", args=[booking.pk])).content.decode()
    assert 'id="session-program"' in html and "Cross-team" in html and "of Acme" in html
    listing = _client(world.mentor).get(reverse("booking:my_sessions")).content.decode()
    assert "in Cross-team" in listing


def test_a_quota_refusal_on_the_page_is_a_clear_message(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=1)
    client = _client(world.mentee)
    for day in (10, 12):
        response = client.post(reverse("booking:book", args=[world.mentor.pk]), {
            "start": iso(local_slot(world.mentor, on=date(2026, 11, day))), "duration": 30, "topic": "Budgets",
            "program": world.program.pk, "question": "How does my team's budget get decided each year?"})
    assert response.status_code == 409
    assert "You have booked 1 of the 1 session Cross-team gives you in November 2026" in response.content.decode()


def test_booking_through_the_api_inside_the_program(world):
    response = _api(world.mentee).post(reverse("api:booking-list"), {
        "mentor": world.mentor.pk, "start": iso(local_slot(world.mentor, on=date(2026, 11, 10))), "duration": 30,
        "topic": "Budgets", "question": "How does my team's budget get decided?", "program": world.program.pk,
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["program"] == {"id": world.program.pk, "name": "Cross-team", "slug": "cross-team",
                                          "organisation": "acme"}


@pytest.mark.parametrize("change, status, code", [
    ("quota", 409, "quota_exceeded"), ("not_joined", 403, "not_in_program"), ("unknown", 404, "not_found"),
    ("other_org", 404, "not_found"),
])
def test_api_refusals_have_codes(world, change, status, code):
    program_id = world.program.pk
    if change == "quota":
        Program.objects.filter(pk=program_id).update(mentee_quota_per_month=1)
        Booking.objects.create(mentee=world.mentee, mentor=world.same_dept_mentor, program=world.program,
                               start=local_slot(world.mentor, on=date(2026, 11, 11)),
                               end=local_slot(world.mentor, on=date(2026, 11, 11), minute=30),
                               blocked_start=local_slot(world.mentor, on=date(2026, 11, 11)),
                               blocked_end=local_slot(world.mentor, on=date(2026, 11, 11), minute=30),
                               duration_minutes=30, status="confirmed", topic="x", question="y" * 12)
    elif change == "not_joined":
        ProgramEnrollment.objects.filter(user=world.mentee).update(status="left")
    elif change == "unknown":
        program_id = 987654
    else:
        program_id = program_world(name="Globex").program.pk
    response = _api(world.mentee).post(reverse("api:booking-list"), {
        "mentor": world.mentor.pk, "start": iso(local_slot(world.mentor, on=date(2026, 11, 10))), "duration": 30,
        "topic": "Budgets", "question": "How does my team's budget get decided?", "program": program_id,
    }, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Booking.objects.filter(mentee=world.mentee, start=local_slot(world.mentor, on=date(2026, 11, 10))).exists()


# --- query counts -------------------------------------------------------------------------------------

def _more_programs(world, n):
    for i in range(n):
        program = ProgramFactory(organisation=world.org, name=f"Extra {i}")
        program.mentee_departments.set([world.depts["Sales"]])
        enrol(program, world.mentee, "mentee")


def test_the_program_list_page_costs_the_same_whatever_the_number_of_programs(world, django_assert_num_queries):
    client = _client(world.mentee)
    url = reverse("orgs:programs", args=[world.org.slug])
    client.get(url)
    with django_assert_num_queries(9):
        client.get(url)
    _more_programs(world, 4)
    with django_assert_num_queries(9):
        client.get(url)


def test_the_program_list_endpoint_costs_the_same_whatever_the_number_of_programs(world, django_assert_num_queries):
    client = _api(world.mentee)
    url = reverse("api:org-program-list", args=[world.org.slug])
    client.get(url)  # the first request of a process loads what every later one reuses
    with django_assert_num_queries(8):
        assert len(client.get(url).json()) == 1
    _more_programs(world, 4)
    with django_assert_num_queries(8):
        assert len(client.get(url).json()) == 5


def test_the_program_page_costs_the_same_whatever_the_number_of_mentors(world, django_assert_num_queries):
    client = _client(world.mentee)
    url = reverse("orgs:program_detail", args=[world.org.slug, "cross-team"])
    client.get(url)
    with django_assert_num_queries(22):
        client.get(url)
    for n in range(3):
        extra = bookable(MentorFactory(email=f"extra{n}@acme.example"))
        member(world.org, extra, dept=world.depts["Sales"], level=world.levels["IC4"])
        enrol(world.program, extra, "mentor")
    with django_assert_num_queries(22):
        assert client.get(url).content.decode().count("data-mentor-id") == 10  # 5 recommended + 5 listed


def test_the_enrollments_endpoint_costs_the_same_whatever_the_number_of_people(world, django_assert_num_queries):
    client = _api(world.admin)
    url = reverse("api:org-program-enrollments", args=[world.org.slug, "cross-team"])
    client.get(url)
    with django_assert_num_queries(9):
        assert client.get(url).json()["count"] == 3
    for n in range(4):
        enrol(world.program, MentorFactory(email=f"more{n}@acme.example"), "mentor")
    with django_assert_num_queries(9):
        assert client.get(url).json()["count"] == 7
