"""The report's numbers against a history computed by hand (insights/tests/support.py): the
period's edges in the organisation's zone, the week of the spring DST change, and each figure."""

from __future__ import annotations

from datetime import date

import pytest

from insights.privacy import Cell
from insights.selectors import _gini, _median, insights_report
from insights.services import booking_skills_refresh
from insights.tests.support import MARCH, march_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(settings):
    settings.INSIGHTS_MIN_CELL = 1  # every exact number visible; privacy has its own tests
    return march_program()


def values(cells) -> list:
    return [c.value for c in cells]


def report_of(march, **kwargs):
    first, last = kwargs.pop("period", MARCH)
    return insights_report(organisation=march.org, program=kwargs.pop("program", march.program),
                           first_day=first, last_day=last)


def test_outcomes_count_the_periods_bookings_by_their_start_in_the_organisations_zone(march):
    totals = report_of(march).participation["totals"]
    # b1 (00:30 Berlin on 1 March) and b7 (23:30 on 31 March) are in; 30 minutes outside each edge are not.
    assert {k: c.value for k, c in totals.items()} == {
        "requested": 7, "completed": 3, "confirmed": 1, "pending": 0, "cancelled": 0, "cancelled_late": 1,
        "no_show": 1, "declined": 1}


def test_weeks_start_on_monday_where_the_organisation_is_across_the_dst_change(march):
    weeks = report_of(march).participation["weeks"]
    assert [w["week"] for w in weeks] == [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 15),
                                         date(2027, 3, 22), date(2027, 3, 29)]
    assert values(w["requested"] for w in weeks) == [2, 1, 1, 1, 2]
    # Sunday 23:30 CEST (21:30 UTC) belongs to the week of 22 March; Monday 00:30 CEST to the next.
    assert weeks[3]["completed"].value == 1 and weeks[3]["no_show"].value == 0
    assert weeks[4]["no_show"].value == 1 and weeks[4]["confirmed"].value == 1
    assert weeks[0]["completed"].value == 1 and weeks[0]["declined"].value == 1


def test_people_invited_joined_and_active(march):
    part = report_of(march).participation
    assert {k: c.value for k, c in part["mentees"].items()} == {"invited": 1, "joined": 3, "active": 2}
    assert {k: c.value for k, c in part["mentors"].items()} == {"invited": 0, "joined": 0, "active": 2}


def test_median_days_from_joining_to_first_booking(march):
    # C: joined 2 March 12:00, first booked 4 March 13:00 (2 days); B: 5 -> 12 March (7 days);
    # A joined before the period, D never booked.
    assert report_of(march).participation["days_to_first_booking"].value == 4.5


def test_satisfaction_counts_stars_and_expectations_and_who_booked_again(march):
    sat = report_of(march).satisfaction
    assert sat["ratings"].value == 3 and sat["average"].value == 3.7
    assert values(s["ratings"] for s in sat["stars"]) == [0, 1, 0, 1, 1]
    assert {a["answer"]: a["ratings"].value for a in sat["expectations"]} == {
        "below": 1, "met": 1, "exceeded": 1, "": 0}
    # A completed b1 and booked b2 and b7 after it; B's only later-starting session is none.
    assert sat["booked_again"].value == 50


def test_department_matrix_level_gaps_and_crossing(march):
    reach = report_of(march).reach
    assert reach["departments"] == ["Engineering", "Finance", "Sales"]
    matrix = {row["department"]: values(row["cells"]) for row in reach["matrix"]}
    # rows: the mentee's department; columns: the mentor's (Engineering, Finance, Sales)
    assert matrix == {"Engineering": [1, 1, 0], "Finance": [0, 1, 0], "Sales": [0, 0, 0]}
    assert reach["crossed_share"].value == 33
    assert [(g["gap"], g["sessions"].value) for g in reach["level_gaps"]] == [(1, 2), (2, 1)]
    # A met X and Y, X met A and B; B and Y met one each.
    assert [(b["label"], b["people"].value) for b in reach["colleagues_met"]["bins"]][:2] == [("1", 2), ("2", 2)]


def test_mentor_load_histogram_and_concentration(march):
    load = report_of(march).load
    assert load["mentors"].value == 2
    assert [b["people"].value for b in load["bins"]] == [1, 1, 0, 0, 0, 0]
    assert load["gini"].value == 0.17 and load["top_tenth_share"].value == 67


def test_topics_count_skills_named_in_topics_and_questions_through_synonyms(march):
    assert booking_skills_refresh() == 9  # every program booking, in the period or not
    topics = {t["skill"]: t["sessions"].value for t in report_of(march).topics}
    assert topics["Python"] == 2  # "Python testing" (b2) and "python packaging" (b5)
    assert topics["JavaScript"] == 1  # "JS" in b1's question
    assert booking_skills_refresh() == 0  # scanned once


def test_a_changed_taxonomy_rescans(march):
    booking_skills_refresh()
    from tests.factories import SkillFactory

    SkillFactory(name="Packaging")
    assert booking_skills_refresh() == 9
    assert {t["skill"] for t in report_of(march).topics} >= {"Packaging", "Python"}


def test_the_organisation_report_covers_every_program(march):
    from insights.tests.support import program_booking
    from tests.factories import ProgramFactory

    other = ProgramFactory(organisation=march.org, name="Leaders", slug="leaders")
    program_booking(program=other, mentee=march.people["D"], mentor=march.people["X"],
                    start=march.bookings["b2"].start.replace(day=11))
    assert report_of(march, program=None).participation["totals"]["completed"].value == 4
    assert report_of(march).participation["totals"]["completed"].value == 3


def test_an_empty_period_is_all_zeros(march):
    report = report_of(march, period=(date(2030, 1, 1), date(2030, 1, 7)))
    assert report.participation["totals"]["requested"].value == 0
    assert report.satisfaction["average"].value is None and report.load["gini"].value is None
    assert report.topics == []


def test_median_and_gini_of_frequency_tables():
    assert _median([(3, 1)]) == 3 and _median([(1, 2), (5, 2)]) == 3 and _median([(1, 1), (2, 1), (9, 1)]) == 2
    assert _median([]) is None
    assert _gini([(4, 10)]) == 0.0  # everyone gives the same
    assert _gini([(0, 9), (10, 1)]) == 0.9  # one mentor gives everything
    assert isinstance(Cell(value=1, people=1), Cell)
