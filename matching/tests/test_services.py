"""Recompute services, triggers and the debounced processor against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import services, triggers
from matching.models import MatchScore, RecomputeRequest
from matching.selectors import match_scores_for, matches_for
from matching.tests.conftest import give_availability, make_mentee, set_goals

pytestmark = pytest.mark.django_db


def ranked_emails(mentee):
    return [m.mentor.email for m in matches_for(mentee=mentee)]


def test_goal_with_no_shared_words_finds_the_speaking_coach_not_the_board_member(pool):
    mentee = make_mentee("freeze@example.com", "I freeze when presenting to the board")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    rows = list(MatchScore.objects.filter(mentee=mentee).order_by("rank"))
    assert rows[0].mentor == pool["speaker"]
    assert rows.index(next(r for r in rows if r.mentor == pool["board"])) > 0
    assert "Coaches public speaking, which matches your goal" in rows[0].reasons
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    assert all(0 <= r.score <= 1 for r in rows)


def test_spanish_goal_ranks_the_spanish_speaking_coach_first_and_says_so(pool):
    mentee = make_mentee("miedo@example.com", "Tengo miedo a hablar en público delante de mi jefe", languages=("es",))
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    first = MatchScore.objects.filter(mentee=mentee).order_by("rank").first()
    assert first.mentor == pool["oratoria"]
    assert "Speaks Spanish" in first.reasons


def test_mentor_with_no_shared_language_is_not_recommended(pool):
    mentee = make_mentee("design@example.com", "How do I design a backend that scales to millions of users?")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    assert pool["architect"].email not in ranked_emails(mentee)
    assert ranked_emails(mentee)  # the English speakers still are


def test_free_slots_show_up_as_a_reason(pool):
    give_availability(pool["speaker"])
    mentee = make_mentee("slots@example.com", "I freeze when presenting to the board")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    first = MatchScore.objects.filter(mentee=mentee, mentor=pool["speaker"]).get()
    assert any(reason.endswith("free slots in the next two weeks") for reason in first.reasons), first.reasons


def test_recompute_replaces_the_previous_list(pool):
    mentee = make_mentee("change@example.com", "I freeze when presenting to the board")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    set_goals(mentee, "Quiero presentar con seguridad ante el comité")
    mentee.mentee_profile.languages.add("es")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    assert MatchScore.objects.filter(mentee=mentee).count() == len(pool) - 1  # the German-only mentor is excluded
    assert MatchScore.objects.filter(mentee=mentee, rank=1).get().mentor == pool["oratoria"]


def test_recompute_all_writes_every_mentee_and_drops_former_mentees(pool):
    a = make_mentee("a@example.com", "I freeze when presenting to the board")
    b = make_mentee("b@example.com", "Tengo miedo a hablar en público", languages=("es", "en"))
    assert services.matches_recompute_all() == 2
    assert set(MatchScore.objects.values_list("mentee_id", flat=True)) == {a.pk, b.pk}
    b.is_mentee = False
    b.save()
    services.matches_recompute_all()
    assert set(MatchScore.objects.values_list("mentee_id", flat=True)) == {a.pk}


def test_selector_computes_on_the_fly_when_nothing_is_stored(pool):
    mentee = make_mentee("fly@example.com", "I freeze when presenting to the board")
    matches = matches_for(mentee=mentee)
    assert matches and not matches[0].stored and matches[0].mentor == pool["speaker"]
    assert not MatchScore.objects.exists()  # a read stores no list (only the embedding cache)
    scores = match_scores_for(mentee=mentee)
    assert scores[pool["speaker"].pk] == matches[0].score


def test_a_burst_of_changes_makes_one_pending_request_due_after_the_last():
    now = timezone.now()
    for second in (0, 5, 10):
        triggers.mentee_changed(mentee_id=42, now=now + timedelta(seconds=second))
    (row,) = RecomputeRequest.objects.all()
    assert row.due_at == now + timedelta(seconds=10 + 30)
    assert row.first_requested_at == now


def test_a_subject_that_keeps_changing_is_not_postponed_forever():
    start = timezone.now()
    triggers.mentors_changed(mentor_ids=[7], now=start)
    triggers.mentors_changed(mentor_ids=[7], now=start + triggers.MAX_WAIT + timedelta(seconds=1))
    (row,) = RecomputeRequest.objects.all()
    assert row.due_at == start + timedelta(seconds=30)


def test_processor_waits_for_the_due_time_and_running_twice_recomputes_once(pool):
    mentee = make_mentee("debounce@example.com", "I freeze when presenting to the board")
    now = timezone.now()
    triggers.mentee_changed(mentee_id=mentee.pk, now=now)
    triggers.mentee_changed(mentee_id=mentee.pk, now=now + timedelta(seconds=3))
    assert services.recompute_requests_process_due(now=now + timedelta(seconds=10)) == 0
    assert not MatchScore.objects.exists()
    later = now + timedelta(minutes=1)
    assert services.recompute_requests_process_due(now=later) == 1
    assert services.recompute_requests_process_due(now=later + timedelta(seconds=1)) == 0
    assert set(MatchScore.objects.filter(mentee=mentee).values_list("computed_at", flat=True)) == {later}
    assert not RecomputeRequest.objects.exists()


def test_mentor_change_recomputes_the_lists_of_mentees_sharing_a_language(pool):
    english = make_mentee("en@example.com", "I freeze when presenting to the board")
    german = make_mentee("de@example.com", "Ich möchte Software besser entwerfen", languages=("de",))
    now = timezone.now()
    triggers.mentors_changed(mentor_ids=[pool["speaker"].pk], now=now)
    assert services.recompute_requests_process_due(now=now + timedelta(minutes=1)) == 1
    assert set(MatchScore.objects.values_list("mentee_id", flat=True)) == {english.pk}
    triggers.mentors_changed(mentor_ids=[pool["architect"].pk], now=now)
    services.recompute_requests_process_due(now=now + timedelta(minutes=2))
    assert MatchScore.objects.filter(mentee=german, mentor=pool["architect"]).exists()


def test_unlisting_a_mentor_removes_them_from_lists_that_had_them(pool):
    mentee = make_mentee("unlist@example.com", "I freeze when presenting to the board")
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    profile = pool["speaker"].mentor_profile
    profile.is_listed = False
    profile.save()
    assert pool["speaker"].email not in ranked_emails(mentee)  # hidden at once by the selector
    now = timezone.now()
    triggers.mentors_changed(mentor_ids=[pool["speaker"].pk], now=now)
    services.recompute_requests_process_due(now=now + timedelta(minutes=1))
    assert not MatchScore.objects.filter(mentor=pool["speaker"]).exists()


def test_a_stale_claim_from_a_dead_worker_is_picked_up_again(pool):
    mentee = make_mentee("stale@example.com", "I freeze when presenting to the board")
    now = timezone.now()
    RecomputeRequest.objects.create(kind="mentee", subject_id=mentee.pk, due_at=now, first_requested_at=now,
                                    claimed_at=now)
    assert services.recompute_requests_process_due(now=now + timedelta(minutes=1)) == 0
    assert services.recompute_requests_process_due(now=now + services.STALE_CLAIM + timedelta(minutes=1)) == 1
    assert not RecomputeRequest.objects.exists()


def test_tasks_are_adapters_over_the_services(pool):
    from matching import tasks

    mentee = make_mentee("task@example.com", "I freeze when presenting to the board")
    assert tasks.recompute_all_matches() == 1
    assert MatchScore.objects.filter(mentee=mentee).exists()
    triggers.mentee_changed(mentee_id=mentee.pk, now=timezone.now() - timedelta(minutes=5))
    assert tasks.process_due_recompute_requests() == 1
    assert tasks.process_due_recompute_requests() == 0


def test_beat_runs_the_processor_every_minute_and_everything_nightly():
    from celery.schedules import crontab

    from mentorship.celery import BEAT_SCHEDULE, app

    app.loader.import_default_modules()
    entries = {e["task"]: e["schedule"] for e in BEAT_SCHEDULE.values()}
    assert entries["matching.process_due_recompute_requests"] == 60.0
    assert entries["matching.recompute_all_matches"] == crontab(hour=3, minute=30)
    assert {"matching.process_due_recompute_requests", "matching.recompute_all_matches"} <= set(app.tasks)


def test_on_the_fly_matches_take_a_fixed_number_of_queries(pool, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from matching.tests.conftest import make_mentor

    mentee = make_mentee("count@example.com", "I freeze when presenting to the board")
    matches_for(mentee=mentee)  # warms the embedding cache
    with CaptureQueriesContext(connection) as few:
        assert len(matches_for(mentee=mentee)) == 3
    for n in range(5):
        make_mentor(f"count{n}@example.com", "Career coach", "I help people grow.")
    services.mentor_features_refresh()
    matches_for(mentee=mentee)
    with django_assert_num_queries(len(few)):
        assert len(matches_for(mentee=mentee)) == 8


def test_ratings_and_reliability_break_ties_between_equal_mentors_and_show_as_a_reason():
    from accounts.models import MentorProfile
    from matching.tests.conftest import make_mentor
    from sessions.models import ReliabilityRecord

    bio = "I help people stay calm and clear when all eyes are on them."
    flaky = make_mentor("flaky@example.com", "Speaker coach", bio)  # created first: wins a pure tie on id
    loved = make_mentor("loved@example.com", "Speaker coach", bio)
    MentorProfile.objects.filter(user=loved).update(rating_count=5, rating_sum=24, rating_bayes=4.4)
    ReliabilityRecord.objects.create(user=flaky, sessions_completed=2, no_shows=3)
    mentee = make_mentee("tie@example.com", "I freeze when presenting to the board")
    services.mentor_features_refresh()
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    first, second = MatchScore.objects.filter(mentee=mentee).order_by("rank")
    assert (first.mentor, second.mentor) == (loved, flaky)
    assert "Rated 4.8 by 5 mentees" in first.reasons
