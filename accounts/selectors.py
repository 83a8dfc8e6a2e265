"""Reads shaped for accounts screens and endpoints.

`mentors_search` is the one directory query, shared by the /mentors/ page and GET /api/v1/mentors/,
so the two can never disagree about who is listed, what matches or in which order.
"""

from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache as once_per_process
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramStrictWordSimilarity
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.free_times import FreeWhen, free_in_windows_q, free_windows
from accounts.models import Block, Industry, Language, MentorFreeTime, MentorProfile, Skill, User, Visibility
from accounts.search import CONFIG as SEARCH_CONFIG
from accounts.search import NAME_CONFIG
from mentorship import prepared
from mentorship.rows import Columns, select_list
from orgs.selectors import colleague_ids, colleague_pairs, member_ids

MAX_QUERY_WORDS = 8

SORTS = {
    "relevance": "Relevance",
    "rating": "Highest rated",
    "experience": "Most experienced",
    "newest": "Newest",
    "match": "Best match for my goals",
    "earliest": "Earliest free time",
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
    # Only mentors who are colleagues of the viewer (an active membership in a shared organisation).
    colleagues: bool = False
    # When the viewer wants the mentor free (in the viewer's zone); see accounts.free_times.
    free: FreeWhen | None = None

    @classmethod
    def from_cleaned(cls, data: dict, *, match_scores: dict[int, float] | None = None,
                     zone: str = "UTC") -> MentorFilters:
        return cls(**{k: data.get(k) for k in ("skill", "industry", "language", "length", "min_rating")},
                   sort=data.get("sort") or "relevance", match_scores=match_scores,
                   colleagues=bool(data.get("colleagues")), free=free_when_from_cleaned(data, zone=zone))


def free_when_from_cleaned(data: dict, *, zone: str = "UTC") -> FreeWhen | None:
    """The availability filters of a parsed directory form, in the viewer's zone (a `tz` in the
    query wins over the one the request runs in)."""
    when = FreeWhen(zone=data.get("tz") or zone, within_days=data.get("free_within"),
                    first_day=data.get("free_from"), last_day=data.get("free_to"),
                    weekdays=tuple(sorted(int(d) for d in data.get("days") or ())),
                    from_time=data.get("time_from"), to_time=data.get("time_to"))
    return None if when.is_empty else when


# --- who may see a mentor -------------------------------------------------------------------------

def mentor_visible_q(*, viewer, prefix: str = "") -> Q:
    """THE rule for seeing a mentor's profile at all, as a filter on MentorProfile (`prefix` reaches
    the profile from another model: "mentor_profile__" from User, "mentor__mentor_profile__" from
    a booking or a match).

    A public mentor is visible to everyone. An internal one (visibility "internal") only to people
    who share an active membership with them (orgs.selectors.colleague_ids), to staff and to
    themselves. Every door that shows or acts on a mentor (directory, profile, slots, booking,
    reviews, recommendations, mail links) applies this filter, so a stranger meets a 404, never a
    leak. For anonymous visitors it is the plain `visibility = 'public'` condition that the
    directory's partial indexes serve; for members the colleague set is a subquery inside the same
    statement, so no door pays an extra query for it.
    """
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if not getattr(viewer, "is_authenticated", False):
        return public
    if viewer.is_staff:
        return Q()
    return public | Q(**{f"{prefix}user_id": viewer.pk}) | Q(**{f"{prefix}user_id__in": colleague_ids(user_id=viewer.pk)})


def mentor_listed_q(*, prefix: str = "") -> Q:
    """THE listing condition (accounts.models._LISTED, which the directory's partial indexes use):
    listed, and complete rather than a draft (accounts.completeness). `prefix` as in
    mentor_visible_q. Directory, search, recommendations, featured mentors, booking and reviews
    all filter with it."""
    return Q(**{f"{prefix}is_listed": True, f"{prefix}is_complete": True})


def mentor_ids_visible_to_many(*, viewers, mentor_ids) -> dict[int, set[int]]:
    """mentor_visible_q for many viewers at once (batch jobs such as matching's --all):
    {viewer id: the ids among `mentor_ids` that viewer may see}, in two queries."""
    visibility = dict(MentorProfile.objects.filter(user_id__in=list(mentor_ids)).values_list("user_id", "visibility"))
    public = {pk for pk, value in visibility.items() if value == Visibility.PUBLIC}
    colleagues = colleague_pairs(user_ids=[v.pk for v in viewers if not v.is_staff])
    return {viewer.pk: (set(visibility) if viewer.is_staff
                        else public | ({viewer.pk} | colleagues.get(viewer.pk, set())) & set(visibility))
            for viewer in viewers}


def _colleague_flag(qs: QuerySet[MentorProfile], viewer) -> QuerySet[MentorProfile]:
    """Annotate `is_colleague` (shares an active organisation with the viewer) for the "colleague"
    marker; a plain False for anonymous visitors, so their SQL stays the index-friendly one."""
    if not getattr(viewer, "is_authenticated", False):
        return qs.annotate(is_colleague=Value(False, output_field=BooleanField()))
    return qs.annotate(is_colleague=ExpressionWrapper(
        Q(user_id__in=colleague_ids(user_id=viewer.pk)) & ~Q(user_id=viewer.pk), output_field=BooleanField()))


def listed_mentors(*, viewer=None) -> QuerySet[MentorProfile]:
    """Listed mentors this viewer may see (None: an anonymous visitor, so public ones only)."""
    return (
        MentorProfile.objects.filter(mentor_listed_q(), user__is_active=True, user__is_mentor=True)
        .filter(mentor_visible_q(viewer=viewer))
        .select_related("user")
        .prefetch_related("skills", "industries", "languages")
    )


def bookable_mentors(*, viewer=None) -> QuerySet[User]:
    """The one definition of "a mentor this viewer may book": active, a mentor, with a listed
    (so not a draft) profile the viewer may see (mentor_visible_q; None: an anonymous visitor).

    The slots API, the picker, the booking page, the booking API and booking_create all ask this,
    so an unlisted mentor, or an internal one outside the viewer's organisations, is a 404
    everywhere rather than bookable through one door.
    Whether the mentor takes new bookings right now (accepting_bookings) is a separate, softer
    rule: the mentor exists and their page says so.
    """
    return User.objects.select_related("mentor_profile").filter(
        mentor_visible_q(viewer=viewer, prefix="mentor_profile__"), mentor_listed_q(prefix="mentor_profile__"),
        is_active=True, is_mentor=True, mentor_profile__isnull=False,
    )


def mentor_bookable_get(*, mentor_id: int, viewer) -> User | None:
    """A mentor this viewer may book, with their profile (search document left out), or None: one
    query, written once per process and kind of viewer (mentorship.rows); the booking API and pages
    ask it on every call."""
    using = router.db_for_read(User)
    kind = viewer_kind(viewer)
    sql, user_columns, profile_columns = _bookable_mentor_sql(using, kind)
    with connections[using].cursor() as cursor:
        prepared.execute(cursor, sql, [mentor_id, *bookable_mentor_ids_sql(using, mentor_id=mentor_id, viewer=viewer)[1]])
        row = cursor.fetchone()
    if row is None:
        return None
    user = user_columns.instance(using, row)
    profile = profile_columns.instance(using, row, start=len(user_columns.attnames))
    user._state.fields_cache["mentor_profile"] = profile
    profile._state.fields_cache["user"] = user
    return user


# Compiling bookable_mentors() for every request cost a millisecond of CPU, so its SQL is compiled
# once per process, database and kind of viewer, with placeholders for the ids filled in per request.
NO_ID = -7_654_321  # stands for the mentor id while bookable_mentors() is compiled; never a real id
NO_VIEWER = -7_654_322  # stands for a signed-in viewer's id in the same way


@dataclass(frozen=True)
class CompiledViewer:
    """What mentor_visible_q reads of a viewer, for compiling its SQL once per kind of viewer."""

    pk: int | None
    is_authenticated: bool
    is_staff: bool = False


def viewer_kind(viewer) -> str:
    if not getattr(viewer, "is_authenticated", False):
        return "anonymous"
    return "staff" if viewer.is_staff else "member"


KIND_VIEWERS = {"anonymous": CompiledViewer(None, False), "staff": CompiledViewer(NO_VIEWER, True, True),
                "member": CompiledViewer(NO_VIEWER, True)}


@once_per_process
def _bookable_ids_sql(using: str, kind: str) -> tuple[str, tuple, int, tuple[int, ...]]:
    query = bookable_mentors(viewer=KIND_VIEWERS[kind]).filter(pk=NO_ID).order_by().values("pk").query
    sql, params = query.get_compiler(using).as_sql()
    at = [i for i, value in enumerate(params) if value == NO_ID]
    if len(at) != 1:
        raise ImproperlyConfigured("bookable_mentors() must take the mentor id once")
    return sql, tuple(params), at[0], tuple(i for i, value in enumerate(params) if value == NO_VIEWER)


def bookable_mentor_ids_sql(using: str, *, mentor_id: int, viewer) -> tuple[str, list]:
    """bookable_mentors(viewer=) for one mentor id as `SELECT id ...` SQL and parameters, to embed in
    a statement of one's own (booking_create locks the policy of a bookable mentor with it).
    bookable_mentors is a fixed filter of the viewer's kind and ids; were it ever to read the clock
    or the request, this cache would have to go."""
    sql, params, at, viewer_at = _bookable_ids_sql(using, viewer_kind(viewer))
    params = list(params)
    params[at] = mentor_id
    for i in viewer_at:
        params[i] = viewer.pk
    return sql, params


@once_per_process
def _bookable_mentor_sql(using: str, kind: str) -> tuple[str, Columns, Columns]:
    qn = connections[using].ops.quote_name
    user_columns = select_list(User, "u", using)
    profile_columns = select_list(MentorProfile, "p", using, exclude=("search_vector",))
    ids_sql, _, _, _ = _bookable_ids_sql(using, kind)
    sql = (f"SELECT {user_columns.sql}, {profile_columns.sql} FROM {qn(User._meta.db_table)} u "
           f"JOIN {qn(MentorProfile._meta.db_table)} p ON p.{qn('user_id')} = u.{qn('id')} "
           f"WHERE u.{qn('id')} = %s AND u.{qn('id')} IN ({ids_sql})")
    return sql, user_columns, profile_columns


def featured_mentors(*, viewer=None, limit: int = 6) -> list[MentorProfile]:
    mentors = listed_mentors(viewer=viewer).prefetch_related(None).filter(accepting_bookings=True)
    return mentor_cards(list(mentors.order_by("-rating_bayes", "-years_experience", "user_id")[:limit]),
                        industries=False)


def directory_summary(*, viewer=None) -> dict[str, int | float | None]:
    """The visitor home's proof line, from the record rather than marketing copy: how many mentors
    this viewer may see, how many published reviews they hold and their plain average. One query."""
    totals = listed_mentors(viewer=viewer).prefetch_related(None).aggregate(
        mentors=Count("pk"), reviews=Coalesce(Sum("rating_count"), 0), stars=Coalesce(Sum("rating_sum"), 0))
    average = round(totals["stars"] / totals["reviews"], 1) if totals["reviews"] else None
    return {"mentors": totals["mentors"], "reviews": totals["reviews"], "average": average}


def organisation_mentors(*, organisation_id: int, viewer, limit: int = 12) -> tuple[list[MentorProfile], int]:
    """(up to `limit` listed mentors who are active members of the organisation, as `viewer` may
    see them, with their card tags; how many there are): the organisation home's "colleagues who
    mentor". Internal ones first, then the best rated."""
    qs = listed_mentors(viewer=viewer).prefetch_related(None).filter(user_id__in=member_ids(organisation_id=organisation_id))
    total = qs.count()
    page = list(qs.annotate(internal=Case(When(visibility=Visibility.INTERNAL, then=Value(0)), default=Value(1)))
                .order_by("internal", "-rating_bayes", "user_id")[:limit])
    return mentor_cards(page, industries=False), total


def mentor_cards(profiles: list[MentorProfile], *, industries: bool = True) -> list[MentorProfile]:
    """Give a page of mentors their skills, languages and (for the API) industries as lists of
    plain dicts shaped like the API's: `profile.skill_list`, `.language_list`, `.industry_list`.

    One query for all three (UNION ALL, so one round trip): Django's prefetch_related makes one
    per relation and builds and filters a queryset per mentor and relation (60 for a page of 20),
    which was most of a directory page's Python time.
    """
    ids = [p.pk for p in profiles]
    tags: dict[tuple[int, str], list[dict]] = {}
    if ids:
        using = router.db_for_read(MentorProfile)
        sql, params, slots = _cards_sql(using, len(ids), industries)
        params = [param if slot is None else ids[slot] for param, slot in zip(params, slots, strict=True)]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for mentor_id, kind, name, key, synonyms, _ in rows:
            tag = ({"code": key, "name": name} if kind == "language"
                   else {"name": name, "slug": key, "synonyms": synonyms})
            tags.setdefault((mentor_id, kind), []).append(tag)
    for profile in profiles:
        profile.skill_list = tags.get((profile.pk, "skill"), [])
        profile.language_list = tags.get((profile.pk, "language"), [])
        if industries:
            profile.industry_list = tags.get((profile.pk, "industry"), [])
    return profiles


def _cards_query(ids: list[int], industries: bool) -> QuerySet:
    parts = {
        "skill": MentorProfile.skills.through.objects.filter(mentorprofile_id__in=ids).values_list(
            "mentorprofile_id", Value("skill"), "skill__name", "skill__slug", "skill__synonyms", "skill_id"),
        "language": MentorProfile.languages.through.objects.filter(mentorprofile_id__in=ids).values_list(
            "mentorprofile_id", Value("language"), "language__name", "language_id", Value(""), Value(0)),
    }
    if industries:
        parts["industry"] = MentorProfile.industries.through.objects.filter(mentorprofile_id__in=ids).values_list(
            "mentorprofile_id", Value("industry"), "industry__name", "industry__slug", "industry__synonyms",
            "industry_id")
    first, *rest = parts.values()
    # By name (the terms' Meta.ordering), in the database's collation like any other list of them.
    return first.union(*rest, all=True).order_by("skill__name", "skill_id", "skill__slug")


_CARD_ID_BASE = -(10**15)  # stands for the i-th mentor id (BASE - i) while _cards_query is compiled


@lru_cache(maxsize=128)
def _cards_sql(using: str, count: int, industries: bool) -> tuple[str, tuple, tuple[int | None, ...]]:
    """_cards_query for `count` mentor ids, compiled by the ORM once per process, database and page
    size (compiling the three-part UNION took longer than running it): the SQL, its parameters, and
    for each parameter the index of the mentor id that goes there (None: keep the parameter)."""
    stand_ins = [_CARD_ID_BASE - i for i in range(count)]
    sql, params = _cards_query(stand_ins, industries).query.get_compiler(using).as_sql()
    slots = tuple(_CARD_ID_BASE - p if isinstance(p, int) and p <= _CARD_ID_BASE else None for p in params)
    if sorted(slot for slot in slots if slot is not None) != sorted(list(range(count)) * (3 if industries else 2)):
        raise ImproperlyConfigured("mentor_cards' query must take each mentor id once per part")
    return sql, tuple(params), slots


def mentor_for_page(*, slug: str, viewer=None) -> MentorProfile | None:
    """A listed mentor by slug whom the viewer may see (mentor_visible_q); owners and staff also
    see an unlisted profile or their draft (to preview it). `is_colleague` says whether to show
    the marker."""
    qs = _colleague_flag(MentorProfile.objects.select_related("user")
                         .prefetch_related("skills", "industries", "languages"), viewer)
    profile = qs.filter(mentor_visible_q(viewer=viewer), slug=slug).first()
    if profile is None:
        return None
    visible = profile.is_listed and profile.is_complete and profile.user.is_active and profile.user.is_mentor
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
    if filters.free is not None:
        qs = _free_filter(qs, filters.free)
    return qs


def _free_filter(qs: QuerySet[MentorProfile], when: FreeWhen) -> QuerySet[MentorProfile]:
    """Mentors free when the viewer asked, from the precomputed read model (accounts.free_times):
    "free in the next N days" alone is a comparison with the stored next free start (no join);
    a date range or a time of day asks the free-time rows, one EXISTS with a window per local day."""
    now = timezone.now()
    qs = qs.filter(accepting_bookings=True)
    if not when.needs_windows:
        return qs.filter(next_free_at__lt=now + timedelta(days=when.within_days))
    windows = free_windows(when, now=now)
    return qs.filter(Exists(MentorFreeTime.objects.filter(free_in_windows_q(windows), mentor_id=OuterRef("pk"))))


def _name_prefix_query(query: str) -> str:
    """The query's words as a prefix query on the weight-A part of the document (name, skill names).

    It stands in for the name LIKE the directory used to run: "Ana Back" still finds Ana Backend,
    and a stop word such as "Will" is a name here (the name is also stored unstemmed). Words the
    web-search syntax negates ("-payments") are left out, so they never widen the match.
    """
    words = []
    for token in query.split():
        if not token.startswith("-"):
            words += [w.lower() for w in re.findall(r"[^\W_]+", token)]
    return " & ".join(f"{word}:*A" for word in words[:MAX_QUERY_WORDS])


def mentor_text_match(query: str) -> tuple[Q, SearchRank]:
    """(filter, rank) for a free-text query on PostgreSQL, both on the stored document only, so the
    GIN index serves the filter: `search_vector @@ query` (web-search syntax, stemmed) OR a prefix
    match on names and skill names, a BitmapOr of two scans of the same index.

    Every mentor has a stored document: migration 0006 filled them and the services keep them
    (accounts/search.py). Code that writes mentors around the services (raw SQL, bulk loads, test
    fixtures) calls mentor_search_refresh() for them, or text search does not find them. Computing a
    missing document here instead cost ~90 ms of SQL compiling per request in Python, and made the
    planner charge it to every matching row, past PostgreSQL's JIT threshold (measured 0.3-2.5 s).
    """
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    match = Q(search_vector=search)
    prefix = _name_prefix_query(query)
    if prefix:
        match |= Q(search_vector=SearchQuery(prefix, search_type="raw", config=NAME_CONFIG))
    # Typos, for a word of 4+ letters that is no known skill, industry or language word (known
    # words match as typed, not their neighbours: "python" does not widen to "pytorch"):
    # - in a name: pg_trgm's strict word similarity (`%>>`, served by the trigram index
    #   mentor_search_trgm on the lower-case name; threshold settings.TRIGRAM_WORD_THRESHOLD), so
    #   "lena" also finds Olena and "kovalenk" Kovalenko;
    # - in a term: the closest known word stands in for it ("pyhton" searches "python"), from the
    #   cached vocabulary, so it costs no query. Comparing trigrams with every mentor's skills
    #   instead cost 0.5-0.9 s per search at 10,000 mentors (each row rechecked).
    # Only when every word is such a word: a trigram match on some words would drop the others
    # ("Mentor 007" must not list every Mentor).
    fuzzy = text_query_fuzzy_words(query)
    if fuzzy:
        known = _known_words()
        in_name = Q()
        for word in fuzzy:
            in_name &= Q(search_text__trigram_strict_word_similar=word)
        match |= in_name
        corrected = _corrected(query, known)
        if corrected:
            match |= Q(search_vector=SearchQuery(corrected, search_type="websearch", config=SEARCH_CONFIG))
    # ts_rank is NULL for a row without a document; 0 keeps it last, not first, in a DESC order.
    return match, Coalesce(SearchRank(F("search_vector"), search), Value(0.0), output_field=FloatField())


def text_query_fuzzy_words(query: str) -> list[str]:
    """The words mentor_text_match looks up by similarity (in names, and corrected to the closest
    known word), or [] when it matches the query as typed: only when every word is one of 4+ letters
    that is no known skill, industry or language word. Such a query's SQL has more parts, so callers
    that reuse a compiled statement (accounts.directory) ask this first."""
    known = _known_words()
    words = _query_words(query)
    fuzzy = [w for w in words if len(w) >= FUZZY_MIN_LETTERS and w not in known]
    return fuzzy if fuzzy and len(fuzzy) == len(words) else []


FUZZY_MIN_LETTERS = 4
# How close (difflib's ratio) an unknown word must be to a known one to stand in for it.
CORRECTION_CUTOFF = 0.75


def _corrected(query: str, known: dict[str, str]) -> str | None:
    """The query with each unknown word replaced by the closest known skill, industry or language
    word, or None when nothing was replaced."""
    words = query.split()
    changed = False
    for i, word in enumerate(words):
        key = word.lower()
        if word.startswith("-") or key in known or len(key) < 3:
            continue
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=CORRECTION_CUTOFF)
        if close:
            words[i] = known[close[0]]
            changed = True
    return " ".join(words) if changed else None


