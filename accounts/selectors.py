"""Reads shaped for accounts screens and endpoints.

`mentors_search` is the one directory query, shared by the /mentors/ page and GET /api/v1/mentors/,
so the two can never disagree about who is listed, what matches or in which order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Exists, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Industry, Language, MentorProfile, Skill, User
from accounts.search import CONFIG as SEARCH_CONFIG
from accounts.search import search_document

SORTS = {
    "relevance": "Relevance",
    "rating": "Highest rated",
    "experience": "Most experienced",
    "newest": "Newest",
    "match": "Best match for my goals",
}


@dataclass(frozen=True)
class MentorFilters:
    """Validated directory filters (see accounts.forms.DirectoryFilterForm for the parsing)."""

    skill: Skill | None = None
    industry: Industry | None = None
    language: Language | None = None
    length: int | None = None
    min_rating: float | None = None
    sort: str = "relevance"
    # {mentor id: score} for sort="match"; the caller brings them (accounts does not read matching).
    match_scores: dict[int, float] | None = None

    @classmethod
    def from_cleaned(cls, data: dict, *, match_scores: dict[int, float] | None = None) -> MentorFilters:
        return cls(**{k: data.get(k) for k in ("skill", "industry", "language", "length", "min_rating")},
                   sort=data.get("sort") or "relevance", match_scores=match_scores)


def listed_mentors() -> QuerySet[MentorProfile]:
    return (
        MentorProfile.objects.filter(is_listed=True, user__is_active=True, user__is_mentor=True)
        .select_related("user")
        .prefetch_related("skills", "industries", "languages")
    )


def bookable_mentors() -> QuerySet[User]:
    """The one definition of "a mentor anyone may book": active, a mentor, with a listed profile.

    The slots API, the picker, the booking page, the booking API and booking_create all ask this,
    so an unlisted mentor is a 404 everywhere rather than bookable through one door.
    Whether the mentor takes new bookings right now (accepting_bookings) is a separate, softer
    rule: the mentor exists and their page says so.
    """
    return User.objects.select_related("mentor_profile").filter(
        is_active=True, is_mentor=True, mentor_profile__isnull=False, mentor_profile__is_listed=True,
    )


def mentor_bookable_get(*, mentor_id: int) -> User | None:
    return bookable_mentors().filter(pk=mentor_id).first()


def featured_mentors(*, limit: int = 6) -> list[MentorProfile]:
    return list(listed_mentors().filter(accepting_bookings=True).order_by("-rating_bayes", "-years_experience")[:limit])


def mentor_for_page(*, slug: str, viewer=None) -> MentorProfile | None:
    """A listed mentor by slug; owners and staff also see an unlisted profile (to preview it)."""
    qs = MentorProfile.objects.select_related("user").prefetch_related("skills", "industries", "languages")
    profile = qs.filter(slug=slug).first()
    if profile is None:
        return None
    visible = profile.is_listed and profile.user.is_active and profile.user.is_mentor
    if visible or (viewer is not None and viewer.is_authenticated and (viewer.is_staff or viewer.pk == profile.pk)):
        return profile
    return None


def mentor_by_id(*, mentor_id: int, viewer=None) -> MentorProfile | None:
    profile = MentorProfile.objects.filter(pk=mentor_id).only("slug").first()
    return mentor_for_page(slug=profile.slug, viewer=viewer) if profile else None


def _apply_filters(qs: QuerySet[MentorProfile], filters: MentorFilters) -> QuerySet[MentorProfile]:
    # Exists() rather than joins: a join on a many-to-many repeats rows and would need DISTINCT,
    # which does not mix with ordering by a computed rank.
    if filters.skill is not None:
        qs = qs.filter(Exists(MentorProfile.skills.through.objects.filter(
            mentorprofile_id=OuterRef("pk"), skill_id=filters.skill.pk)))
    if filters.industry is not None:
        qs = qs.filter(Exists(MentorProfile.industries.through.objects.filter(
            mentorprofile_id=OuterRef("pk"), industry_id=filters.industry.pk)))
    if filters.language is not None:
        qs = qs.filter(Exists(MentorProfile.languages.through.objects.filter(
            mentorprofile_id=OuterRef("pk"), language_id=filters.language.pk)))
    if filters.length:
        qs = qs.filter(**{f"offers_{filters.length}": True})
    if filters.min_rating is not None:
        qs = qs.filter(rating_count__gt=0, rating_bayes__gte=filters.min_rating)
    return qs


def _postgres_text_search(qs: QuerySet[MentorProfile], query: str) -> QuerySet[MentorProfile]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

    # The stored document when there is one; computed on the fly for rows written around the services.
    vector = Coalesce("search_vector", search_document(), output_field=SearchVectorField())
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        qs.annotate(search=vector, rank=SearchRank(vector, search))
        .filter(Q(search=search) | Q(user__name__icontains=query))
    )


def _simple_text_search(qs: QuerySet[MentorProfile], query: str) -> QuerySet[MentorProfile]:
    # SQLite has no full-text ranking here: every word must appear somewhere; no relevance order.
    for word in query.split()[:8]:
        skill_match = Exists(Skill.objects.filter(
            Q(name__icontains=word) | Q(synonyms__icontains=word), mentors=OuterRef("pk")))
        qs = qs.filter(Q(user__name__icontains=word) | Q(headline__icontains=word) | Q(bio__icontains=word)
                       | skill_match)
    return qs.annotate(rank=Value(0.0, output_field=FloatField()))


def mentors_search(*, query: str = "", filters: MentorFilters | None = None) -> QuerySet[MentorProfile]:
    """Listed mentors matching a free-text query and filters, in the order asked for.

    Relevance uses PostgreSQL full-text ranking (name and skills weigh most, then headline, then
    bio); without a query, or on SQLite, "relevance" falls back to the best rated.
    """
    filters = filters or MentorFilters()
    qs = _apply_filters(listed_mentors(), filters)
    query = " ".join((query or "").split())
    has_rank = False
    if query:
        if settings.IS_POSTGRES:
            qs = _postgres_text_search(qs, query)
            has_rank = True
        else:
            qs = _simple_text_search(qs, query)
    if filters.sort == "match":
        scores = filters.match_scores or {}
        # Stored matches are the mentee's top N; everyone else follows, best rated first.
        qs = qs.annotate(match_score=Case(
            *[When(user_id=mentor_id, then=Value(float(score))) for mentor_id, score in scores.items()],
            default=Value(-1.0), output_field=FloatField()))
    order = {
        "match": ["-match_score", "-rating_bayes"],
        "rating": ["-rating_bayes", "-rating_count"],
        "experience": ["-years_experience"],
        "newest": ["-created_at"],
    }.get(filters.sort)
    if order is None:
        order = ["-rank", "-rating_bayes"] if has_rank else ["-rating_bayes", "-years_experience"]
    # The user id breaks ties so pages never repeat or skip a mentor.
    return qs.order_by(*order, "user_id")
