"""The directory query: who is listed, filters, sorting and text search (ranked on PostgreSQL)."""

from __future__ import annotations

import pytest

from accounts import services
from accounts.models import Industry, Language, MentorProfile, Skill
from accounts.search import mentor_search_refresh
from accounts.selectors import MentorFilters, mentor_for_page, mentors_search
from tests.factories import IndustryFactory, MentorFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _names(qs) -> list[str]:
    return [p.user.name for p in qs]


@pytest.fixture
def directory(db):
    python = SkillFactory(name="Python", synonyms="py")
    js = SkillFactory(name="JavaScript", synonyms="JS, ECMAScript")
    fintech = IndustryFactory(name="Fintech")
    ana = MentorFactory(name="Ana Backend", profile__headline="Payments engineer", profile__bio="Ledgers and APIs.",
                        profile__years_experience=15, profile__offers_15=True)
    ana.mentor_profile.skills.add(python)
    ana.mentor_profile.industries.add(fintech)
    ana.mentor_profile.languages.add("es")
    ben = MentorFactory(name="Ben Frontend", profile__headline="UI engineer", profile__bio="React all day.",
                        profile__years_experience=5)
    ben.mentor_profile.skills.add(js)
    cleo = MentorFactory(name="Cleo Coach", profile__headline="Career coach",
                         profile__bio="I once wrote some Python scripts.", profile__years_experience=25)
    MentorProfile.objects.filter(user=cleo).update(rating_count=10, rating_sum=48, rating_bayes=4.6)
    MentorProfile.objects.filter(user=ben).update(rating_count=3, rating_sum=12, rating_bayes=4.1)
    hidden = MentorFactory(name="Hidden Python Person", profile__is_listed=False)
    hidden.mentor_profile.skills.add(python)
    # The factories write around the services, which keep the stored search document.
    mentor_search_refresh()
    return {"ana": ana, "ben": ben, "cleo": cleo, "hidden": hidden, "python": python, "fintech": fintech}


def test_unlisted_inactive_and_former_mentors_are_not_in_the_directory(directory):
    MentorFactory(name="Gone", is_active=False)
    former = MentorFactory(name="Former")
    services.user_set_roles(user=former, is_mentor=False, is_mentee=True)
    assert sorted(_names(mentors_search())) == ["Ana Backend", "Ben Frontend", "Cleo Coach"]


def test_filters_by_skill_industry_language_length_and_rating(directory):
    assert _names(mentors_search(filters=MentorFilters(skill=directory["python"]))) == ["Ana Backend"]
    assert _names(mentors_search(filters=MentorFilters(industry=directory["fintech"]))) == ["Ana Backend"]
    assert _names(mentors_search(filters=MentorFilters(language=Language.objects.get(code="es")))) == ["Ana Backend"]
    assert _names(mentors_search(filters=MentorFilters(length=15))) == ["Ana Backend"]
    assert _names(mentors_search(filters=MentorFilters(min_rating=4.5))) == ["Cleo Coach"]
    assert mentors_search(filters=MentorFilters(skill=directory["python"], length=60)).count() == 1
    assert mentors_search(filters=MentorFilters(skill=directory["python"], min_rating=4)).count() == 0


def test_sorts_by_rating_experience_and_newest(directory):
    assert _names(mentors_search(filters=MentorFilters(sort="rating"))) == ["Cleo Coach", "Ben Frontend", "Ana Backend"]
    assert _names(mentors_search(filters=MentorFilters(sort="experience"))) == [
        "Cleo Coach", "Ana Backend", "Ben Frontend"]
    assert _names(mentors_search(filters=MentorFilters(sort="newest")))[0] == "Cleo Coach"


def test_text_search_matches_name_headline_bio_and_skill_synonyms(directory):
    assert _names(mentors_search(query="payments")) == ["Ana Backend"]
    assert _names(mentors_search(query="Ben")) == ["Ben Frontend"]
    assert _names(mentors_search(query="react")) == ["Ben Frontend"]
    assert _names(mentors_search(query="JS")) == ["Ben Frontend"]  # synonym of JavaScript
    assert set(_names(mentors_search(query="python"))) == {"Ana Backend", "Cleo Coach"}
    assert list(mentors_search(query="kubernetes")) == []


def test_search_does_not_repeat_mentors_with_several_matching_skills(directory):
    ana = directory["ana"]
    ana.mentor_profile.skills.add(SkillFactory(name="Python testing"), SkillFactory(name="Python packaging"))
    mentor_search_refresh(mentor_ids=[ana.pk])
    assert _names(mentors_search(query="python")).count("Ana Backend") == 1


@pytest.mark.postgres
def test_postgres_ranks_skill_and_headline_matches_above_a_passing_mention_in_the_bio(directory):
    # Ana lists Python as a skill; Cleo only mentions it in her bio, and is better rated.
    results = list(mentors_search(query="python"))
    assert _names(results) == ["Ana Backend", "Cleo Coach"]
    assert results[0].rank > results[1].rank


@pytest.mark.postgres
def test_postgres_search_stems_words_and_understands_web_search_syntax(directory):
    assert _names(mentors_search(query="ledger")) == ["Ana Backend"]  # "Ledgers" in the bio
    assert _names(mentors_search(query="engineer -payments")) == ["Ben Frontend"]
    assert _names(mentors_search(query='"career coach"')) == ["Cleo Coach"]


def test_unlisted_profile_is_visible_to_its_owner_and_staff_only(directory, stranger, staff):
    hidden = directory["hidden"]
    slug = hidden.mentor_profile.slug
    assert mentor_for_page(slug=slug, viewer=stranger) is None
    assert mentor_for_page(slug=slug, viewer=hidden) is not None
    assert mentor_for_page(slug=slug, viewer=staff) is not None