def _query_words(query: str) -> list[str]:
    words = []
    for token in query.split():
        if not token.startswith("-"):
            words += [w.lower() for w in re.findall(r"[^\W_]+", token)]
    return words[:MAX_QUERY_WORDS]


def _exact_name(query: str):
    """1 for a mentor whose name is the query, or starts with it as a whole word ("lena" is Lena
    Fischer, not Olena): exact name matches come first in relevance order."""
    return Case(When(Q(user__name__iexact=query) | Q(user__name__istartswith=f"{query} "), then=Value(1)),
                default=Value(0))


def _postgres_text_search(qs: QuerySet[MentorProfile], query: str) -> QuerySet[MentorProfile]:
    match, rank = mentor_text_match(query)
    return qs.filter(match).annotate(rank=rank, exact_name=_exact_name(query),
                                     fuzzy=TrigramStrictWordSimilarity(query.lower(), "search_text"))


def _simple_text_search(qs: QuerySet[MentorProfile], query: str) -> QuerySet[MentorProfile]:
    # SQLite has no full-text ranking here: every word must appear somewhere; no relevance order.
    for word in query.split()[:MAX_QUERY_WORDS]:
        skill_match = Exists(Skill.objects.filter(
            Q(name__icontains=word) | Q(synonyms__icontains=word), mentors=OuterRef("pk")))
        qs = qs.filter(Q(user__name__icontains=word) | Q(headline__icontains=word) | Q(bio__icontains=word)
                       | skill_match)
    return qs.annotate(rank=Value(0.0, output_field=FloatField()), exact_name=_exact_name(query))


