"""THE rule for "a complete mentor profile" (issue 14: mentors are drafts until complete).

A mentor profile is complete with a headline, a bio, at least one skill, a session length and some
availability in the coming weeks. Drafts are not listed (accounts.models._LISTED reads the stored
result, `MentorProfile.is_complete`, kept by accounts.services.mentor_completeness_refresh); the
meter on the home page, the banner on a draft's own profile page, the onboarding steps and the API
all ask `mentor_completeness` for what is missing, so they can never disagree with the listing.

Availability lives in booking's tables, which accounts may not read (orgs <- accounts <- booking):
the availability services report it to accounts.services.mentor_availability_set on every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import MentorProfile


@dataclass(frozen=True)
class Step:
    key: str
    label: str  # what to do, as a link text: "Add a headline"
    url_name: str
    url_kwargs: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=dict(self.url_kwargs))


# In the order a person would fill them in; the profile fields share the profile step's form.
STEPS = (
    Step("headline", "Add a headline", "accounts:onboarding_step", (("step", "profile"),)),
    Step("bio", "Write a short bio", "accounts:onboarding_step", (("step", "profile"),)),
    Step("skills", "Add at least one skill", "accounts:onboarding_step", (("step", "profile"),)),
    Step("session_lengths", "Offer a session length", "accounts:onboarding_step", (("step", "profile"),)),
    Step("availability", "Set your first free times", "booking:availability"),
)


@dataclass(frozen=True)
class Completeness:
    done: int
    total: int
    missing: tuple[Step, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)


def mentor_completeness(profile: MentorProfile, *, skill_count: int | None = None) -> Completeness:
    """What the profile has and lacks. `skill_count` saves the query when the caller knows it (a
    prefetched `skills` is used as well)."""
    if skill_count is None:
        cached = getattr(profile, "_prefetched_objects_cache", {}).get("skills")
        skill_count = len(cached) if cached is not None else profile.skills.count()
    has = {
        "headline": bool(profile.headline.strip()),
        "bio": bool(profile.bio.strip()),
        "skills": skill_count > 0,
        "session_lengths": bool(profile.session_lengths),
        "availability": profile.has_availability,
    }
    missing = tuple(step for step in STEPS if not has[step.key])
    return Completeness(done=len(STEPS) - len(missing), total=len(STEPS), missing=missing)
