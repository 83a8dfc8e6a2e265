"""Fixtures for matching tests: a small, realistic mentor pool."""

from __future__ import annotations

from datetime import time

import pytest

from accounts.models import Language, MenteeProfile, Skill
from accounts.services import taxonomy_resolve
from matching import services
from tests.factories import MenteeFactory, MentorFactory


def make_mentor(email: str, headline: str, bio: str, *, languages=("en",), zone="Europe/Berlin", **profile):
    user = MentorFactory(email=email, name=email.split("@")[0].title(), timezone=zone,
                         profile__headline=headline, profile__bio=bio, **{f"profile__{k}": v for k, v in profile.items()})
    user.mentor_profile.languages.set(Language.objects.filter(code__in=languages))
    # A complete profile has a skill (accounts.completeness): without one, the next profile or
    # availability write would make this mentor a draft and take them out of the pool.
    user.mentor_profile.skills.set(taxonomy_resolve(model=Skill, names=[headline]))
    return user


def make_mentee(email: str, goals: str, *, languages=("en",), zone="America/New_York"):
    user = MenteeFactory(email=email, name=email.split("@")[0].title(), timezone=zone, profile__goals=goals)
    user.mentee_profile.languages.set(Language.objects.filter(code__in=languages))
    return user


def set_goals(user, goals: str) -> MenteeProfile:
    profile = user.mentee_profile
    profile.goals = goals
    profile.save()
    return profile


@pytest.fixture
def pool(db):
    """Four mentors: a speaking coach, a Spanish speaking coach, a trap (board member), a German-only architect,
    with their features stored as the worker would after their profiles were saved."""
    mentors = {
        "speaker": make_mentor("speaker@example.com", "Speaker coach",
                               "I help people stay calm and clear when all eyes are on them: keynotes and executive updates."),
        "oratoria": make_mentor("oratoria@example.com", "Coach de oratoria",
                                "Ayudo a profesionales a presentar con seguridad ante comités y audiencias grandes.",
                                languages=("es", "en"), zone="Europe/Madrid"),
        "board": make_mentor("board@example.com", "Non-executive director",
                             "I sit on the board of three companies: governance, audit and compliance."),
        "architect": make_mentor("architekt@example.com", "Softwarearchitekt",
                                 "Skalierbare Backend-Systeme und Architekturentscheidungen.", languages=("de",)),
    }
    services.mentor_features_refresh()
    return mentors


def give_availability(mentor, days=range(5)):
    from sessions.models import AvailabilityRule

    AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(9), end_time=time(17)) for d in days])
    services.mentor_features_refresh(mentor_ids=[mentor.pk])  # what the worker does after the availability trigger
