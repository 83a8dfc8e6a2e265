"""Read replicas (mentorship/db_router.py): which reads leave the primary, and when they may not.

The `replica` alias is a test mirror of `default` (the same database through a second
connection), so these tests see real queries on the replica connection; they commit
(transaction=True) because a second connection only sees committed rows.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MentorProfile
from mentorship.db_router import PIN_COOKIE, replica_safe
from tests.factories import MentorFactory

WITH_REPLICA = override_settings(
    READ_REPLICA="replica",
    DATABASE_ROUTERS=["mentorship.db_router.ReplicaRouter"],
    MIDDLEWARE=[*settings.MIDDLEWARE, "mentorship.db_router.ReplicaReadsMiddleware"],
)
# serialized_rollback: a flush would also delete the languages a data migration loads.
replica_db = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


def _profile_reads(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "accounts_mentorprofile"' in q["sql"]]


@pytest.mark.django_db
def test_without_a_replica_the_directory_reads_the_primary_only(client):
    # Any query on `replica` would fail here: this test may only use `default`.
    assert settings.READ_REPLICA == "" and "mentorship.db_router.ReplicaRouter" not in settings.DATABASE_ROUTERS
    MentorFactory(name="Rita Rao")
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(reverse("api:mentor-list"))
    assert response.status_code == 200 and "Rita Rao" in response.content.decode()
    assert _profile_reads(primary)


@WITH_REPLICA
@replica_db
def test_with_a_replica_the_directory_reads_it_and_the_session_stays_on_the_primary(client):
    MentorFactory(name="Rita Rao")
    with CaptureQueriesContext(connections["replica"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        api = client.get(reverse("api:mentor-list"))
        page = client.get(reverse("accounts:directory"))
    assert api.status_code == page.status_code == 200
    assert "Rita Rao" in api.content.decode() and "Rita Rao" in page.content.decode()
    assert _profile_reads(replica) and not _profile_reads(primary)
    assert not any("django_session" in q["sql"] or 'FROM "accounts_user"' in q["sql"].split("INNER JOIN")[0]
                   for q in replica.captured_queries)


@WITH_REPLICA
@replica_db
def test_after_a_write_the_browser_reads_the_primary_for_a_while(client):
    MentorFactory(name="Rita Rao")
    client.post(reverse("api:mentor-list"))  # any unsafe method pins, whatever the answer
    assert client.cookies[PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(reverse("api:mentor-list")).status_code == 200
    assert replica.captured_queries == []


@WITH_REPLICA
@replica_db
def test_marked_reads_use_the_replica_outside_transactions_and_writes_never_do():
    mentor = MentorFactory()
    assert replica_safe(MentorProfile.objects.all()).db == "replica"
    assert MentorProfile.objects.all().db == "default"  # unmarked, outside a replica-safe page
    with transaction.atomic():
        assert replica_safe(MentorProfile.objects.all()).db == "default"
    profile = replica_safe(MentorProfile.objects.all()).get(pk=mentor.pk)
    assert profile._state.db == "replica"
    with CaptureQueriesContext(connections["default"]) as primary:
        profile.headline = "Changed"
        profile.save(update_fields=["headline"])
    assert any(q["sql"].startswith("UPDATE") for q in primary.captured_queries)
