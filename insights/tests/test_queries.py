"""The report takes the same number of queries whatever the organisation's size: every figure is
a GROUP BY (page, API and CSV pinned with a small and a bigger history)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from insights.services import booking_skills_refresh
from insights.tests.support import member, program_booking, utc
from orgs.models import Membership
from ratings.models import Rating
from tests.factories import EnrollmentFactory, ProgramFactory, SkillFactory, org_with_ladder

pytestmark = pytest.mark.django_db
PERIOD = "?from=2027-03-01&to=2027-03-31"
# session, user, organisation, admin check, the report (18 GROUP BYs and lookups), programs list,
# the nav's two permission reads; +1 for the program itself
PAGE_QUERIES = 25
API_QUERIES = 22
CSV_QUERIES = 22


def _history(n_people: int, sessions_each: int):
    org, depts, ladder = org_with_ladder(name="Acme")
    admin = member(org, email="boss@acme.test", role=Membership.Role.ADMIN)
    SkillFactory(name="Python", synonyms="py")
    for p in range(3):
        ProgramFactory(organisation=org, name=f"Program {p}", slug=f"program-{p}",
                       starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    from orgs.models import Program

    program = Program.objects.get(slug="program-0")
    names, codes = list(depts), list(ladder)
    mentors = [member(org, email=f"mentor{i}@acme.test", department=depts[names[i % 3]], level=ladder[codes[3]])
               for i in range(n_people)]
    for i in range(n_people):
        mentee = member(org, email=f"mentee{i}@acme.test", department=depts[names[(i + 1) % 3]],
                        level=ladder[codes[i % 3]])
        EnrollmentFactory(program=program, user=mentee, side="mentee", joined_at=utc(2027, 3, 1, 9))
        for s in range(sessions_each):
            booking = program_booking(
                program=program, mentee=mentee, mentor=mentors[(i + s) % n_people],
                start=utc(2027, 3, 2, 8) + timedelta(days=3 * s, minutes=31 * i),
                status=["completed", "completed", "cancelled", "no_show", "declined"][s % 5],
                question="Python help", mentee_department=depts[names[(i + 1) % 3]], mentee_level=ladder[codes[i % 3]],
                mentor_department=depts[names[(i + s) % 3]], mentor_level=ladder[codes[3]])
            if booking.status == "completed":
                Rating.objects.create(booking=booking, rater=mentee, ratee=booking.mentor, direction="mentee_to_mentor",
                                      stars=1 + (i + s) % 5, expectation="met", created_at=booking.end)
    booking_skills_refresh()
    return admin


@pytest.mark.parametrize("n_people,sessions_each", [(2, 1), (12, 6)])
def test_page_api_and_csv_take_a_fixed_number_of_queries(django_assert_num_queries, n_people, sessions_each):
    admin = _history(n_people, sessions_each)
    client = Client()
    client.force_login(admin)
    api = APIClient()
    api.force_login(admin)
    for url in ("/orgs/acme/insights/", "/orgs/acme/programs/program-0/insights/"):
        with django_assert_num_queries(PAGE_QUERIES + ("programs" in url)):
            assert client.get(url + PERIOD).status_code == 200
    with django_assert_num_queries(CSV_QUERIES):
        assert client.get("/orgs/acme/insights.csv" + PERIOD).status_code == 200
    with django_assert_num_queries(API_QUERIES):
        assert api.get("/api/v1/orgs/acme/insights/" + PERIOD).status_code == 200
