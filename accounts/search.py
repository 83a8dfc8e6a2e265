"""The mentor search document (PostgreSQL full-text search), in one place.

Name and skills weigh most (A), then headline and skill synonyms (B), then the bio (C), so a
mentor who lists "Python" ranks above one who mentions it once in a long bio. Skill synonyms are
part of the document, so "JS" finds a JavaScript mentor. The name is in it twice: stemmed
('english', for ranking with the rest) and as typed ('simple': no stemming, no stop words), so
the directory's name match ("Will", "Ana Back") is a prefix query on this same GIN-indexed
document instead of a LIKE on the users table that no index can serve (see
accounts.selectors.mentor_text_match).

The document is stored on MentorProfile.search_vector (GIN index `mentor_search_gin`) by the
accounts services whenever a profile, its skills or its owner's name change: computing it per row
at query time cost ~1.4 s per directory search over 2,000 mentors, reading it costs milliseconds.
Migration 0006 filled every existing row. The directory reads only the stored document, so code
that writes mentors around the services (raw SQL, bulk loads, test fixtures) must call
mentor_search_refresh() for them afterwards, or text search does not find them (they are still
listed).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Lower

from accounts.models import MentorProfile, User

CONFIG = "english"
NAME_CONFIG = "simple"  # the name as typed, for prefix matching


def _text(subquery) -> Coalesce:
    return Coalesce(Subquery(subquery), Value(""), output_field=TextField())


def search_document():
    """A SearchVector expression for the MentorProfile row in scope (subqueries only, so it also
    works inside UPDATE, where joins are not allowed)."""

    through = MentorProfile.skills.through
    per_mentor = through.objects.filter(mentorprofile_id=OuterRef("pk")).values("mentorprofile_id")
    name = User.objects.filter(pk=OuterRef("pk")).values("name")[:1]
    skill_names = per_mentor.annotate(text=StringAgg("skill__name", delimiter=" ")).values("text")[:1]
    skill_synonyms = per_mentor.annotate(text=StringAgg("skill__synonyms", delimiter=" ")).values("text")[:1]
    return (
        SearchVector(_text(name), weight="A", config=CONFIG)
        + SearchVector(_text(name), weight="A", config=NAME_CONFIG)
        + SearchVector(_text(skill_names), weight="A", config=CONFIG)
        + SearchVector("headline", weight="B", config=CONFIG)
        + SearchVector(_text(skill_synonyms), weight="B", config=CONFIG)
        + SearchVector("bio", weight="C", config=CONFIG)
    )


def search_text():
    """The lower-case name of the MentorProfile row in scope: what typo-tolerant trigram search
    compares a query word with (accounts.selectors.mentor_text_match). Names only: a trigram
    comparison per row is costly, and short texts keep it cheap; typos in skills are corrected
    against the known vocabulary instead."""
    name = User.objects.filter(pk=OuterRef("pk")).values("name")[:1]
    return Lower(_text(name))


def mentor_search_refresh(*, mentor_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored search document of these mentors (all when None). No-op off PostgreSQL."""
    if not settings.IS_POSTGRES:
        return 0

    qs = MentorProfile.objects.all()
    if mentor_ids is not None:
        qs = qs.filter(pk__in=list(mentor_ids))
    return qs.update(search_vector=search_document(), search_text=search_text())
