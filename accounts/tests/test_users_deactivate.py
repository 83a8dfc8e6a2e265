"""users_deactivate / users_reactivate: sign-in for people who left their organisation."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, User
from accounts.services import users_deactivate, users_reactivate
from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def test_deactivation_locks_the_account_and_deletes_its_tokens(mentor, mentee):
    api_token_create(user=mentor, name="script")
    assert users_deactivate(user_ids=[mentor.pk]) == [mentor.pk]
    assert not User.objects.get(pk=mentor.pk).is_active and not ApiToken.objects.filter(user=mentor).exists()
    assert User.objects.get(pk=mentee.pk).is_active
    assert users_deactivate(user_ids=[mentor.pk]) == []  # already locked
    assert users_reactivate(user_ids=[mentor.pk, mentee.pk]) == [mentor.pk]
    assert User.objects.get(pk=mentor.pk).is_active


def test_staff_accounts_are_never_locked(staff):
    assert users_deactivate(user_ids=[staff.pk]) == []
    assert User.objects.get(pk=staff.pk).is_active
