"""Every write to accounts data goes through here (profiles, roles, imports)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify

from accounts.models import MenteeProfile, MentorProfile, User


def _unique_mentor_slug(user: User) -> str:
    base = slugify(user.name or user.email.split("@")[0])[:60] or "mentor"
    slug = base
    while MentorProfile.objects.filter(slug=slug).exclude(user=user).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


@transaction.atomic
def user_set_roles(*, user: User, is_mentor: bool, is_mentee: bool) -> User:
    """Give the user the roles asked for, creating the profile of each new role.

    Dropping the mentor role unlists the profile but keeps it (bookings and ratings refer to it).
    """
    user.is_mentor = is_mentor
    user.is_mentee = is_mentee
    user.save(update_fields=["is_mentor", "is_mentee"])
    if is_mentor:
        profile, created = MentorProfile.objects.get_or_create(user=user, defaults={"slug": _unique_mentor_slug(user)})
        if not created and not profile.is_listed:
            profile.is_listed = True
            profile.save(update_fields=["is_listed"])
    else:
        MentorProfile.objects.filter(user=user).update(is_listed=False)
    if is_mentee:
        MenteeProfile.objects.get_or_create(user=user)
    return user


def mentor_rating_aggregate_set(*, mentor_id: int, count: int, total: int, bayes: float) -> None:
    """Store a mentor's rating aggregate (computed by the ratings service) on the profile."""
    MentorProfile.objects.filter(user_id=mentor_id).update(rating_count=count, rating_sum=total, rating_bayes=bayes)