def test_taxonomy_models_are_untouched_by_reads(directory):
    before = (Skill.objects.count(), Industry.objects.count())
    list(mentors_search(query="anything at all"))
    assert (Skill.objects.count(), Industry.objects.count()) == before


@pytest.mark.postgres
def test_services_keep_the_stored_search_document_current(mentor, client_for, staff):
    from django.contrib.postgres.search import SearchQuery

    def stored(word):
        return MentorProfile.objects.filter(pk=mentor.pk, search_vector=SearchQuery(word, config="english")).exists()

    services.mentor_profile_update(user=mentor, skills=["Rust"], headline="Systems programmer")
    assert stored("rust") and stored("systems")
    services.user_update(user=mentor, name="Zephyrine Mentor")
    assert stored("zephyrine")
    rust = Skill.objects.get(name="Rust")
    response = client_for(staff).post(f"/admin/accounts/skill/{rust.pk}/change/",
                                      {"name": "Rust", "slug": "rust", "synonyms": "rustlang, ferris"})
    assert response.status_code == 302
    assert stored("ferris")
    assert [p.pk for p in mentors_search(query="ferris")] == [mentor.pk]


def _plan(qs) -> str:
    from django.db import connection

    # Test data is small, so the planner would rightly read the whole table; with sequential scans
    # and sorts priced out it picks an index only where the query can use one.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    return qs.explain()


@pytest.fixture
def crowd(directory):
    """500 more listed mentors, none about Python, so an index that finds the few matches beats
    reading every listed mentor through another index."""
    from django.db import connection

    from accounts.models import User

    users = User.objects.bulk_create([User(email=f"crowd{i}@example.com", name=f"Crowd {i}", is_mentor=True)
                                      for i in range(500)])
    MentorProfile.objects.bulk_create([MentorProfile(user=u, slug=f"crowd-{u.pk}", headline="Gardening",
                                                     has_availability=True, is_complete=True)
                                       for u in users])
    mentor_search_refresh()
    with connection.cursor() as cursor:
        # What autovacuum does on a live database: move the GIN's pending entries into the index
        # proper (the planner prices a long pending list as a scan) and gather statistics.
        cursor.execute("SELECT gin_clean_pending_list('mentor_search_gin')")
        cursor.execute("SELECT gin_clean_pending_list('mentor_search_trgm')")
        cursor.execute("ANALYZE accounts_mentorprofile")
    return directory


@pytest.mark.postgres
def test_postgres_text_search_and_its_count_use_the_gin_index(crowd):
    assert "mentor_search_gin" in _plan(mentors_search(query="python")[:20])
    assert "mentor_search_gin" in _plan(mentors_search(query="Ana Back").order_by())  # the page's count


@pytest.mark.postgres
@pytest.mark.parametrize("sort, index", [("relevance", "mentor_dir_free_default"), ("rating", "mentor_dir_rating"),
                                         ("experience", "mentor_dir_experience"), ("newest", "mentor_dir_newest")])
def test_postgres_directory_orders_read_an_index_instead_of_sorting_every_mentor(directory, sort, index):
    plan = _plan(mentors_search(filters=MentorFilters(sort=sort))[:20])
    assert index in plan and "Sort" not in plan.replace("Incremental Sort", "")


@pytest.mark.postgres
def test_postgres_name_match_finds_a_prefix_and_a_stop_word_name(directory):
    will = MentorFactory(name="Will Oduya")
    mentor_search_refresh(mentor_ids=[will.pk])
    assert _names(mentors_search(query="Ana Back")) == ["Ana Backend"]  # the start of a word in the name
    assert _names(mentors_search(query="Will")) == ["Will Oduya"]  # "will" is an English stop word
    assert _names(mentors_search(query="Oduy -payments")) == ["Will Oduya"]


@pytest.mark.postgres
def test_a_mentor_written_around_the_services_is_listed_and_found_once_refreshed(directory):
    MentorFactory(name="Rowena Raw", profile__headline="Seismology")
    assert "Rowena Raw" in _names(mentors_search())
    assert _names(mentors_search(query="seismology")) == []
    mentor_search_refresh()
    assert _names(mentors_search(query="seismology")) == ["Rowena Raw"]


def test_mentor_cards_give_each_page_size_its_own_mentors_tags(directory):
    """mentor_cards' SQL is compiled once per page size and reused with other ids: each call still
    gets exactly its own mentors' skills, industries and languages, on either database."""
    from accounts.selectors import mentor_cards

    ana, ben, cleo = (MentorProfile.objects.get(pk=directory[k].pk) for k in ("ana", "ben", "cleo"))
    expected = {p.pk: (sorted(t.slug for t in p.skills.all()), sorted(t.slug for t in p.industries.all()),
                       [lang.code for lang in p.languages.order_by("name")]) for p in (ana, ben, cleo)}
    assert expected[ana.pk][:2] == (["python"], ["fintech"]) and "es" in expected[ana.pk][2]
    assert expected[ben.pk][0] == ["javascript"] and expected[cleo.pk][0] == []
    for page in ([ana], [ben], [ana, ben, cleo], [cleo, ben, ana], [ben]):
        for card in mentor_cards([MentorProfile.objects.get(pk=p.pk) for p in page]):
            got = ([s["slug"] for s in card.skill_list], [i["slug"] for i in card.industry_list],
                   [lang["code"] for lang in card.language_list])
            assert got == expected[card.pk], card.user.name
    assert mentor_cards([]) == []
