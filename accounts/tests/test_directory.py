"""accounts.directory runs mentors_search's queryset with SQL compiled once per shape: every page it
reads must be the page Django's Paginator reads from the queryset itself, for each kind of viewer,
sort and query, however many requests reused the compiled SQL before it."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db.models import DateTimeField, Value
from django.db.models.signals import post_init
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import directory
from accounts.directory import DirectoryPaginator, DirectoryRows
from accounts.models import MentorProfile
from accounts.search import mentor_search_refresh
from accounts.selectors import SORTS, MentorFilters, mentor_cards, mentors_search
from tests.factories import MembershipFactory, MenteeFactory, MentorFactory, OrganisationFactory, SkillFactory

pytestmark = pytest.mark.django_db

QUERIES = ["", "python", "Ana Back", "-payments python", "Will", "nobody-matches-this"]


@pytest.fixture
def people(db):
    python = SkillFactory(name="Python", synonyms="py")
    acme, globex = OrganisationFactory(name="Acme"), OrganisationFactory(name="Globex")
    mentors = [MentorFactory(name=name, profile__years_experience=years, profile__headline=headline)
               for name, years, headline in [("Ana Backend", 15, "Payments engineer"), ("Will Oduya", 3, "Python"),
                                             ("Ben Frontend", 5, "UI engineer"), ("Cleo Coach", 25, "Python coach")]]
    internal = {org: MentorFactory(name=f"Iris {org.name}", profile__visibility="internal",
                                   profile__headline="Python platform") for org in (acme, globex)}
    for mentor in [*mentors, *internal.values()]:
        mentor.mentor_profile.skills.add(python)
    MentorProfile.objects.filter(user=mentors[2]).update(rating_count=3, rating_sum=12, rating_bayes=4.1)
    members = {org: MenteeFactory(name=f"Member of {org.name}") for org in (acme, globex)}
    for org in (acme, globex):
        MembershipFactory(organisation=org, user=internal[org])
        MembershipFactory(organisation=org, user=members[org])
    mentor_search_refresh()
    return {"acme": members[acme], "globex": members[globex], "iris_acme": internal[acme],
            "iris_globex": internal[globex]}


def _orm_page(*, query, sort, viewer, number, per_page):
    paginator = Paginator(mentors_search(query=query, filters=MentorFilters(sort=sort), viewer=viewer), per_page)
    page = paginator.page(number)
    return paginator.count, [(p.pk, p.user.name, p.is_colleague) for p in page.object_list]


def _compiled_page(*, query, sort, viewer, number, per_page):
    paginator = DirectoryPaginator(DirectoryRows(query=query, filters=MentorFilters(sort=sort), viewer=viewer),
                                   per_page)
    page = paginator.page(number)
    return paginator.count, [(p.pk, p.user.name, p.is_colleague) for p in page.object_list]


@pytest.mark.postgres
def test_compiled_pages_are_the_querysets_pages_for_every_viewer_sort_and_query(people, staff):
    viewers = [None, people["acme"], people["globex"], staff]
    # Twice over, so the second pass reads every shape from the cache with other values in it.
    for _ in range(2):
        for viewer in viewers:
            for sort in [s for s in SORTS if s != "match"]:
                for query in QUERIES:
                    for number, per_page in [(1, 2), (2, 2), (1, 20)]:
                        args = {"query": query, "sort": sort, "viewer": viewer, "number": number,
                                "per_page": per_page}
                        if number > 1 and _orm_page(**{**args, "number": 1})[0] <= per_page:
                            continue
                        assert _compiled_page(**args) == _orm_page(**args), args


@pytest.mark.postgres
def test_each_member_sees_their_own_internal_mentor_through_the_shared_sql(people):
    def names(viewer):
        return [name for _, name, _ in _compiled_page(query="python", sort="relevance", viewer=viewer, number=1,
                                                      per_page=20)[1]]

    assert "Iris Acme" in names(people["acme"]) and "Iris Globex" not in names(people["acme"])
    assert "Iris Globex" in names(people["globex"]) and "Iris Acme" not in names(people["globex"])
    assert not {"Iris Acme", "Iris Globex"} & set(names(None))
    flags = {name: colleague for _, name, colleague in
             _compiled_page(query="", sort="rating", viewer=people["acme"], number=1, per_page=20)[1]}
    assert flags["Iris Acme"] is True and flags["Ana Backend"] is False


@pytest.mark.postgres
def test_a_search_counts_with_its_page_and_a_page_past_the_end_still_counts(people, django_assert_num_queries):
    rows = DirectoryRows(query="python", filters=None, viewer=None)
    with django_assert_num_queries(1):
        page = DirectoryPaginator(rows, 2).page(1)
    assert page.paginator.count == 4 and len(page.object_list) == 2  # the internal mentors are not listed
    with django_assert_num_queries(3):  # the empty page, the count, then the last page
        page = DirectoryPaginator(DirectoryRows(query="python", filters=None, viewer=None), 3).get_page(9)
    assert page.number == 2 and len(page.object_list) == 1


def test_filters_other_than_the_sort_are_compiled_per_request_and_agree(people):
    python_filters = MentorFilters(sort="experience", min_rating=4)
    rows = DirectoryRows(query="", filters=python_filters, viewer=None)
    assert [p.pk for p in rows.fetch(0, 20)] == [p.pk for p in mentors_search(filters=python_filters)[:20]]
    assert rows.count() == 1


@pytest.mark.postgres
def test_a_shape_that_reads_a_moving_value_is_never_reused(people, monkeypatch):
    original = directory.mentors_search

    def with_the_clock(**kwargs):
        return original(**kwargs).annotate(asked_at=Value(timezone.now(), output_field=DateTimeField()))

    monkeypatch.setattr(directory, "mentors_search", with_the_clock)
    directory._compiled_shape.cache_clear()
    try:
        assert directory._compiled_shape("default", "anonymous", "rating", True, True) is None
        first = DirectoryRows(query="python", filters=MentorFilters(sort="rating"), viewer=None).fetch(0, 20)
        second = DirectoryRows(query="python", filters=MentorFilters(sort="rating"), viewer=None).fetch(0, 20)
        assert first[0].asked_at < second[0].asked_at
    finally:
        directory._compiled_shape.cache_clear()


def test_fast_instances_equal_the_orms_and_init_signals_get_the_orms_own(people):
    rows = DirectoryRows(query="", filters=MentorFilters(sort="rating"), viewer=None)
    fast = rows.fetch(0, 20)
    slow = list(mentors_search(filters=MentorFilters(sort="rating"))[:20])

    def state(profile):
        plain = {k: v for k, v in vars(profile).items() if k != "_state"}
        user = {k: v for k, v in vars(profile.user).items() if k != "_state"}
        return plain, user, profile._state.adding, profile._state.db, profile.get_deferred_fields()

    assert [state(p) for p in fast] == [state(p) for p in slow]
    assert fast[0].user.mentor_profile is fast[0]  # the reverse side is set, as select_related sets it
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=MentorProfile)
    directory._maker.cache_clear()
    try:
        rows = DirectoryRows(query="", filters=MentorFilters(sort="rating"), viewer=None)
        assert len(rows.fetch(0, 3)) == 3 and len(seen) == 3
    finally:
        post_init.disconnect(receiver, sender=MentorProfile)
        directory._maker.cache_clear()


def test_mentor_card_shows_rating_experience_lengths_skills_and_languages(people):
    profile = MentorProfile.objects.get(user__name="Ben Frontend")
    MentorProfile.objects.filter(pk=profile.pk).update(rating_count=1, rating_sum=4, years_experience=1,
                                                       accepting_bookings=False, offers_60=True)
    profile = mentor_cards([MentorProfile.objects.select_related("user").get(pk=profile.pk)], industries=False)[0]
    profile.language_list = [{"code": "fr", "name": "French"}, {"code": "de", "name": "German & <Swiss>"}]
    html = render_to_string("accounts/_mentor_card.html", {"profile": profile})
    assert f'<a href="/mentors/{profile.slug}/">Ben Frontend</a>' in html
    assert '<span class="avatar" aria-hidden="true">B</span>' in html
    assert "★ 4.0 (1 review)" in html and "· 1 yr experience" in html and "· 30/60 min" in html
    assert "Not taking bookings" in html and '<li class="badge">Python</li>' in html
    assert "Speaks French, German &amp; &lt;Swiss&gt;" in html


def test_kept_filter_fields_follow_the_viewer_the_values_and_a_new_term(people, client):
    from django.test import Client

    mentee = Client()
    mentee.force_login(people["acme"])  # a mentee and a member of Acme: match sort and colleagues
    anonymous = client.get("/mentors/?q=python&sort=rating").content.decode()
    member = mentee.get("/mentors/?q=python&sort=rating").content.decode()
    assert '<option value="match">' not in anonymous and 'name="colleagues"' not in anonymous
    assert '<option value="match">' in member and 'name="colleagues"' in member
    assert '<option value="rating" selected>' in anonymous and 'value="python"' in anonymous
    refused = client.get("/mentors/?q=python&sort=random").content.decode()
    assert "Sort by one of" in refused and "Sort by one of" not in client.get("/mentors/?q=python").content.decode()
    SkillFactory(name="Oceanography")  # saving a term gives the options a new version
    assert 'value="oceanography"' in client.get("/mentors/?q=python&sort=rating").content.decode()
