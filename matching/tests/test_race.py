"""Two workers processing due requests at once: each request is recomputed by exactly one of them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from matching import services, triggers
from matching.models import MatchScore, RecomputeRequest
from matching.tests.conftest import make_mentee


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps seeded languages
def test_concurrent_processors_share_the_work_without_doing_it_twice(pool):
    mentees = [make_mentee(f"race{n}@example.com", "I freeze when presenting to the board") for n in range(3)]
    now = timezone.now()
    for m in mentees:
        triggers.mentee_changed(mentee_id=m.pk, now=now)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def worker():
        try:
            barrier.wait()
            results.append(services.recompute_requests_process_due(now=now + timedelta(minutes=1), limit=1))
            results.append(services.recompute_requests_process_due(now=now + timedelta(minutes=1), limit=1))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 3  # each of the three requests claimed by one worker only
    assert not RecomputeRequest.objects.exists()
    assert set(MatchScore.objects.values_list("mentee_id", flat=True)) == {m.pk for m in mentees}