def mentors_search(*, query: str = "", filters: MentorFilters | None = None, viewer=None) -> QuerySet[MentorProfile]:
    """Listed mentors the viewer may see (None: an anonymous visitor) matching a free-text query
    and filters, in the order asked for. Each carries `is_colleague` for the "colleague" marker.

    Relevance uses PostgreSQL full-text ranking (name and skills weigh most, then headline, then
    bio); without a query, or on SQLite, "relevance" falls back to the best rated.
    """
    filters = filters or MentorFilters()
    # No prefetch: the views give a page its tags with mentor_cards().
    qs = _colleague_flag(_apply_filters(listed_mentors(viewer=viewer).prefetch_related(None), filters), viewer)
    if filters.colleagues:
        # Anonymous visitors have no colleagues: the filter then lists nobody.
        qs = qs.filter(is_colleague=True)
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
        # Nobody free within the horizon goes last; equal times by rating.
        "earliest": [F("next_free_at").asc(nulls_last=True), "-rating_bayes"],
    }.get(filters.sort)
    if order is None:
        # Mentors with no free time in the next DIRECTORY_FREE_SOON_DAYS sink (free_soon, kept by
        # the free-times read model); exact name matches come first for a text query.
        if has_rank:
            order = ["-exact_name", "-rank", "-fuzzy", "-free_soon", "-rating_bayes"]
        elif query:
            order = ["-exact_name", "-free_soon", "-rating_bayes", "-years_experience"]
        else:
            order = ["-free_soon", "-rating_bayes", "-years_experience"]
    # The user id breaks ties so pages never repeat or skip a mentor. Only the columns a card or
    # the API shows: the search document and the users' passwords and settings stay out of the sort.
    return qs.order_by(*order, "user_id").only(*DIRECTORY_FIELDS)


