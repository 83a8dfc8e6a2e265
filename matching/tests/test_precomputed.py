"""Precomputed features: the worker builds them when their inputs change, a request only loads them."""

from __future__ import annotations

from datetime import time, timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from matching import features, scoring, semantic, services, triggers
from matching.models import MatchScore, MenteeFeatures, MentorFeatures, MentorFeaturesVersion, RecomputeRequest
from matching.selectors import matches_for
from matching.tests.conftest import give_availability, make_mentee, set_goals
from sessions.services.availability import availability_set_weekly

pytestmark = pytest.mark.django_db


def forget_everything_loaded_in_this_process():
    """A freshly started web worker: no encoder, no language identifier, no concept or mentor matrix."""
    semantic._encoder.cache_clear()
    features._language_identifier.cache_clear()
    features._concepts.clear()
    scoring._pool_cache.clear()


def loaded() -> dict[str, int]:
    return {"encoder": semantic._encoder.cache_info().currsize,
            "language identifier": features._language_identifier.cache_info().currsize}


def test_stored_rows_give_the_same_matrices_as_features_built_from_the_profiles(pool):
    give_availability(pool["speaker"])
    tax = features.load_taxonomy()
    now = timezone.now()
    stored = features.stored_mentor_features(tax, now=now)
    live = features.live_mentor_features(tax, now=now)
    for name in ("ids", "emb", "concepts", "skills", "industries", "languages", "profile_language", "daytime",
                 "free_slots", "quality", "rating_avg", "rating_count"):
        np.testing.assert_array_equal(getattr(stored, name), getattr(live, name), err_msg=name)
    assert stored.free_slots[list(stored.ids).index(pool["speaker"].pk)] > 0


def test_a_list_scored_on_request_equals_the_list_the_worker_stores(pool):
    mentee = make_mentee("same@example.com", "I freeze when presenting to the board")
    give_availability(pool["oratoria"])
    on_request = [(m.mentor.pk, m.score, m.reasons) for m in matches_for(mentee=mentee)]
    services.matches_recompute_for_mentees(mentee_ids=[mentee.pk])
    stored = [(m.mentor.pk, m.score, m.reasons) for m in matches_for(mentee=mentee)]
    assert matches_for(mentee=mentee)[0].stored
    assert on_request == stored and len(stored) == 3


def test_a_web_request_for_a_mentee_the_worker_has_seen_loads_neither_model(pool, client_for):
    mentee = make_mentee("seen@example.com", "I freeze when presenting to the board")
    services.mentee_features_refresh(mentee_ids=[mentee.pk])
    forget_everything_loaded_in_this_process()
    results = client_for(mentee).get(reverse("api:match-list")).json()["results"]
    assert results[0]["mentor"]["id"] == pool["speaker"].pk
    assert loaded() == {"encoder": 0, "language identifier": 0}
    assert not MatchScore.objects.exists()


def test_only_a_mentee_whose_goals_changed_since_the_worker_ran_needs_the_models(pool):
    mentee = make_mentee("changed@example.com", "I freeze when presenting to the board")
    services.mentee_features_refresh(mentee_ids=[mentee.pk])
    set_goals(mentee, "Tengo miedo a hablar en público")
    mentee.mentee_profile.languages.add("es")
    forget_everything_loaded_in_this_process()
    assert matches_for(mentee=mentee)[0].mentor == pool["oratoria"]  # the new goals, not the stored language
    assert loaded() == {"encoder": 1, "language identifier": 1}


def test_refreshing_features_twice_writes_once(pool):
    rows = list(MentorFeatures.objects.order_by("mentor_id").values_list("mentor_id", "inputs_hash", "updated_at"))
    version = MentorFeaturesVersion.objects.get().revision
    assert len(rows) == 4
    assert services.mentor_features_refresh(now=timezone.now() + timedelta(hours=1)) == 0
    assert list(MentorFeatures.objects.order_by("mentor_id").values_list(
        "mentor_id", "inputs_hash", "updated_at")) == rows
    assert MentorFeaturesVersion.objects.get().revision == version
    mentee = make_mentee("twice@example.com", "I freeze when presenting to the board")
    assert services.mentee_features_refresh() == 1
    assert services.mentee_features_refresh() == 0
    assert MenteeFeatures.objects.get(mentee=mentee).goal_language == "en"


