"""Flash questions: one open question per mentee and program, offers from eligible mentors, the
first accepted offer becomes a program booking and the others are withdrawn (their mentors told)."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orgs.models import Program
from orgs.tests.programs_support import enrol, member, program_world
from sessions.errors import BookingError
from sessions.models import Booking, FlashOffer, FlashQuestion, Notification
from sessions.services.flash import (
    flash_offer_accept,
    flash_offer_create,
    flash_question_post,
    flash_question_withdraw,
    flash_questions_expire,
    flash_questions_for_mentor,
)
from sessions.tests.test_bookings_support import local_slot
from tests.factories import MenteeFactory

QUESTION = "How do I read our quarterly P&L before my planning meeting?"


@pytest.fixture
def world(db):
    return program_world(allows_flash_questions=True)


def _ask(world, mentee=None):
    return flash_question_post(program=world.program, mentee=mentee or world.mentee, topic="Reading a P&L",
                               question=QUESTION, duration=30)


def _wednesday(world, hour=10):
    return local_slot(world.mentor, on=date(2026, 11, 4), hour=hour)


def _refused(call) -> BookingError:
    with pytest.raises(BookingError) as caught:
        call()
    return caught.value


@pytest.mark.django_db
def test_a_mentee_asks_one_question_open_until_the_end_of_the_org_week(world):
    question = _ask(world)
    assert question.status == "open"
    # Monday 9 November 00:00 in Berlin.
    assert question.expires_at.isoformat() == "2026-11-08T23:00:00+00:00"
    error = _refused(lambda: _ask(world))
    assert (error.code, error.status) == ("question_open", 409)


@pytest.mark.django_db
def test_only_programs_that_allow_it_and_only_their_mentees(world):
    assert _refused(lambda: _ask(world, mentee=world.member)).code == "not_in_program"
    Program.objects.filter(pk=world.program.pk).update(allows_flash_questions=False)
    world.program.refresh_from_db()
    assert _refused(lambda: _ask(world)).code == "flash_not_allowed"


@pytest.mark.django_db
def test_a_question_needs_a_topic_a_real_question_and_an_allowed_length(world):
    error = _refused(lambda: flash_question_post(program=world.program, mentee=world.mentee, topic="", question="Why?",
                                                 duration=60))
    assert set(error.field_errors) == {"topic", "question", "duration"}


@pytest.mark.django_db
def test_mentors_see_the_questions_the_rules_let_them_answer(world):
    Program.objects.filter(pk=world.program.pk).update(department_rule="require_other")
    world.program.refresh_from_db()
    question = _ask(world)
    assert flash_questions_for_mentor(program=world.program, mentor=world.mentor) == [question]
    assert flash_questions_for_mentor(program=world.program, mentor=world.same_dept_mentor) == []
    assert flash_questions_for_mentor(program=world.program, mentor=world.member) == []
    error = _refused(lambda: flash_offer_create(question=question, mentor=world.same_dept_mentor,
                                                start=_wednesday(world)))
    assert error.code == "not_in_program"


@pytest.mark.django_db
def test_an_offer_must_be_a_free_time_this_week(world):
    question = _ask(world)
    next_week = local_slot(world.mentor, on=date(2026, 11, 10), hour=10)
    assert "start" in _refused(lambda: flash_offer_create(question=question, mentor=world.mentor,
                                                          start=next_week)).field_errors
    night = local_slot(world.mentor, on=date(2026, 11, 4), hour=3)  # outside 08:00-20:00
    assert _refused(lambda: flash_offer_create(question=question, mentor=world.mentor, start=night)).status == 400


@pytest.mark.django_db
def test_a_second_offer_of_the_same_mentor_replaces_the_first(world):
    question = _ask(world)
    flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world))
    flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world, hour=11))
    assert list(FlashOffer.objects.filter(question=question).values_list("status", flat=True)) == [
        "withdrawn", "offered"]


@pytest.mark.django_db
def test_accepting_books_inside_the_program_and_withdraws_the_other_offers_telling_their_mentors(world):
    question = _ask(world)
    chosen = flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world))
    other = flash_offer_create(question=question, mentor=world.same_dept_mentor, start=_wednesday(world, hour=11))
    booking = flash_offer_accept(offer=chosen, mentee=world.mentee)
    assert (booking.program, booking.mentor, booking.topic) == (world.program, world.mentor, "Reading a P&L")
    assert booking.mentor_department == world.depts["Finance"]
    question.refresh_from_db()
    assert (question.status, question.booking) == ("accepted", booking)
    assert FlashOffer.objects.get(pk=chosen.pk).status == "accepted"
    assert FlashOffer.objects.get(pk=other.pk).status == "withdrawn"
    told = Notification.objects.filter(kind="flash_offer_withdrawn")
    assert [n.recipient for n in told] == [world.same_dept_mentor]
    assert "accepted another offer" in told[0].payload["text"]
    assert "/orgs/acme/programs/cross-team/questions/" in told[0].payload["html"]
    assert _refused(lambda: flash_offer_accept(offer=other, mentee=world.mentee)).code == "question_closed"


@pytest.mark.django_db
def test_an_accept_the_program_refuses_leaves_the_question_open(world):
    Program.objects.filter(pk=world.program.pk).update(mentee_quota_per_month=1)
    Booking.objects.create(mentee=world.mentee, mentor=world.same_dept_mentor, program=world.program,
                           start=_wednesday(world, hour=15), end=_wednesday(world, hour=15) + timedelta(minutes=30),
                           blocked_start=_wednesday(world, hour=15),
                           blocked_end=_wednesday(world, hour=15) + timedelta(minutes=30),
                           duration_minutes=30, status="confirmed", topic="Earlier", question="An earlier question")
    question = _ask(world)
    offer = flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world))
    assert _refused(lambda: flash_offer_accept(offer=offer, mentee=world.mentee)).code == "quota_exceeded"
    question.refresh_from_db()
    assert question.status == "open" and FlashOffer.objects.get(pk=offer.pk).status == "offered"


@pytest.mark.django_db
def test_only_the_asker_accepts_or_withdraws(world):
    question = _ask(world)
    offer = flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world))
    assert _refused(lambda: flash_offer_accept(offer=offer, mentee=world.member)).code == "not_found"
    assert _refused(lambda: flash_question_withdraw(question=question, mentee=world.member)).code == "not_found"
    flash_question_withdraw(question=question, mentee=world.mentee)
    assert FlashOffer.objects.get(pk=offer.pk).status == "withdrawn"
    assert Notification.objects.filter(kind="flash_offer_withdrawn", recipient=world.mentor).count() == 1
    _ask(world)  # a new question once the old one is closed


@pytest.mark.django_db
def test_the_expiry_job_closes_each_question_once(world, frozen_now):
    question = _ask(world)
    offer = flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world))
    assert flash_questions_expire() == 0
    frozen_now.move_to(question.expires_at + timedelta(minutes=1), tick=False)
    assert flash_questions_expire() == 1
    assert flash_questions_expire() == 0
    question.refresh_from_db()
    assert question.status == "expired" and FlashOffer.objects.get(pk=offer.pk).status == "withdrawn"


@pytest.mark.django_db
def test_an_open_question_past_its_week_takes_no_offer_even_before_the_job_runs(world, frozen_now):
    question = _ask(world)
    frozen_now.move_to(question.expires_at + timedelta(minutes=1), tick=False)
    assert _refused(lambda: flash_offer_create(question=question, mentor=world.mentor,
                                               start=question.expires_at + timedelta(days=1))).code == "question_closed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_accepts_at_once_make_one_booking():
    world = program_world(allows_flash_questions=True)
    question = _ask(world)
    offers = [flash_offer_create(question=question, mentor=world.mentor, start=_wednesday(world)),
              flash_offer_create(question=question, mentor=world.same_dept_mentor, start=_wednesday(world, hour=11))]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def accept(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", flash_offer_accept(offer=offers[i], mentee=world.mentee).pk)
        except BookingError as exc:
            results[i] = ("error", exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            results[i] = ("crash", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r[0] for r in results) == ["error", "ok"], results
    assert [r[1] for r in results if r[0] == "error"] == ["question_closed"]
    assert Booking.objects.filter(mentee=world.mentee).count() == 1
    assert FlashQuestion.objects.get(pk=question.pk).status == "accepted"


# --- pages and API --------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("role, page_status, api_status", [
    ("anonymous", 302, 401), ("non_member", 404, 404), ("member", 200, 200), ("program_mentor", 200, 200),
    ("other_admin", 404, 404), ("admin", 200, 200), ("staff", 200, 200),
])
def test_the_questions_page_and_endpoint_per_role(world, role, page_status, api_status):
    from orgs.tests.test_programs_access import _user

    user = _user(world, role)
    client, api = Client(), APIClient()
    if user is not None:
        client.force_login(user)
        api.force_authenticate(user)
    args = [world.org.slug, world.program.slug]
    assert client.get(reverse("orgs:program_questions", args=args)).status_code == page_status
    assert api.get(reverse("api:org-program-questions", args=args)).status_code == api_status


@pytest.mark.django_db
def test_the_whole_flow_on_the_pages(world):
    mentee, mentor = Client(), Client()
    mentee.force_login(world.mentee)
    mentor.force_login(world.mentor)
    url = reverse("orgs:program_questions", args=[world.org.slug, world.program.slug])
    assert mentee.post(url, {"topic": "Reading a P&L", "question": QUESTION, "duration": 30}).status_code == 302
    question = FlashQuestion.objects.get()
    html = mentor.get(url).content.decode()
    assert "Reading a P&amp;L" in html and f'id="offer-{question.pk}"' in html
    start = re.search(rf'<select name="start" id="offer-{question.pk}">\s*<option value="([^"]+)"', html).group(1)
    mentor.post(reverse("orgs:program_question_offer", args=[world.org.slug, world.program.slug, question.pk]),
                {"start": start})
    offer = FlashOffer.objects.get()
    assert "Accept this time" in mentee.get(url).content.decode()
    response = mentee.post(reverse("orgs:program_offer_accept",
                                   args=[world.org.slug, world.program.slug, question.pk, offer.pk]))
    booking = Booking.objects.get()
    assert response["Location"] == reverse("booking:detail", args=[booking.pk]) and booking.program == world.program


@pytest.mark.django_db
def test_the_whole_flow_through_the_api(world):
    mentee, mentor = APIClient(), APIClient()
    mentee.force_authenticate(world.mentee)
    mentor.force_authenticate(world.mentor)
    base = f"/api/v1/orgs/{world.org.slug}/programs/{world.program.slug}/questions/"
    created = mentee.post(base, {"topic": "Reading a P&L", "question": QUESTION, "duration": 30}, format="json")
    assert created.status_code == 201
    again = mentee.post(base, {"topic": "Again", "question": QUESTION, "duration": 30}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "question_open")
    qid = created.json()["id"]
    assert [q["id"] for q in mentor.get(base).json()["to_answer"]] == [qid]
    offer = mentor.post(f"{base}{qid}/offers/", {"start": _wednesday(world).isoformat()}, format="json")
    assert offer.status_code == 201, offer.json()
    assert [o["id"] for o in mentee.get(base).json()["mine"]["offers"]] == [offer.json()["id"]]
    accepted = mentee.post(f"{base}{qid}/offers/{offer.json()['id']}/accept/")
    assert accepted.status_code == 201 and accepted.json()["program"]["slug"] == "cross-team"
    stranger = APIClient()
    stranger.force_authenticate(MenteeFactory())
    assert stranger.get(base).status_code == 404


@pytest.mark.django_db
def test_the_mentor_board_costs_the_same_whatever_the_number_of_questions(world, django_assert_num_queries):
    api = APIClient()
    api.force_authenticate(world.mentor)
    base = f"/api/v1/orgs/{world.org.slug}/programs/{world.program.slug}/questions/"
    _ask(world)
    api.get(base)
    with django_assert_num_queries(12):
        assert len(api.get(base).json()["to_answer"]) == 1
    for n in range(3):
        person = MenteeFactory(email=f"asker{n}@acme.example")
        member(world.org, person, dept=world.depts["Sales"], level=world.levels["IC1"])
        enrol(world.program, person, "mentee")
        _ask(world, mentee=person)
    with django_assert_num_queries(12):
        assert len(api.get(base).json()["to_answer"]) == 4