# What a directory card or GET /api/v1/mentors/ reads of a mentor (see mentors_search).
DIRECTORY_FIELDS = (
    "slug", "headline", "bio", "photo", "years_experience", "offers_15", "offers_30", "offers_45", "offers_60",
    "call_method", "accepting_bookings", "is_listed", "rating_count", "rating_sum", "rating_bayes", "created_at",
    "visibility", "user__name", "user__email", "user__timezone",
    "next_free_at", "response_median_minutes", "badges",
)


def _vocabulary() -> dict[str, str]:
    """{lower-case word: as written} of every skill, industry and language name, from the cached
    filter choices (no query while the cache holds them)."""
    choices = directory_filter_choices()
    return _vocabulary_of(tuple(label for name in ("skill", "industry", "language") for _, label in choices[name]))


@lru_cache(maxsize=4)
def _vocabulary_of(labels: tuple[str, ...]) -> dict[str, str]:
    vocabulary: dict[str, str] = {}
    for label in labels:
        for word in re.findall(r"[^\W_]+", label):
            vocabulary.setdefault(word.lower(), word)
    return vocabulary


def _known_words() -> dict[str, str]:
    return _vocabulary()


def search_suggestion(query: str) -> str | None:
    """"Did you mean ...": the query with each word that is no known term replaced by the closest
    skill, industry or language name, or None when nothing is close (or nothing changed). Reads
    the cached filter choices, so it costs no query; asked only when a search found nobody."""
    return _corrected(query, _vocabulary())


