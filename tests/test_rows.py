"""mentorship.rows: the hot one-row reads written as SQL (the token and its owner, the bookable
mentor with profile) give the instances the ORM gives, converted values included (SQLite answers
naive datetimes, which the ORM's converters make aware), on either database."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, MentorProfile, User
from accounts.selectors import mentor_bookable_get
from accounts.tokens import _token_with_owner, api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db


def _same(model, got, orm, *, skip=()) -> None:
    for field in model._meta.concrete_fields:
        if field.name not in skip:
            assert getattr(got, field.attname) == getattr(orm, field.attname), field.name


def test_the_bookable_mentor_read_gives_what_the_orm_gives(mentor):
    got = mentor_bookable_get(mentor_id=mentor.pk, viewer=None)
    orm = User.objects.select_related("mentor_profile").get(pk=mentor.pk)
    _same(User, got, orm)
    _same(MentorProfile, got.mentor_profile, orm.mentor_profile, skip=("search_vector",))
    assert got.date_joined.utcoffset() is not None and got.mentor_profile.created_at.utcoffset() is not None
    assert got.mentor_profile.user is got and not got._state.adding
    assert mentor_bookable_get(mentor_id=mentor.pk + 1000, viewer=None) is None


def test_the_token_read_gives_what_the_orm_gives(mentee):
    token, key = api_token_create(user=mentee, name="phone")
    got = _token_with_owner(key_hash=token.key_hash)
    orm = ApiToken.objects.select_related("user").get(pk=token.pk)
    _same(ApiToken, got, orm)
    _same(User, got.user, orm.user)
    assert got.last_used_at.utcoffset() is not None
    assert api_token_authenticate(key=key) == mentee
    assert _token_with_owner(key_hash="0" * 64) is None
