"""Availability and slots API: permissions for every persona, bad input per field, fixed queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import AvailabilityOverride, AvailabilityRule, BookingPolicy
from tests.factories import BookingFactory, MentorFactory

RULES = reverse("api:availability-rules")
OVERRIDES = reverse("api:availability-overrides")
POLICY = reverse("api:availability-policy")


def slots_url(user_id):
    return reverse("api:slots-list", args=[user_id])


def future_monday():
    today = timezone.now().date()
    return today + timedelta(days=7 - today.weekday() + 7)


# --- permissions --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [RULES, OVERRIDES, POLICY])
def test_anonymous_gets_401(api_client, db, url):
    response = api_client.get(url)
    assert response.status_code == 401


@pytest.mark.parametrize("method,url", [("put", RULES), ("post", OVERRIDES), ("patch", POLICY),
                                        ("delete", OVERRIDES + "1/")])
def test_anonymous_writes_get_401(api_client, db, method, url):
    response = getattr(api_client, method)(url, {}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("method,url", [("put", RULES), ("post", OVERRIDES), ("patch", POLICY)])
def test_non_mentor_writes_get_403_and_change_nothing(client_for, stranger, method, url):
    body = {"rules": [{"weekday": 0, "start": "09:00", "end": "10:00"}], "start_date": "2030-01-01",
            "buffer_after_minutes": 5}
    response = getattr(client_for(stranger), method)(url, body, format="json")
    assert response.status_code == 403
    assert not AvailabilityRule.objects.exists() and not AvailabilityOverride.objects.exists()
    assert not BookingPolicy.objects.exists()


@pytest.mark.parametrize("url", [RULES, OVERRIDES, POLICY])
@pytest.mark.parametrize("persona", ["mentee", "stranger", "staff"])
def test_non_mentors_get_403(request, db, client_for, url, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(url)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_mentor_sees_and_replaces_own_rules_only(mentor, client_for):
    other = MentorFactory()
    AvailabilityRule.objects.create(mentor=other, weekday=0, start_time="08:00", end_time="09:00")
    client = client_for(mentor)
    response = client.put(RULES, {"rules": [{"weekday": 0, "start": "09:00", "end": "12:00"},
                                            {"weekday": 0, "start": "14:00", "end": "17:30"}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"timezone": "Europe/Berlin", "rules": [
        {"weekday": 0, "start": "09:00", "end": "12:00"}, {"weekday": 0, "start": "14:00", "end": "17:30"}]}
    assert client.get(RULES).json()["rules"] == response.json()["rules"]
    assert AvailabilityRule.objects.filter(mentor=other).count() == 1


def test_overlapping_rules_are_400_per_weekday_and_nothing_is_written(mentor, client_for):
    client = client_for(mentor)
    client.put(RULES, {"rules": [{"weekday": 2, "start": "09:00", "end": "10:00"}]}, format="json")
    response = client.put(RULES, {"rules": [{"weekday": 0, "start": "09:00", "end": "12:00"},
                                            {"weekday": 0, "start": "11:00", "end": "13:00"}]}, format="json")
    assert response.status_code == 400
    assert "overlaps" in response.json()["errors"]["monday"][0]
    assert list(AvailabilityRule.objects.filter(mentor=mentor).values_list("weekday", flat=True)) == [2]


@pytest.mark.parametrize("body,field", [
    ({"rules": [{"weekday": 9, "start": "09:00", "end": "10:00"}]}, "rules"),
    ({"rules": [{"weekday": 1, "start": "25:00", "end": "10:00"}]}, "rules"),
    ({"rules": "Mondays"}, "rules"),
    ({}, "rules"),
])
def test_malformed_rules_are_400_with_field_errors(mentor, client_for, body, field):
    response = client_for(mentor).put(RULES, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_overrides_create_list_delete(mentor, client_for):
    client = client_for(mentor)
    day = future_monday()
    response = client.post(OVERRIDES, {"start_date": str(day), "end_date": str(day + timedelta(days=2)),
                                       "note": "Holiday"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["is_blocked"] is True
    timed = client.post(OVERRIDES, {"start_date": str(day + timedelta(days=5)), "start_time": "10:00",
                                    "end_time": "11:00"}, format="json").json()
    assert timed["end_date"] == str(day + timedelta(days=5)) and timed["start_time"] == "10:00"
    listed = client.get(OVERRIDES).json()["results"]
    assert [o["id"] for o in listed] == [response.json()["id"], timed["id"]]
    assert client.delete(reverse("api:availability-override-detail", args=[timed["id"]])).status_code == 204
    assert client.delete(reverse("api:availability-override-detail", args=[timed["id"]])).status_code == 404


def test_override_bad_input(mentor, client_for):
    client = client_for(mentor)
    day = future_monday()
    response = client.post(OVERRIDES, {"start_date": str(day), "end_date": str(day - timedelta(days=1)),
                                       "start_time": "10:00"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"end_date", "end_time"}
    response = client.post(OVERRIDES, {"start_date": "someday"}, format="json")
    assert response.status_code == 400 and "start_date" in response.json()["errors"]


def test_cannot_delete_someone_elses_override(mentor, client_for, staff):
    theirs = AvailabilityOverride.objects.create(mentor=MentorFactory(), start_date=date(2030, 1, 1),
                                                 end_date=date(2030, 1, 1))
    url = reverse("api:availability-override-detail", args=[theirs.pk])
    assert client_for(mentor).delete(url).status_code == 404
    assert client_for(staff).delete(url).status_code == 403
    assert AvailabilityOverride.objects.filter(pk=theirs.pk).exists()


def test_policy_get_defaults_and_patch(mentor, client_for):
    client = client_for(mentor)
    assert client.get(POLICY).json()["slot_granularity_minutes"] == 15
    assert not BookingPolicy.objects.filter(mentor=mentor).exists()  # reading creates nothing
    response = client.patch(POLICY, {"buffer_after_minutes": 10, "max_per_day": 3}, format="json")
    assert response.status_code == 200
    assert (response.json()["buffer_after_minutes"], response.json()["max_per_day"]) == (10, 3)
    response = client.patch(POLICY, {"slot_granularity_minutes": 7, "horizon_days": "soon"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"slot_granularity_minutes", "horizon_days"}
    assert BookingPolicy.objects.get(mentor=mentor).max_per_day == 3


# --- slots ------------------------------------------------------------------------------------

@pytest.fixture
def open_mentor(mentor, weekday_mornings):
    return weekday_mornings(mentor, slot_granularity_minutes=60)


@pytest.mark.parametrize("persona", [None, "mentee", "stranger", "mentor", "staff"])
def test_slots_are_public(request, api_client, client_for, open_mentor, persona):
    client = client_for(request.getfixturevalue(persona)) if persona else api_client
    monday = future_monday()
    response = client.get(slots_url(open_mentor.pk), {"start": str(monday), "end": str(monday), "duration": 60,
                                                      "tz": "America/New_York"})
    assert response.status_code == 200
    body = response.json()
    assert body["mentor"] == {"id": open_mentor.pk, "timezone": "Europe/Berlin"}
    assert [s["mentor_local_start"][11:16] for s in body["slots"]] == ["09:00", "10:00", "11:00"]
    first = body["slots"][0]
    assert first["start"].endswith("Z")
    start_utc = datetime.fromisoformat(first["start"].replace("Z", "+00:00"))
    assert datetime.fromisoformat(first["local_start"]) == start_utc
    assert first["local_start"][-6:] in ("-05:00", "-04:00")


def test_slots_default_to_the_viewers_zone_and_two_weeks(open_mentor, mentee, client_for):
    body = client_for(mentee).get(slots_url(open_mentor.pk)).json()
    assert body["timezone"] == "America/New_York"
    assert body["duration"] == 30
    start = datetime.fromisoformat(body["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(body["end"].replace("Z", "+00:00"))
    assert timedelta(days=13) < end - start < timedelta(days=15)
    assert body["slots"]


@pytest.mark.parametrize("params,field", [
    ({"tz": "Mars/Olympus"}, "tz"),
    ({"start": "2027-03-10", "end": "2027-03-01"}, "end"),
    ({"start": "2027-01-01", "end": "2027-06-01"}, "end"),
    ({"duration": 45}, "duration"),
    ({"duration": "long"}, "duration"),
    ({"start": "next tuesday"}, "start"),
    ({"start": "2027-02-30"}, "start"),
    ({"end": "2027-13-01T10:00"}, "end"),
])
def test_slots_bad_input_is_400_per_field(api_client, open_mentor, params, field):
    response = api_client.get(slots_url(open_mentor.pk), params)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


@pytest.mark.parametrize("params", [
    {"start": " {monday} ", "end": "{monday}", "duration": "60", "tz": " Europe/Berlin "},  # read directly
    {"start": "{monday}", "end": "{monday}", "duration": "60.0", "tz": "UTC"},  # the serializer's integer
    {"start": "{monday}", "duration": "45", "tz": "UTC"},  # refused: the serializer's message
    {"start": "{monday}", "tz": "Mars/Olympus"},
])
def test_slots_query_read_directly_answers_as_the_serializer_does(api_client, open_mentor, params, monkeypatch):
    """The view reads a well-formed query with slot_query_parse and leaves the rest to
    SlotQuerySerializer: both ways give the same answer, byte for byte."""
    from sessions.api import availability_views

    query = {k: v.format(monday=future_monday()) for k, v in params.items()}
    direct = api_client.get(slots_url(open_mentor.pk), query)
    monkeypatch.setattr(availability_views, "slot_query_parse", _refuse_everything)
    through_serializer = api_client.get(slots_url(open_mentor.pk), query)
    assert (direct.status_code, direct.content) == (through_serializer.status_code, through_serializer.content)


def _refuse_everything(**kwargs):
    from sessions.errors import BookingError

    raise BookingError("refused", field_errors={})


def test_slots_for_unknown_or_non_mentor_are_404(api_client, mentee, db):
    assert api_client.get(slots_url(mentee.pk)).status_code == 404
    assert api_client.get(slots_url(987654)).status_code == 404


def test_slots_hide_taken_times(api_client, open_mentor, mentee):
    monday = future_monday()
    taken = datetime.combine(monday, datetime.min.time()).replace(tzinfo=open_mentor.tzinfo).replace(hour=10)
    BookingFactory(mentor=open_mentor, mentee=mentee, start=taken.astimezone(UTC), duration_minutes=60)
    body = api_client.get(slots_url(open_mentor.pk), {"start": str(monday), "end": str(monday),
                                                      "duration": 60, "tz": "Europe/Berlin"}).json()
    assert [s["local_start"][11:16] for s in body["slots"]] == ["09:00", "11:00"]


def test_slots_query_count_is_fixed_for_a_thirty_day_window(api_client, open_mentor, mentee,
                                                            django_assert_num_queries):
    monday = future_monday()
    params = {"start": str(monday), "end": str(monday + timedelta(days=29)), "duration": 60, "tz": "UTC"}
    # The bookable mentor with profile and policy; rules, overrides and bookings in one UNION ALL.
    with django_assert_num_queries(2):
        few = api_client.get(slots_url(open_mentor.pk), params).json()["slots"]
    for i in range(10):
        start = datetime.combine(monday + timedelta(days=i), datetime.min.time()).replace(
            hour=9, tzinfo=open_mentor.tzinfo)
        BookingFactory(mentor=open_mentor, mentee=mentee, start=start.astimezone(UTC), duration_minutes=60)
    AvailabilityOverride.objects.create(mentor=open_mentor, start_date=monday + timedelta(days=20),
                                        end_date=monday + timedelta(days=22))
    with django_assert_num_queries(2):
        many = api_client.get(slots_url(open_mentor.pk), params).json()["slots"]
    assert len(many) < len(few)


def test_override_list_query_count_does_not_grow(mentor, client_for, django_assert_max_num_queries):
    client = client_for(mentor)
    day = future_monday()
    AvailabilityOverride.objects.create(mentor=mentor, start_date=day, end_date=day)
    with django_assert_max_num_queries(10) as few:
        client.get(OVERRIDES)
    for i in range(1, 15):
        AvailabilityOverride.objects.create(mentor=mentor, start_date=day + timedelta(days=i),
                                            end_date=day + timedelta(days=i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(OVERRIDES).json()["results"]) == 15
