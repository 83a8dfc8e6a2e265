"""Managers see aggregates only: a figure from fewer than INSIGHTS_MIN_CELL people shows "<5" in
the page, the API and the CSV; no comment, private answer, name or single session ever appears;
and a total minus the visible cells never gives a hidden cell back."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from insights.privacy import Cell, count_cell, protect_groups, session_cell
from insights.tests.support import march_program, member, program_booking, utc
from orgs.models import Membership
from ratings.models import Rating
from tests.factories import ProgramFactory, UserFactory, org_with_ladder

pytestmark = pytest.mark.django_db
PERIOD = "?from=2027-03-01&to=2027-03-31"


@pytest.fixture
def matrix_org():
    """Finance mentees met Engineering mentors in 5 sessions (5 people each side); Sales mentees met
    Engineering mentors in 4 (4 people each side) and Finance mentors in 2; all completed in the
    weeks of 8 March 2027."""
    org, depts, ladder = org_with_ladder(name="Acme")
    program = ProgramFactory(organisation=org, name="Mentoring", slug="mentoring",
                             starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    admin = member(org, email="boss@acme.test", role=Membership.Role.ADMIN)
    mentors = [member(org, email=f"eng{i}@acme.test", department=depts["Engineering"]) for i in range(5)]
    for i in range(5):
        mentee = member(org, email=f"fin{i}@acme.test", department=depts["Finance"])
        program_booking(program=program, mentee=mentee, mentor=mentors[i], start=utc(2027, 3, 8, 9 + i),
                        mentee_department=depts["Finance"], mentor_department=depts["Engineering"])
    for i in range(4):
        mentee = member(org, email=f"sales{i}@acme.test", department=depts["Sales"])
        program_booking(program=program, mentee=mentee, mentor=mentors[i], start=utc(2027, 3, 9, 9 + i),
                        mentee_department=depts["Sales"], mentor_department=depts["Engineering"])
        if i < 2:
            finance_mentor = member(org, email=f"fin-mentor{i}@acme.test", department=depts["Finance"])
            program_booking(program=program, mentee=mentee, mentor=finance_mentor, start=utc(2027, 3, 16, 9 + i),
                            mentee_department=depts["Sales"], mentor_department=depts["Finance"])
    return org, admin


def _api(user, url):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url).json()


def test_a_cell_of_four_people_shows_under_five_in_api_page_and_csv(matrix_org):
    org, admin = matrix_org
    data = _api(admin, f"/api/v1/orgs/acme/insights/{PERIOD}")
    depts = data["reach"]["departments"]
    rows = {row["mentee_department"]: dict(zip(depts, row["sessions"], strict=True)) for row in data["reach"]["matrix"]}
    assert rows["Finance"]["Engineering"] == {"value": 5, "suppressed": False, "display": "5"}
    assert rows["Sales"]["Engineering"] == {"value": None, "suppressed": True, "display": "<5"}

    client = Client()
    client.force_login(admin)
    page = client.get(f"/orgs/acme/insights/{PERIOD}").content.decode()
    assert '<th scope="row">Sales</th><td>&lt;5</td><td>&lt;5</td><td>0</td>' in page.replace("\n", "")
    csv = client.get(f"/orgs/acme/insights.csv{PERIOD}").content.decode()
    assert "reach,completed sessions by department,Sales,Engineering,<5" in csv
    assert "reach,completed sessions by department,Finance,Engineering,5" in csv


def test_the_threshold_is_a_setting(matrix_org, settings):
    org, admin = matrix_org
    settings.INSIGHTS_MIN_CELL = 2
    data = _api(admin, f"/api/v1/orgs/acme/insights/{PERIOD}")
    sales = next(r for r in data["reach"]["matrix"] if r["mentee_department"] == "Sales")
    assert data["min_cell"] == 2 and [c["display"] for c in sales["sessions"]] == ["4", "2", "0"]


def test_the_total_minus_visible_cells_never_gives_a_hidden_one_back(matrix_org):
    # 11 completed sessions are shown; the matrix hides Sales x Engineering (4 people) and Sales x
    # Finance (2): together six people, so 11 - 5 gives only their sum.
    org, admin = matrix_org
    data = _api(admin, f"/api/v1/orgs/acme/insights/{PERIOD}")
    assert data["participation"]["sessions"]["completed"]["value"] == 11
    cells = [c for row in data["reach"]["matrix"] for c in row["sessions"]]
    assert sum(c["suppressed"] for c in cells) >= 2
    assert sum(c["suppressed"] for c in cells) >= 2


def test_one_hidden_outcome_in_a_week_hides_another(matrix_org):
    # The week of 8 March: 9 completed (9 mentees, 5 mentors: shown alone) and one cancelled session
    # (hidden). With the week's 10 requests known, 10 - 9 would give the cancellation back.
    org, admin = matrix_org
    from orgs.models import Program

    program = Program.objects.get(slug="mentoring")
    program_booking(program=program, mentee=member(org, email="late@acme.test"),
                    mentor=member(org, email="m@acme.test"), start=utc(2027, 3, 10, 9), status="cancelled")
    data = _api(admin, f"/api/v1/orgs/acme/insights/{PERIOD}")
    week = next(w for w in data["participation"]["weeks"] if w["week"] == "2027-03-08")
    assert week["cancelled"]["suppressed"] and week["completed"]["suppressed"]
    for week in data["participation"]["weeks"]:
        outcomes = [week[k] for k in ("completed", "confirmed", "pending", "cancelled", "cancelled_late", "no_show",
                                      "declined")]
        hidden = sum(c["suppressed"] for c in outcomes)
        assert week["requested"]["suppressed"] or hidden != 1


def test_comments_private_answers_and_names_never_leave(settings):
    settings.INSIGHTS_MIN_CELL = 1  # even with nothing hidden
    march = march_program()
    admin = member(march.org, email="boss@acme.test", role=Membership.Role.ADMIN)
    Rating.objects.filter(comment="").update(comment="Another SECRET COMMENT")
    client = Client()
    client.force_login(admin)
    outputs = [client.get(f"/orgs/acme/insights/{PERIOD}").content.decode(),
               client.get(f"/orgs/acme/programs/cross-team/insights/{PERIOD}").content.decode(),
               client.get(f"/orgs/acme/insights.csv{PERIOD}").content.decode(),
               str(_api(admin, f"/api/v1/orgs/acme/insights/{PERIOD}"))]
    names = [u.name for u in march.people.values()] + [u.email for u in march.people.values()]
    for text in outputs:
        assert "SECRET COMMENT" not in text and "PRIVATE FEEDBACK" not in text
        assert "How do I structure" not in text and "packaging?" not in text  # questions are matched, not shown
        for name in names:
            assert name not in text, name


def test_suppression_rules():
    assert count_cell(4, 4).hidden and not count_cell(5, 5).hidden and not count_cell(0, 0).hidden
    assert count_cell(0, 0).display == "0" and count_cell(3, 3).display == "<5"
    assert session_cell(20, 10, 4).hidden  # one side of four people is enough to hide it
    total = count_cell(13, 13)
    cells = [count_cell(10, 10), count_cell(3, 3), count_cell(0, 0)]
    protect_groups([(total, cells)])
    assert [c.hidden for c in cells] == [True, True, False]
    # a hidden total protects the cells already
    cells = [count_cell(3, 3), count_cell(1, 1)]
    protect_groups([(count_cell(4, 4), cells)])
    assert [c.hidden for c in cells] == [True, True]
    # two hidden cells standing for fewer than five people together pull in a third
    cells = [count_cell(2, 2), count_cell(2, 2), count_cell(9, 9), count_cell(20, 20)]
    protect_groups([(count_cell(33, 33), cells)])
    assert [c.hidden for c in cells] == [True, True, True, False]
    assert Cell(value=None, people=0).display == "–"


def test_an_ordinary_member_of_the_organisation_cannot_use_the_api_to_probe(matrix_org):
    outsider = UserFactory(email="someone@example.com")
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/orgs/acme/insights/{PERIOD}").status_code == 404