_FILTER_CHOICES_KEY = "accounts:directory-filter-choices:v1"
# A backstop only: saving or deleting a term clears the key at once (signals below); bulk writes,
# which send no signals, show up within this long.
_FILTER_CHOICES_SECONDS = 300


def directory_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The directory's skill, industry and language options, {field: [(value, label)]}.

    Cached (three queries and ~250 rows per page view otherwise); the form still validates a
    submitted value against the database, so a stale list can only miss a brand-new term.
    """
    choices = cache.get(_FILTER_CHOICES_KEY)
    if choices is None:
        choices = {
            "skill": list(Skill.objects.order_by("name").values_list("slug", "name")),
            "industry": list(Industry.objects.order_by("name").values_list("slug", "name")),
            "language": list(Language.objects.order_by("name").values_list("code", "name")),
        }
        cache.set(_FILTER_CHOICES_KEY, choices, _FILTER_CHOICES_SECONDS)
    return choices


_FILTER_CHOICES_VERSION_KEY = "accounts:directory-filter-choices:version"


def directory_filter_choices_version() -> str:
    """A token that changes whenever the options do (with the same backstop): the directory page
    keys its rendered filter fields on it, so a new term shows up on the next page everywhere."""
    version = cache.get(_FILTER_CHOICES_VERSION_KEY)
    if version is None:
        cache.add(_FILTER_CHOICES_VERSION_KEY, uuid.uuid4().hex, _FILTER_CHOICES_SECONDS)
        version = cache.get(_FILTER_CHOICES_VERSION_KEY) or "uncached"
    return version


def directory_filter_choices_changed(**kwargs) -> None:
    cache.delete_many([_FILTER_CHOICES_KEY, _FILTER_CHOICES_VERSION_KEY])


def connect_signals() -> None:
    """Called from AccountsConfig.ready(), so every process that writes terms (web, worker) clears it."""
    for model in (Skill, Industry, Language):
        for signal in (post_save, post_delete):
            signal.connect(directory_filter_choices_changed, sender=model,
                           dispatch_uid=f"directory-choices-{model.__name__}-{signal is post_save}")


def blocked_by(*, blocker_id: int, user) -> bool:
    """Whether `blocker_id` blocked this user (anonymous visitors are never blocked)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=user.pk).exists()


def block_between(*, a_id: int, b_id: int) -> Block | None:
    """A block either way between two people (the one that stands), else None."""
    return (Block.objects.filter(Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id))
            .order_by("created_at").first())


def blocks_made(*, user) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")
