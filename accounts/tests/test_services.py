"""Writes: settings, roles, mentor and mentee profiles, taxonomy resolution."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accounts import services
from accounts.errors import AccountError
from accounts.models import MenteeProfile, MentorProfile, Skill
from accounts.tests.conftest import image_upload
from matching.models import RecomputeRequest
from tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_update_changes_settings_and_takes_on_mentor_role(mentee):
    services.user_update(user=mentee, name="  Manu   M. ", timezone="Asia/Kolkata", is_mentor=True, remind_1h=False)
    mentee.refresh_from_db()
    assert (mentee.name, mentee.timezone, mentee.is_mentor, mentee.is_mentee, mentee.remind_1h) == (
        "Manu M.", "Asia/Kolkata", True, True, False)
    assert MentorProfile.objects.get(user=mentee).is_listed


def test_user_update_rejects_unknown_zone_and_no_role_with_a_message_per_field(mentee):
    with pytest.raises(AccountError) as exc:
        services.user_update(user=mentee, timezone="Mars/Olympus", is_mentee=False, is_mentor=False, name="")
    assert set(exc.value.field_errors) == {"timezone", "is_mentee", "name"}
    assert "Mars/Olympus" in exc.value.field_errors["timezone"][0]
    mentee.refresh_from_db()
    assert mentee.timezone == "America/New_York" and mentee.is_mentee


def test_dropping_the_mentor_role_unlists_but_keeps_the_profile(mentor):
    services.user_update(user=mentor, is_mentor=False, is_mentee=True)
    profile = MentorProfile.objects.get(user=mentor)
    assert not profile.is_listed
    services.user_update(user=mentor, is_mentor=True)
    profile.refresh_from_db()
    assert profile.is_listed


def test_skills_resolve_through_synonyms_and_unknown_ones_are_created_canonicalised(mentor):
    js = SkillFactory(name="JavaScript", synonyms="JS, ECMAScript")
    profile = services.mentor_profile_update(user=mentor, skills="js, Javascript, machine   learning, AWS")
    names = sorted(profile.skills.values_list("name", flat=True))
    assert names == ["AWS", "JavaScript", "Machine learning"]
    assert profile.skills.filter(pk=js.pk).exists()
    assert Skill.objects.get(name="Machine learning").slug == "machine-learning"
    # The same words again resolve to the same rows, not new ones.
    services.mentor_profile_update(user=mentor, skills=["machine learning", "aws"])
    assert Skill.objects.filter(name__iexact="machine learning").count() == 1


def test_skills_whose_slugs_collide_get_distinct_slugs(mentor):
    services.mentor_profile_update(user=mentor, skills=["C", "C++", "C#"])
    assert Skill.objects.filter(name__in=["C", "C++", "C#"]).values("slug").distinct().count() == 3


def test_mentor_profile_update_saves_every_field(mentor):
    profile = services.mentor_profile_update(
        user=mentor, headline="Data lead", bio="I help analysts.", industries=["Fintech"], languages=["es", "EN"],
        years_experience=12, session_lengths=[15, 45], call_method="own_link",
        meeting_url="https://zoom.us/j/123", accepting_bookings=False,
    )
    profile.refresh_from_db()
    assert profile.headline == "Data lead" and profile.session_lengths == [15, 45]
    assert sorted(profile.languages.values_list("code", flat=True)) == ["en", "es"]
    assert list(profile.industries.values_list("name", flat=True)) == ["Fintech"]
    assert profile.call_method == "own_link" and not profile.accepting_bookings


@pytest.mark.parametrize("changes, field", [
    ({"languages": ["en", "xx"]}, "languages"),
    ({"session_lengths": [20]}, "session_lengths"),
    ({"session_lengths": []}, "session_lengths"),
    ({"years_experience": 99}, "years_experience"),
    ({"headline": "h" * 141}, "headline"),
    ({"bio": "b" * 5001}, "bio"),
    ({"call_method": "own_link", "meeting_url": ""}, "meeting_url"),
    ({"meeting_url": "not a url"}, "meeting_url"),
    ({"call_method": "carrier-pigeon"}, "call_method"),
    ({"skills": ["x" * 61]}, "skills"),
    ({"skills": [f"s{i}" for i in range(21)]}, "skills"),
])
def test_bad_mentor_input_is_rejected_per_field_and_nothing_is_written(mentor, changes, field):
    before = MentorProfile.objects.get(user=mentor)
    with pytest.raises(AccountError) as exc:
        services.mentor_profile_update(user=mentor, **{"bio": "Changed", **changes})
    assert field in exc.value.field_errors
    after = MentorProfile.objects.get(user=mentor)
    assert after.bio == before.bio and after.session_lengths == before.session_lengths


def test_photo_is_stored_and_oversized_or_non_image_photos_are_refused(mentor, settings):
    profile = services.mentor_profile_update(user=mentor, photo=image_upload())
    assert profile.photo.name.startswith("photos/")
    settings.MAX_PHOTO_BYTES = 10_000
    with pytest.raises(AccountError) as exc:
        services.mentor_profile_update(user=mentor, photo=image_upload(pad_to=20_000))
    assert "limit" in exc.value.field_errors["photo"][0]
    from django.core.files.uploadedfile import SimpleUploadedFile
    with pytest.raises(AccountError) as exc:
        services.mentor_profile_update(user=mentor, photo=SimpleUploadedFile("x.png", b"<svg/>", "image/png"))
    assert "JPEG, PNG or WebP" in exc.value.field_errors["photo"][0]
    with pytest.raises(AccountError) as exc:
        services.mentor_profile_update(user=mentor, photo=image_upload("a.gif", fmt="GIF"))
    assert "GIF" in exc.value.field_errors["photo"][0]
    profile = services.mentor_profile_update(user=mentor, photo=None)
    assert not profile.photo


def test_only_mentors_have_a_mentor_profile_to_edit(mentee):
    with pytest.raises(AccountError) as exc:
        services.mentor_profile_update(user=mentee, headline="x")
    assert exc.value.code == "not_a_mentor"


def test_mentee_profile_update_resolves_interests_and_rejects_bad_input(mentee):
    SkillFactory(name="Product management", synonyms="PM")
    profile = services.mentee_profile_update(user=mentee, goals="Quiero cambiar de carrera.", interests="pm, SQL",
                                             languages=["es"], career_stage="switching")
    assert sorted(profile.interests.values_list("name", flat=True)) == ["Product management", "SQL"]
    with pytest.raises(AccountError) as exc:
        services.mentee_profile_update(user=mentee, goals="g" * 3001, career_stage="retired", languages=["zz"])
    assert set(exc.value.field_errors) == {"goals", "career_stage", "languages"}
    assert MenteeProfile.objects.get(user=mentee).goals == "Quiero cambiar de carrera."


# transaction=True: pytest-django's default wraps each test in a transaction, where
# connection.in_atomic_block is true whatever the service does. Here only the service's own
# transaction can make it true. serialized_rollback keeps the seeded languages and groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_profile_writes_tell_matching_inside_the_transaction(mentor, mentee, trigger_calls):
    assert not connection.in_atomic_block
    services.mentor_profile_update(user=mentor, headline="New")
    services.mentee_profile_update(user=mentee, goals="New goals")
    services.user_update(user=mentee, timezone="Europe/Paris")
    assert ("mentors_changed", [mentor.pk], True) in trigger_calls
    assert trigger_calls.count(("mentee_changed", mentee.pk, True)) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recompute_request_rolls_back_with_the_profile_write(mentee):
    # The trigger writes in the caller's transaction: a write that fails later leaves no request
    # behind for a profile that never changed.
    with pytest.raises(RuntimeError), transaction.atomic():
        services.mentee_profile_update(user=mentee, goals="Goals that never land")
        assert RecomputeRequest.objects.filter(subject_id=mentee.pk).exists()
        raise RuntimeError("a later step of the same request fails")
    assert not RecomputeRequest.objects.filter(subject_id=mentee.pk).exists()
    assert MenteeProfile.objects.get(user=mentee).goals != "Goals that never land"
    services.mentee_profile_update(user=mentee, goals="Goals that land")
    assert RecomputeRequest.objects.filter(kind=RecomputeRequest.Kind.MENTEE, subject_id=mentee.pk).count() == 1


def test_failed_write_does_not_tell_matching(mentor, trigger_calls):
    with pytest.raises(AccountError):
        services.mentor_profile_update(user=mentor, languages=["xx"])
    assert trigger_calls == []


def test_new_mentor_gets_a_unique_slug():
    a = UserFactory(name="Alex Doe")
    b = UserFactory(name="Alex Doe")
    services.user_set_roles(user=a, is_mentor=True, is_mentee=False)
    services.user_set_roles(user=b, is_mentor=True, is_mentee=False)
    assert a.mentor_profile.slug == "alex-doe" != MentorProfile.objects.get(user=b).slug
