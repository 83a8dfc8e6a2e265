"""The outbox in the admin: states, errors, search, and retrying failed mails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Notification
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _rows(mentor, mentee, n: int) -> list[Notification]:
    now = timezone.now()
    offset = Notification.objects.count()
    booking = BookingFactory(mentor=mentor, mentee=mentee, start=now + timedelta(days=1, hours=offset))
    return Notification.objects.bulk_create([
        Notification(kind="booking_confirmed", recipient=mentee if i % 2 else mentor, booking=booking,
                     dedupe_key=f"admin:{offset + i}", due_at=now - timedelta(minutes=i),
                     state="failed" if i % 3 == 0 else "sent", attempts=5 if i % 3 == 0 else 1,
                     last_error="SMTPServerDisconnected: Connection unexpectedly closed" if i % 3 == 0 else "")
        for i in range(n)
    ])


def _changelist_queries(client, django_assert_max_num_queries, limit: int, **params):
    url = reverse("admin:booking_notification_changelist")
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(captured)


def test_admin_lists_outbox_with_state_and_last_error_in_constant_queries(client_for, staff, mentor, mentee,
                                                                          django_assert_max_num_queries):
    _rows(mentor, mentee, 3)
    client = client_for(staff)
    response, few = _changelist_queries(client, django_assert_max_num_queries, 20)
    assert "SMTPServerDisconnected" in response.content.decode()
    assert mentee.email in response.content.decode()
    _rows(mentor, mentee, 30)[0].delete()
    _, many = _changelist_queries(client, django_assert_max_num_queries, 20)
    assert many == few


def test_admin_filters_by_state_and_searches_by_recipient_email(client_for, staff, mentor, mentee):
    _rows(mentor, mentee, 6)
    client = client_for(staff)
    url = reverse("admin:booking_notification_changelist")
    failed = client.get(url, {"state__exact": "failed"})
    assert failed.context["cl"].result_count == 2
    by_email = client.get(url, {"q": mentee.email})
    assert by_email.context["cl"].result_count == 3
    assert client.get(url, {"kind__exact": "reminder_1h"}).context["cl"].result_count == 0


def test_admin_retry_action_queues_only_failed_rows_again(client_for, staff, mentor, mentee):
    rows = _rows(mentor, mentee, 6)
    response = client_for(staff).post(reverse("admin:booking_notification_changelist"), {
        "action": "retry_failed", "_selected_action": [r.pk for r in rows],
    }, follow=True)
    assert response.status_code == 200
    assert "2 failed notification(s) queued again." in response.content.decode()
    assert Notification.objects.filter(state="pending", attempts=0).count() == 2
    assert Notification.objects.filter(state="sent").count() == 4


@pytest.mark.parametrize("who", ["anonymous", "mentor"])
def test_admin_outbox_is_for_staff_only(client, client_for, mentor, who):
    http = client if who == "anonymous" else client_for(mentor)
    response = http.get(reverse("admin:booking_notification_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
