"""Reads of match results for pages, the API, the command and the directory's "sort by match"."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from accounts.models import MenteeProfile, User
from accounts.selectors import mentor_ids_visible_to_many, mentor_listed_q, mentor_visible_q
from matching.models import MatchScore
from matching.scoring import MentorPool, recommend


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
    """The mentee's ranked mentors: the stored top-N (one query), or scored on the fly against the
    stored mentor features (a fixed number of queries, independent of how many mentors or matches
    exist; milliseconds once the process holds the matrix) when none is stored."""
    limit = limit or settings.MATCHING_TOP_N
    if not is_matchable_mentee(mentee):
        return []
    stored = list(
        MatchScore.objects.filter(mentor_visible_q(viewer=mentee, prefix="mentor__mentor_profile__"),
                                  mentor_listed_q(prefix="mentor__mentor_profile__"),
                                  mentee=mentee, mentor__is_active=True, mentor__is_mentor=True)
        .select_related("mentor__mentor_profile").order_by("rank")[:limit]
    )
    if stored:
        return [Match(mentor=s.mentor, score=s.score, rank=i, reasons=list(s.reasons), stored=True)
                for i, s in enumerate(stored, start=1)]
    # Scored against the stored mentor features (the worker keeps them current), so this is one
    # mentee against a matrix, not the pool built from scratch. The one write a read may do: the
    # embedding of this mentee's text when it changed since the worker last saw it.
    recs = recommend(mentee_ids=[mentee.pk], limit=limit, persist=True).get(mentee.pk, [])
    return _on_the_fly(recs, _candidates_in({r.mentor_id for r in recs},
                                            visible=mentor_visible_q(viewer=mentee, prefix="mentor_profile__")))


def _candidates_in(mentor_ids, *, visible: Q) -> dict[int, User]:
    # Features lag a profile change by up to a recompute cycle; who may be shown never does
    # (listed, taking bookings, and `visible`: internal mentors only to their colleagues).
    return (User.objects.filter(visible, mentor_listed_q(prefix="mentor_profile__"), is_active=True, is_mentor=True,
                                mentor_profile__accepting_bookings=True)
            .select_related("mentor_profile").in_bulk(list(mentor_ids)))


def _on_the_fly(recs, mentors: dict[int, User]) -> list[Match]:
    shown = [r for r in recs if r.mentor_id in mentors]
    return [Match(mentor=mentors[r.mentor_id], score=r.score, rank=rank, reasons=r.reasons, stored=False)
            for rank, r in enumerate(shown, start=1)]


def matches_for_many(*, mentees: list[User], limit: int | None = None) -> dict[int, list[Match]]:
    """matches_for over many mentees at once (the command's --all): stored lists in one query, the
    rest computed on the fly in one engine run sharing one load of the mentor pool."""
    limit = limit or settings.MATCHING_TOP_N
    ids = [m.pk for m in mentees if is_matchable_mentee(m)]
    out: dict[int, list[Match]] = {pk: [] for pk in ids}
    rows = (MatchScore.objects.filter(mentor_listed_q(prefix="mentor__mentor_profile__"), mentee_id__in=ids,
                                      mentor__is_active=True, mentor__is_mentor=True)
            .select_related("mentor__mentor_profile").order_by("mentee_id", "rank"))
    rows = list(rows)
    # Who may see whom, for every mentee at once (internal mentors only for their colleagues).
    visible = mentor_ids_visible_to_many(viewers=[m for m in mentees if m.pk in out],
                                         mentor_ids={row.mentor_id for row in rows})
    for row in rows:
        if row.mentor_id not in visible[row.mentee_id]:
            continue
        found = out[row.mentee_id]
        if len(found) < limit:
            found.append(Match(mentor=row.mentor, score=row.score, rank=len(found) + 1, reasons=list(row.reasons),
                               stored=True))
    missing = [pk for pk, found in out.items() if not found]
    if missing:
        recs = recommend(mentee_ids=missing, limit=limit, pool=MentorPool.load(), persist=True)
        users = _candidates_in({r.mentor_id for items in recs.values() for r in items}, visible=Q())
        may_see = mentor_ids_visible_to_many(viewers=[m for m in mentees if m.pk in recs], mentor_ids=set(users))
        for pk, items in recs.items():
            out[pk] = _on_the_fly(items, {i: u for i, u in users.items() if i in may_see[pk]})
    return out



def directory_match_scores(*, viewer, sort: str | None) -> dict[int, float] | None:
    """The viewer's match scores when the directory is sorted by match, else None.

    The directory views bring these to accounts.selectors.mentors_search, so accounts never
    imports matching (which reads accounts): the cycle accounts -> matching -> accounts is gone.
    """
    if sort != "match" or not (viewer.is_authenticated and viewer.is_mentee):
        return None
    return match_scores_for(mentee=viewer)


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
