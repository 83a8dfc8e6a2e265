"""The signed-in home page (/home/): one page whose sections follow the person's roles. A mentee
sees their upcoming sessions, open action items, pending requests, recommendations and "book
again"; a mentor their own sections (templates/home/mentor.html); someone with both roles both.

The project composes the apps here (mentorship reads all of them, DESIGN.md); every rule it shows
is the owning app's: the join rule (sessions.selectors.booking_can_join), who is bookable
(accounts.selectors.bookable_mentors), what is recommended (matching.selectors.matches_for) and
what a complete profile is (accounts.completeness).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from accounts.completeness import Completeness, mentor_completeness
from accounts.models import MentorProfile, User
from accounts.onboarding import onboarding_next_step
from accounts.selectors import bookable_mentors
from conversations.models import ActionItem
from matching.selectors import Match, matches_for
from sessions.models import LIVE_STATUSES, Booking
from sessions.selectors import booking_can_join, bookings_mine

UPCOMING_LIMIT = 5
REQUESTS_LIMIT = 10
ACTION_ITEMS_LIMIT = 8
RECOMMENDED_LIMIT = 4
BOOK_AGAIN_LIMIT = 6


@dataclass
class MenteeHome:
    upcoming: list[Booking] = field(default_factory=list)
    requests: list[Booking] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    recommended: list[Match] = field(default_factory=list)
    book_again: list[User] = field(default_factory=list)
    has_goals: bool = False


def mentee_home(*, user: User, now: datetime | None = None) -> MenteeHome:
    """The mentee sections, in a fixed number of queries whatever the person's history: one for
    live bookings, one for action items, one for stored recommendations, one for "book again", one
    for whether they wrote goals."""
    now = now or timezone.now()
    live = list(bookings_mine(user=user, role="mentee", when="upcoming", now=now)
                .filter(status__in=LIVE_STATUSES)[:UPCOMING_LIMIT + REQUESTS_LIMIT])
    home = MenteeHome()
    for booking in live:
        if booking.status == Booking.Status.REQUESTED:
            if len(home.requests) < REQUESTS_LIMIT:
                home.requests.append(booking)
        elif len(home.upcoming) < UPCOMING_LIMIT:
            booking.can_join = booking_can_join(booking=booking, user=user, now=now)
            home.upcoming.append(booking)
    home.action_items = list(
        ActionItem.objects.filter(owner=user, done_at__isnull=True).select_related("booking__mentor")
        .order_by("due_date", "id")[:ACTION_ITEMS_LIMIT])
    home.recommended = matches_for(mentee=user, limit=RECOMMENDED_LIMIT)
    past_mentors = Booking.objects.filter(mentee=user, status=Booking.Status.COMPLETED).values("mentor_id")
    home.book_again = list(bookable_mentors(viewer=user).filter(pk__in=past_mentors)
                           .order_by("name", "id")[:BOOK_AGAIN_LIMIT])
    home.has_goals = user.mentee_profile.goals != "" if hasattr(user, "mentee_profile") else False
    return home


def mentor_home_completeness(*, user: User) -> Completeness | None:
    """The meter on a mentor's home page: shown until the profile is complete (None after).
    One query (the skills counted alongside), and the profile is left on `user` for the rest of
    the page (the mentor's part reads user.mentor_profile)."""
    profile = MentorProfile.objects.filter(user=user).annotate(skill_count=Count("skills")).first()
    if profile is None:
        return None
    user._state.fields_cache["mentor_profile"] = profile
    profile._state.fields_cache["user"] = user
    completeness = mentor_completeness(profile, skill_count=profile.skill_count)
    return None if completeness.complete else completeness


def home_context(*, user: User) -> dict:
    return {
        "mentee_home": mentee_home(user=user) if user.is_mentee else None,
        "completeness": mentor_home_completeness(user=user) if user.is_mentor else None,
        "onboarding_next": onboarding_next_step(user),
    }