def process_due_later():
    return services.recompute_requests_process_due(now=timezone.now() + timedelta(minutes=1))


def test_saving_availability_refreshes_that_mentors_free_slots_only(pool):
    before = dict(MentorFeatures.objects.values_list("mentor_id", "inputs_hash"))
    assert MentorFeatures.objects.get(mentor=pool["board"]).free_slots == 0
    availability_set_weekly(mentor=pool["board"], rules=[(d, time(9), time(17)) for d in range(5)])
    process_due_later()
    after = dict(MentorFeatures.objects.values_list("mentor_id", "inputs_hash"))
    assert MentorFeatures.objects.get(mentor=pool["board"]).free_slots > 0
    assert {pk for pk in before if before[pk] != after[pk]} == {pool["board"].pk}


def test_editing_a_mentor_profile_refreshes_their_row_and_closing_bookings_removes_it(pool):
    speaker = pool["speaker"]
    old_vector = bytes(MentorFeatures.objects.get(mentor=speaker).vector)
    accounts_services.mentor_profile_update(user=speaker, headline="Negotiation coach", languages=["en", "fr"])
    process_due_later()
    row = MentorFeatures.objects.get(mentor=speaker)
    assert bytes(row.vector) != old_vector and row.language_codes == "en fr"
    accounts_services.mentor_profile_update(user=speaker, accepting_bookings=False)
    process_due_later()
    assert not MentorFeatures.objects.filter(mentor=speaker).exists()


def test_a_bulk_import_burst_recomputes_each_mentee_list_once(pool):
    mentees = [make_mentee(f"bulk{n}@example.com", "I freeze when presenting to the board") for n in range(3)]
    now = timezone.now()
    # What an import of 2,500 mentors leaves behind: requests written batch by batch of 1,000
    # (ids of mentors other than the pool's stand for imported ones; the pool's own are among them).
    ids = [m.pk for m in pool.values()] + list(range(10_000_000, 10_002_496))
    for batch in range(0, len(ids), 1000):
        RecomputeRequest.objects.bulk_create([
            RecomputeRequest(kind="mentor", subject_id=pk, due_at=now + timedelta(seconds=30 + batch // 1000),
                             first_requested_at=now) for pk in ids[batch:batch + 1000]])
    triggers.mentee_changed(mentee_id=mentees[0].pk, now=now)
    assert services.recompute_requests_process_due(now=now + timedelta(minutes=1)) == len(mentees)
    assert services.recompute_requests_process_due(now=now + timedelta(minutes=2)) == 0
    assert not RecomputeRequest.objects.exists()
    assert set(MatchScore.objects.values_list("mentee_id", flat=True)) == {m.pk for m in mentees}


def test_nightly_job_twice_is_one_effect(pool):
    mentee = make_mentee("nightly@example.com", "I freeze when presenting to the board")
    assert services.matches_recompute_all() == 1
    version = MentorFeaturesVersion.objects.get().revision
    rows = list(MatchScore.objects.values_list("mentee_id", "mentor_id", "score", "rank"))
    assert services.matches_recompute_all() == 1
    assert MentorFeaturesVersion.objects.get().revision == version
    assert list(MatchScore.objects.values_list("mentee_id", "mentor_id", "score", "rank")) == rows
    assert MenteeFeatures.objects.filter(mentee=mentee).count() == 1


def test_on_request_matching_takes_twelve_queries_however_many_mentors(pool, django_assert_num_queries):
    from matching.tests.conftest import make_mentor

    mentee = make_mentee("pinned@example.com", "I freeze when presenting to the board")
    services.mentee_features_refresh(mentee_ids=[mentee.pk])
    matches_for(mentee=mentee)  # this process loads the mentor matrix once
    # stored list, taxonomy (3), features version, mentee profile (4), embedding, goal language, mentors shown
    with django_assert_num_queries(12):
        assert len(matches_for(mentee=mentee)) == 3
    for n in range(8):
        make_mentor(f"pinned{n}@example.com", "Career coach", "I help people grow.")
    services.mentor_features_refresh()
    with django_assert_num_queries(13):  # the rows changed: the matrix is loaded again, in one query
        assert len(matches_for(mentee=mentee)) == 11
    with django_assert_num_queries(12):
        assert len(matches_for(mentee=mentee)) == 11
