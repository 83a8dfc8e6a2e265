"""REST API: /api/v1/me/, profiles, the directory, taxonomy and tokens, with permission cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MenteeProfile, MentorProfile
from accounts.tests.conftest import image_upload
from tests.factories import MentorFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = reverse("api:accounts-me")
MENTOR_PROFILE = reverse("api:accounts-mentor-profile")
MENTEE_PROFILE = reverse("api:accounts-mentee-profile")
MENTORS = reverse("api:mentor-list")
TOKEN = reverse("api:accounts-token")

FULL_MENTOR = {
    "headline": "Data lead", "bio": "Analytics engineering.", "skills": ["SQL", "dbt"], "industries": ["Fintech"],
    "languages": ["en", "pt"], "years_experience": 9, "session_lengths": [30, 60], "call_method": "jitsi",
    "accepting_bookings": True,
}


def _mentor_detail(pk: int) -> str:
    return reverse("api:mentor-detail", kwargs={"id": pk})


@pytest.mark.parametrize("url", [ME, MENTOR_PROFILE, MENTEE_PROFILE])
def test_own_account_endpoints_refuse_anonymous_callers(api_client, url):
    # 401 with a WWW-Authenticate challenge: the project authenticates anonymous API calls by token first.
    assert api_client.get(url).status_code == 401
    assert api_client.patch(url, {"name": "x"}, format="json").status_code == 401


def test_me_shows_and_changes_settings(client_for, mentee):
    client = client_for(mentee)
    assert client.get(ME).json()["timezone"] == "America/New_York"
    response = client.patch(ME, {"timezone": "Europe/Madrid", "is_mentor": True, "remind_24h": False}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/Madrid" and body["is_mentor"] and not body["remind_24h"]
    assert body["mentor_profile_url"].startswith("/mentors/")


def test_me_rejects_bad_input_with_a_message_per_field(client_for, mentee):
    response = client_for(mentee).patch(ME, {"timezone": "Moon/Base", "name": "n" * 121,
                                             "is_mentee": "perhaps"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"timezone", "name", "is_mentee"}
    response = client_for(mentee).patch(ME, {"is_mentee": False}, format="json")
    assert response.status_code == 400 and "is_mentee" in response.json()["errors"]


def test_me_cannot_change_email_or_staff_flag(client_for, mentee):
    client_for(mentee).patch(ME, {"email": "evil@example.com", "is_staff": True}, format="json")
    mentee.refresh_from_db()
    assert mentee.email == "mentee@example.com" and not mentee.is_staff


@pytest.mark.parametrize("who, status", [("mentor", 200), ("stranger", 404), ("staff", 404)])
def test_mentor_profile_endpoint_is_for_the_mentor_themselves(client_for, mentor, stranger, staff, who, status):
    user = {"mentor": mentor, "stranger": stranger, "staff": staff}[who]
    response = client_for(user).get(MENTOR_PROFILE)
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == mentor.pk and "meeting_url" in response.json()
    else:
        assert response.json()["code"] == "not_a_mentor"


def test_mentor_replaces_profile_with_put_and_changes_it_with_patch(client_for, mentor):
    SkillFactory(name="SQL", synonyms="PostgreSQL")
    client = client_for(mentor)
    response = client.put(MENTOR_PROFILE, {**FULL_MENTOR, "skills": ["postgresql", "data modelling"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [s["name"] for s in body["skills"]] == ["Data modelling", "SQL"]
    assert body["session_lengths"] == [30, 60] and {lang["code"] for lang in body["languages"]} == {"en", "pt"}
    response = client.patch(MENTOR_PROFILE, {"call_method": "own_link", "meeting_url": "https://meet.example.com/x"},
                            format="json")
    assert response.status_code == 200 and response.json()["meeting_url"] == "https://meet.example.com/x"
    assert MentorProfile.objects.get(user=mentor).headline == "Data lead"


def test_put_needs_every_field(client_for, mentor):
    response = client_for(mentor).put(MENTOR_PROFILE, {"headline": "Only this"}, format="json")
    assert response.status_code == 400
    assert {"bio", "skills", "languages", "session_lengths"} <= set(response.json()["errors"])


@pytest.mark.parametrize("patch, field", [
    ({"languages": ["en", "klingon"]}, "languages"),
    ({"languages": ["xx"]}, "languages"),
    ({"session_lengths": [20]}, "session_lengths"),
    ({"session_lengths": []}, "session_lengths"),
    ({"bio": "b" * 5001}, "bio"),
    ({"headline": "h" * 141}, "headline"),
    ({"years_experience": -1}, "years_experience"),
    ({"call_method": "own_link", "meeting_url": ""}, "meeting_url"),
    ({"skills": "not a list"}, "skills"),
    ({"meeting_url": "javascript:alert(1)"}, "meeting_url"),
])
def test_bad_mentor_profile_input_is_a_400_with_the_field_named(client_for, mentor, patch, field):
    response = client_for(mentor).patch(MENTOR_PROFILE, patch, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_photo_upload_through_multipart_and_its_limits(client_for, mentor, settings):
    client = client_for(mentor)
    response = client.patch(MENTOR_PROFILE, {"photo": image_upload()}, format="multipart")
    assert response.status_code == 200 and response.json()["photo"].endswith(".jpg")  # re-encoded
    settings.MAX_PHOTO_BYTES = 1000
    response = client.patch(MENTOR_PROFILE, {"photo": image_upload(pad_to=5000)}, format="multipart")
    assert response.status_code == 400 and "limit" in response.json()["errors"]["photo"][0]
    response = client.patch(MENTOR_PROFILE, {"photo": None}, format="json")
    assert response.status_code == 200 and response.json()["photo"] is None


def test_mentee_profile_get_put_patch_and_errors(client_for, mentee, mentor):
    client = client_for(mentee)
    assert client.get(MENTEE_PROFILE).json()["goals"] == "Grow into a senior engineer."
    response = client.put(MENTEE_PROFILE, {"goals": "Aprender SQL", "interests": ["SQL"], "industries": [],
                                           "languages": ["es"], "career_stage": "switching"}, format="json")
    assert response.status_code == 200 and response.json()["career_stage"] == "switching"
    response = client.patch(MENTEE_PROFILE, {"goals": "g" * 3001, "languages": ["qq"]}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"goals"}
    response = client.patch(MENTEE_PROFILE, {"languages": ["qq"]}, format="json")
    assert response.status_code == 400 and "languages" in response.json()["errors"]
    assert MenteeProfile.objects.get(user=mentee).goals == "Aprender SQL"
    assert client_for(mentor).get(MENTEE_PROFILE).status_code == 404  # a mentor without the mentee role


@pytest.mark.parametrize("who", ["anonymous", "stranger", "mentor", "staff"])
def test_everyone_can_search_the_directory(api_client, client_for, make_mentors, stranger, staff, who):
    make_mentors(3)
    user = {"anonymous": None, "stranger": stranger, "mentor": MentorProfile.objects.first().user, "staff": staff}[who]
    client = client_for(user) if user else api_client
    body = client.get(MENTORS, {"q": "python", "language": "de", "sort": "experience"}).json()
    assert body["count"] == 3
    assert [m["name"] for m in body["results"]] == ["Mentor 002", "Mentor 001", "Mentor 000"]
    assert {"id", "slug", "skills", "languages", "session_lengths", "rating_average"} <= set(body["results"][0])
    assert "meeting_url" not in body["results"][0]


def test_directory_api_rejects_invalid_filters_per_field(api_client, make_mentors):
    make_mentors(1)
    response = api_client.get(MENTORS, {"skill": "nope", "length": "17", "min_rating": "9", "sort": "random",
                                        "language": "xx"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"skill", "length", "min_rating", "sort", "language"}


def test_directory_api_paginates(api_client, make_mentors):
    make_mentors(25)
    first = api_client.get(MENTORS).json()
    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    assert len(api_client.get(MENTORS, {"page": 2}).json()["results"]) == 5


def test_directory_api_query_count_is_the_same_for_5_and_50_mentors(api_client, make_mentors,
                                                                     django_assert_num_queries):
    def count(n):
        MentorProfile.objects.all().delete()
        make_mentors(n)
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(MENTORS, {"q": "mentor", "sort": "rating"}).status_code == 200
        return len(ctx.captured_queries)

    assert count(5) == count(50)
    # A search's page counts its matches in the same statement (accounts.directory), then the page's
    # skills, industries and languages in one; without a text query the count is its own statement.
    with django_assert_num_queries(2):
        api_client.get(MENTORS, {"q": "mentor", "sort": "rating"})
    with django_assert_num_queries(3):
        api_client.get(MENTORS, {"sort": "rating"})


def test_mentor_serializer_fast_path_matches_drf(mentor, rf):
    from django.utils import timezone
    from rest_framework import serializers as drf

    from accounts import services
    from accounts.api.serializers import MentorProfileSerializer, MyMentorProfileSerializer
    from accounts.selectors import mentor_by_id, mentor_cards

    services.mentor_profile_update(user=mentor, **{**FULL_MENTOR, "meeting_url": "https://meet.example.com/x"},
                                   photo=image_upload())
    MentorProfile.objects.filter(user=mentor).update(rating_count=3, rating_sum=13, rating_bayes=4.2)
    context = {"request": rf.get("/api/v1/mentors/")}
    profile = mentor_by_id(mentor_id=mentor.pk)
    with timezone.override("America/Sao_Paulo"):  # created_at is written in the reader's zone
        for cls, instance in [(MentorProfileSerializer, profile), (MyMentorProfileSerializer, profile),
                              (MentorProfileSerializer, mentor_cards([mentor_by_id(mentor_id=mentor.pk)])[0])]:
            fast = cls(instance, context=context).data
            generic = drf.ModelSerializer.to_representation(cls(instance, context=context), instance)
            assert fast == generic and list(fast) == list(generic) == cls.Meta.fields
    assert fast["photo"].startswith("http://testserver/") and fast["rating_average"] == 4.33
    assert fast["created_at"].endswith("-03:00") and [s["name"] for s in fast["skills"]] == ["Dbt", "SQL"]


@pytest.mark.parametrize("who, status", [("anonymous", 404), ("stranger", 404), ("owner", 200), ("staff", 200)])
def test_mentor_detail_hides_unlisted_profiles_except_from_owner_and_staff(api_client, client_for, stranger, staff,
                                                                           who, status):
    hidden = MentorFactory(name="Quiet", profile__is_listed=False)
    user = {"anonymous": None, "stranger": stranger, "owner": hidden, "staff": staff}[who]
    client = client_for(user) if user else api_client
    assert client.get(_mentor_detail(hidden.pk)).status_code == status


def test_mentor_detail_by_user_id(api_client, mentor, mentee):
    body = api_client.get(_mentor_detail(mentor.pk)).json()
    assert body["name"] == "Maya Mentor" and body["timezone"] == "Europe/Berlin"
    assert api_client.get(_mentor_detail(mentee.pk)).status_code == 404
    assert api_client.get(_mentor_detail(999999)).status_code == 404


def test_taxonomy_endpoints_list_and_search(api_client):
    SkillFactory(name="JavaScript", synonyms="JS")
    SkillFactory(name="Go")
    assert [s["name"] for s in api_client.get(reverse("api:accounts-skill-list"), {"q": "js"}).json()["results"]] == [
        "JavaScript"]
    assert api_client.get(reverse("api:accounts-industry-list")).status_code == 200
    languages = api_client.get(reverse("api:accounts-language-list"), {"page_size": 100}).json()["results"]
    assert {"code": "es", "name": "Spanish"} in languages


def test_token_for_email_and_password_and_it_authenticates(api_client, mentee):
    response = api_client.post(TOKEN, {"email": "MENTEE@example.com", "password": "correct-horse-battery"},
                               format="json")
    assert response.status_code == 201
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get(ME).json()["email"] == "mentee@example.com"


def test_token_refuses_wrong_password_unverified_email_and_bad_input(api_client, mentee):
    wrong = api_client.post(TOKEN, {"email": "mentee@example.com", "password": "nope"}, format="json")
    assert wrong.status_code == 400 and "non_field_errors" in wrong.json()["errors"]
    from allauth.account.models import EmailAddress

    unverified = UserFactory(email="new@example.com")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    response = api_client.post(TOKEN, {"email": "new@example.com", "password": "correct-horse-battery"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]
    response = api_client.post(TOKEN, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400 and {"email", "password"} <= set(response.json()["errors"])


def test_token_endpoint_is_throttled_per_address(api_client, settings):
    # Different accounts from one address: the address limit (allauth's login_failed, 5 per 5
    # minutes) stops the sixth. Per-account limits: test_signin_limits.py.
    statuses = [api_client.post(TOKEN, {"email": f"u{i}@example.com", "password": "guess"}, format="json").status_code
                for i in range(6)]
    assert statuses == [400] * 5 + [429]


def test_openapi_schema_documents_the_accounts_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/me/", "/api/v1/me/mentor-profile/", "/api/v1/me/mentee-profile/", "/api/v1/mentors/",
                 "/api/v1/mentors/{id}/", "/api/v1/skills/", "/api/v1/industries/", "/api/v1/languages/",
                 "/api/v1/auth/token/"):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/mentors/"]["get"]["parameters"]}
    assert {"q", "skill", "industry", "language", "length", "min_rating", "sort", "page"} <= params


@pytest.mark.parametrize("url", [
    "/api/v1/skills/?q=%00", "/api/v1/industries/?q=a%00", "/api/v1/mentors/?q=%00", "/api/v1/mentors/?skill=%00",
    "/api/v1/mentors/?min_rating=inf", "/api/v1/mentors/?min_rating=nan", "/api/v1/mentors/?q=" + "x" * 201,
    "/api/v1/skills/?q=" + "x" * 81,
])
def test_hostile_query_strings_are_a_400_not_a_500(api_client, make_mentors, url):
    make_mentors(1)
    response = api_client.get(url)
    assert response.status_code == 400 and response.json()["errors"]


def test_malformed_json_body_is_a_400(client_for, mentor):
    response = client_for(mentor).generic("PATCH", MENTOR_PROFILE, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["stranger", "mentor", "mentee", "staff"])
def test_everyone_signed_in_sees_only_their_own_account(client_for, stranger, mentor, mentee, staff, who):
    user = {"stranger": stranger, "mentor": mentor, "mentee": mentee, "staff": staff}[who]
    body = client_for(user).get(ME).json()
    assert body["id"] == user.pk and body["email"] == user.email


@pytest.mark.parametrize("who, status", [("mentee", 200), ("stranger", 200), ("mentor", 404), ("staff", 404)])
def test_mentee_profile_endpoint_is_for_mentees_themselves(client_for, stranger, mentor, mentee, staff, who, status):
    user = {"stranger": stranger, "mentor": mentor, "mentee": mentee, "staff": staff}[who]
    response = client_for(user).get(MENTEE_PROFILE)
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == user.pk


@pytest.mark.parametrize("url", ["/api/v1/skills/", "/api/v1/industries/", "/api/v1/languages/", "/api/v1/mentors/"])
@pytest.mark.parametrize("who", ["anonymous", "stranger", "staff"])
def test_public_lists_are_read_only_for_everyone(api_client, client_for, stranger, staff, url, who):
    client = client_for({"stranger": stranger, "staff": staff}[who]) if who != "anonymous" else api_client
    assert client.get(url).status_code == 200
    # The lists have no write method at all, so even an anonymous caller hears 405, not 401.
    assert client.post(url, {"name": "Hacking"}, format="json").status_code == 405
