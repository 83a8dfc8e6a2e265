"""Reads shaped for accounts screens and endpoints."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import MentorProfile


def listed_mentors() -> QuerySet[MentorProfile]:
    return (
        MentorProfile.objects.filter(is_listed=True, user__is_active=True, user__is_mentor=True)
        .select_related("user")
        .prefetch_related("skills", "industries", "languages")
    )


def featured_mentors(*, limit: int = 6) -> list[MentorProfile]:
    return list(listed_mentors().filter(accepting_bookings=True).order_by("-rating_bayes", "-years_experience")[:limit])
