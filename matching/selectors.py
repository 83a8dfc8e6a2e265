"""Reads of match results for pages, the API, the command and the directory's "sort by match"."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from accounts.models import MenteeProfile, User
from matching.models import MatchScore
from matching.scoring import recommend


@dataclass(frozen=True)
class Match:
    mentor: User  # with mentor_profile loaded
    score: float
    rank: int
    reasons: list[str]
    stored: bool  # False: computed on the fly because no list was stored yet


def is_matchable_mentee(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_mentee)


def matches_for(*, mentee: User, limit: int | None = None) -> list[Match]:
    """The mentee's ranked mentors: the stored top-N (one query), or computed on the fly (a fixed
    number of queries, independent of how many mentors or matches exist) when none is stored."""
    limit = limit or settings.MATCHING_TOP_N
    if not is_matchable_mentee(mentee):
        return []
    stored = list(
        MatchScore.objects.filter(mentee=mentee, mentor__is_active=True, mentor__is_mentor=True,
                                  mentor__mentor_profile__is_listed=True)
        .select_related("mentor__mentor_profile").order_by("rank")[:limit]
    )
    if stored:
        return [Match(mentor=s.mentor, score=s.score, rank=i, reasons=list(s.reasons), stored=True)
                for i, s in enumerate(stored, start=1)]
    # The one write a read may do: filling the embedding cache, so the next page view (or the
    # background recompute) does not run the encoder over every mentor profile again.
    recs = recommend(mentee_ids=[mentee.pk], limit=limit, persist=True).get(mentee.pk, [])
    mentors = User.objects.select_related("mentor_profile").in_bulk([r.mentor_id for r in recs])
    return [Match(mentor=mentors[r.mentor_id], score=r.score, rank=r.rank, reasons=r.reasons, stored=False)
            for r in recs if r.mentor_id in mentors]


def match_scores_for(*, mentee: User) -> dict[int, float]:
    """{mentor user id: score} for the directory's "sort by match" (mentors not in it: no score)."""
    return {m.mentor.pk: m.score for m in matches_for(mentee=mentee)}


def mentee_profile_state(user: User) -> str:
    """"ready", "no_profile" or "no_goals": what the Recommended page should show."""
    profile = MenteeProfile.objects.filter(user=user).first() if user.is_mentee else None
    if profile is None:
        return "no_profile"
    if not profile.goals.strip() and not profile.interests.exists():
        return "no_goals"
    return "ready"
