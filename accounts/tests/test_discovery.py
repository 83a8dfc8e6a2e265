"""Discovery by availability (issue 14): the directory's free-time filters in the viewer's zone,
"earliest free" order, mentors with no free time sinking, the next free time and the response
signal on cards, typo-tolerant search and "did you mean", on the page and the API alike."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.free_times import FreeWhen, free_windows
from accounts.models import MentorProfile
from accounts.search import mentor_search_refresh
from accounts.selectors import MentorFilters, mentors_search
from sessions.services.free_times import mentors_free_times_refresh
from sessions.tests.test_bookings_support import set_policy
from tests.factories import MentorFactory, SkillFactory

pytestmark = pytest.mark.django_db

MENTORS = "/api/v1/mentors/"
THURSDAY, FRIDAY = 3, 4


def _mentor(name: str, zone: str = "Europe/Berlin", *, days=range(7), start=time(9), end=time(12), notice=0,
            rating: float = 0.0, **profile):
    mentor = MentorFactory(name=name, timezone=zone, **{f"profile__{k}": v for k, v in profile.items()})
    if days:
        from sessions.models import AvailabilityRule

        AvailabilityRule.objects.bulk_create(AvailabilityRule(mentor=mentor, weekday=d, start_time=start, end_time=end)
                                             for d in days)
    set_policy(mentor, min_notice_hours=notice, slot_granularity_minutes=30)
    if rating:
        MentorProfile.objects.filter(pk=mentor.pk).update(rating_count=5, rating_sum=int(rating * 5),
                                                          rating_bayes=rating)
    return mentor


def _refresh(*mentors):
    mentors_free_times_refresh(mentor_ids=[m.pk for m in mentors])
    mentor_search_refresh(mentor_ids=[m.pk for m in mentors])


def _page_names(client, query: str) -> list[str]:
    html = client.get("/mentors/" + query).content.decode()
    return re.findall(r'<h3><a href="/mentors/[^"]+/">([^<]+)</a>', html)


def _api_names(client, params) -> list[str]:
    response = client.get(MENTORS, params)
    assert response.status_code == 200, response.content
    return [m["name"] for m in response.json()["results"]]


# --- windows in the viewer's zone ---------------------------------------------------------------

def test_thursday_friday_mornings_are_one_window_per_day_in_the_viewers_zone_across_dst():
    """Berlin leaves CET (UTC+1) for CEST (UTC+2) on 28 March 2027: 09:00-12:00 stays 09:00-12:00
    there, so in UTC the windows move an hour earlier after the change."""
    now = datetime(2027, 3, 24, 6, 0, tzinfo=UTC)  # a Wednesday
    when = FreeWhen(zone="Europe/Berlin", weekdays=(THURSDAY, FRIDAY), from_time=time(9), to_time=time(12))
    windows = free_windows(when, now=now)
    hours = [(start.date(), start.astimezone(UTC).hour, end.astimezone(UTC).hour) for start, end in windows][:4]
    assert hours == [(date(2027, 3, 25), 8, 11), (date(2027, 3, 26), 8, 11),
                     (date(2027, 4, 1), 7, 10), (date(2027, 4, 2), 7, 10)]


def test_windows_are_clipped_to_now_and_the_days_asked():
    now = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)  # Thursday 10:30 in Berlin
    when = FreeWhen(zone="Europe/Berlin", within_days=1, from_time=time(9), to_time=time(12))
    # The next 24 hours: the rest of this morning, and tomorrow's morning up to this time of day.
    assert free_windows(when, now=now) == [(now, datetime(2026, 11, 5, 11, 0, tzinfo=UTC)),
                                           (datetime(2026, 11, 6, 8, 0, tzinfo=UTC), now + timedelta(days=1))]
    dates = FreeWhen(zone="Europe/Berlin", first_day=date(2026, 11, 7), last_day=date(2026, 11, 8))
    assert free_windows(dates, now=now) == [
        (datetime(2026, 11, 6, 23, 0, tzinfo=UTC), datetime(2026, 11, 7, 23, 0, tzinfo=UTC)),
        (datetime(2026, 11, 7, 23, 0, tzinfo=UTC), datetime(2026, 11, 8, 23, 0, tzinfo=UTC))]


def test_a_run_matches_a_window_only_when_a_whole_session_fits_in_it(db):
    from accounts.free_times import free_in_windows_q
    from accounts.models import MentorFreeTime

    mentor = MentorFactory()
    at = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    half = timedelta(minutes=30)
    # Free starts 09:00, 09:15, 09:30 for 30 minutes: free 09:00-10:00.
    MentorFreeTime.objects.create(mentor_id=mentor.pk, start=at, first_end=at + half,
                                  last_start=at + half, end=at + 2 * half)
    run = MentorFreeTime.objects.filter(mentor_id=mentor.pk)

    def fits(start_minute, end_minute):
        window = (at + timedelta(minutes=start_minute), at + timedelta(minutes=end_minute))
        return run.filter(free_in_windows_q([window])).exists()

    assert fits(0, 30) and fits(30, 60) and fits(-60, 120)
    assert not fits(45, 120)  # the last start is 09:30: nothing starts at or after 09:45
    assert not fits(-60, 20)  # the first session ends 09:30, after the window
    assert not run.filter(free_in_windows_q([])).exists()


def test_time_of_day_filter_follows_the_viewers_dst_change(client, frozen_now):
    """A mentor free 07:00-08:00 UTC every day is 08:00-09:00 in Berlin in winter and 09:00-10:00
    in summer: "09:00-10:00 my time" finds them only after the change. A fixed offset would be
    wrong on one side."""
    frozen_now.move_to(datetime(2027, 3, 24, 6, 0, tzinfo=UTC))
    early = _mentor("Uma Utc", "UTC", start=time(7), end=time(8))
    _refresh(early)
    base = {"time_from": "09:00", "time_to": "10:00", "tz": "Europe/Berlin"}
    before = {**base, "free_from": "2027-03-25", "free_to": "2027-03-27"}
    after = {**base, "free_from": "2027-03-29", "free_to": "2027-03-31"}
    assert _api_names(client, before) == []
    assert _api_names(client, after) == ["Uma Utc"]
    assert _page_names(client, "?time_from=09:00&time_to=10:00&tz=Europe/Berlin&free_from=2027-03-29&free_to=2027-03-31") \
        == ["Uma Utc"]


# --- filters and orders -------------------------------------------------------------------------

@pytest.fixture
def week(db):
    """Now is Monday 2 November 2026, 06:00 UTC. A viewer in New York is 6 hours behind Berlin."""
    thursday_afternoon = _mentor("Theo Thursday", days=[THURSDAY], start=time(15), end=time(18))  # 09-12 NY
    thursday_morning = _mentor("Mia Morning", days=[THURSDAY], start=time(9), end=time(12))  # 03-06 NY
    monday = _mentor("Mo Monday", days=[0], start=time(15), end=time(17), rating=4.9)
    later = _mentor("Lea Later", notice=24 * 10, rating=4.8)  # nothing in the next 10 days
    never = _mentor("Nia Never", days=[], rating=5.0)
    _refresh(thursday_afternoon, thursday_morning, monday, later, never)
    return {"theo": thursday_afternoon, "mia": thursday_morning, "mo": monday, "lea": later, "nia": never}


def test_free_in_the_next_days(client, week):
    this_week = _api_names(client, {"free_within": 7})
    assert sorted(this_week) == ["Mia Morning", "Mo Monday", "Theo Thursday"]
    assert sorted(_api_names(client, {"free_within": 14})) == ["Lea Later", "Mia Morning", "Mo Monday", "Theo Thursday"]


def test_thursday_friday_mornings_in_my_zone(client, week):
    params = {"days": [THURSDAY, FRIDAY], "time_from": "09:00", "time_to": "12:00", "tz": "America/New_York"}
    assert _api_names(client, params) == ["Theo Thursday"]
    # In Berlin the same words mean Mia's Thursday mornings and Lea's mornings from the 12th on.
    assert _api_names(client, {**params, "tz": "Europe/Berlin"}) == ["Lea Later", "Mia Morning"]


def test_a_date_range(client, week):
    # Thursday 5 November only: the two Thursday mentors (Lea's notice keeps her out until the 12th).
    assert sorted(_api_names(client, {"free_from": "2026-11-05", "free_to": "2026-11-05"})) == [
        "Mia Morning", "Theo Thursday"]
    assert "Lea Later" in _api_names(client, {"free_from": "2026-11-13", "free_to": "2026-11-14"})


def test_earliest_free_first_and_nobody_free_last(client, week):
    names = _api_names(client, {"sort": "earliest"})
    assert names == ["Mo Monday", "Mia Morning", "Theo Thursday", "Lea Later", "Nia Never"]


def test_mentors_with_no_free_time_soon_sink_in_the_default_order(client, week):
    # Nia (5.0) and Lea (4.8, free in 10 days: within the 14 of "soon") against Mo (4.9).
    names = _api_names(client, {})
    assert names[-1] == "Nia Never" and names.index("Mo Monday") < names.index("Lea Later")
    MentorProfile.objects.filter(pk=week["nia"].pk).update(free_soon=True)
    assert _api_names(client, {})[0] == "Nia Never"  # it is the flag that sinks her, not the rating


def test_a_mentor_not_taking_bookings_is_not_free(client, week):
    MentorProfile.objects.filter(pk=week["mo"].pk).update(accepting_bookings=False)
    assert "Mo Monday" not in _api_names(client, {"free_within": 7})


@pytest.mark.parametrize("query", [
    "?free_within=7", "?free_within=7&sort=earliest", "?days=3&days=4&time_from=09:00&time_to=12:00",
    "?free_from=2026-11-05&free_to=2026-11-06", "?sort=earliest", "",
])
def test_page_and_api_agree(client, week, query):
    api = client.get(MENTORS + query).json()
    page = _page_names(client, query)
    assert page == [m["name"] for m in api["results"]][:12]
    assert f"{api['count']} mentor" in client.get("/mentors/" + query).content.decode()


FILTERS = ["?free_within=7", "?free_within=3&sort=earliest", "?days=3&days=4&time_from=09:00&time_to=12:00",
           "?free_from=2026-11-05&free_to=2026-11-12&tz=America/New_York", "?sort=earliest",
           "?free_within=14&days=0&time_from=14:00"]


@pytest.mark.parametrize("query", FILTERS)
def test_each_availability_filter_costs_the_same_queries_on_the_page(client, week, query, django_assert_num_queries):
    client.get("/mentors/" + query)  # warms the filter options' cache
    with django_assert_num_queries(3):  # count, page, the cards' tags
        assert client.get("/mentors/" + query).status_code == 200
    for i in range(10):
        _refresh(_mentor(f"Extra {i}"))
    client.get("/mentors/" + query)  # new terms from the factories clear the options' cache
    with django_assert_num_queries(3):
        client.get("/mentors/" + query)


@pytest.mark.parametrize("query", FILTERS)
def test_each_availability_filter_costs_the_same_queries_on_the_api(client, week, query, django_assert_num_queries):
    with django_assert_num_queries(3):  # count, page, the page's tags
        assert client.get(MENTORS + query).status_code == 200
    for i in range(10):
        _refresh(_mentor(f"Extra {i}"))
    with django_assert_num_queries(3):
        client.get(MENTORS + query)


@pytest.mark.parametrize("params, field", [
    ({"time_from": "12:00", "time_to": "09:00"}, "time_to"),
    ({"free_from": "2026-11-10", "free_to": "2026-11-05"}, "free_to"),
    ({"free_to": "2027-06-01"}, "free_to"),
    ({"days": ["9"]}, "days"),
    ({"tz": "Mars/Olympus"}, "tz"),
    ({"free_within": "5"}, "free_within"),
])
def test_bad_availability_filters_are_refused_with_a_reason(client, week, params, field):
    response = client.get(MENTORS, params)
    assert response.status_code == 400 and field in response.json()["errors"]


# --- cards --------------------------------------------------------------------------------------

def test_cards_show_the_next_free_time_in_the_viewers_zone_and_the_response_signal(client, week):
    MentorProfile.objects.filter(pk=week["mo"].pk).update(response_median_minutes=24 * 60)
    MentorProfile.objects.filter(pk=week["theo"].pk).update(response_median_minutes=24 * 60 + 1)
    client.cookies["tz"] = "America/New_York"
    html = client.get("/mentors/?sort=earliest").content.decode()
    mo = html[html.index("Mo Monday"):html.index("Mia Morning")]
    # Monday 15:00 Berlin is 09:00 in New York, named.
    assert "Next free: " in mo and "Mon 2 Nov 2026, 09:00 EST (America/New_York)" in mo
    assert "Responds within a day" in mo
    theo = html[html.index("Theo Thursday"):html.index("Lea Later")]
    assert "Thu 5 Nov 2026, 09:00 EST (America/New_York)" in theo and "Responds within a day" not in theo
    nia = html[html.index("Nia Never"):]
    assert "No free time in the coming weeks" in nia
    api = {m["name"]: m for m in client.get(MENTORS, {"sort": "earliest"}).json()["results"]}
    assert api["Mo Monday"]["next_free_at"] == "2026-11-02T09:00:00-05:00"
    assert api["Mo Monday"]["responds_within_a_day"] is True and api["Theo Thursday"]["responds_within_a_day"] is False
    assert api["Nia Never"]["next_free_at"] is None


# --- typo-tolerant search and did you mean --------------------------------------------------------

@pytest.fixture
def people(db):
    python = SkillFactory(name="Python", synonyms="py")
    SkillFactory(name="Kubernetes")  # a known term that no listed mentor has
    lena = _mentor("Lena Fischer", rating=3.0)
    olena = _mentor("Olena Kovalenko", rating=4.9)
    olena.mentor_profile.skills.add(python)
    _refresh(lena, olena)
    return {"lena": lena, "olena": olena}


@pytest.mark.postgres
def test_a_misspelt_skill_finds_its_mentors(client, people):
    assert _api_names(client, {"q": "pyhton"}) == ["Olena Kovalenko"]
    assert _page_names(client, "?q=pyhton") == ["Olena Kovalenko"]


@pytest.mark.postgres
def test_an_exact_name_comes_first(client, people):
    assert _api_names(client, {"q": "lena"}) == ["Lena Fischer", "Olena Kovalenko"]
    assert _page_names(client, "?q=lena") == ["Lena Fischer", "Olena Kovalenko"]


@pytest.mark.postgres
def test_an_exact_name_beats_a_better_text_match(client, people):
    """Olena's profile says "lena" more (a skill of that name weighs like a name), so full-text rank
    alone would put her first; the exact name still comes first."""
    from accounts.models import User

    olena = people["olena"]
    User.objects.filter(pk=olena.pk).update(name="Olena Lena Kovalenko")
    olena.mentor_profile.skills.add(SkillFactory(name="Lena method"))
    MentorProfile.objects.filter(pk=olena.pk).update(headline="Lena method coach: Lena, Lena, Lena")
    _refresh(olena)
    assert _api_names(client, {"q": "lena"}) == ["Lena Fischer", "Olena Lena Kovalenko"]


@pytest.mark.postgres
def test_a_known_word_is_not_widened_to_its_neighbours(client, people):
    pytorch = _mentor("Pat Torch")
    pytorch.mentor_profile.skills.add(SkillFactory(name="PyTorch"))
    _refresh(pytorch)
    assert _api_names(client, {"q": "python"}) == ["Olena Kovalenko"]


def test_did_you_mean_when_nothing_matches(client, people):
    body = client.get(MENTORS, {"q": "kubernetis"}).json()
    assert body["count"] == 0 and body["did_you_mean"] == "Kubernetes"
    assert client.get(MENTORS, {"q": "lena"}).json()["did_you_mean"] is None
    assert client.get(MENTORS, {"q": "qqqqzzzz"}).json()["did_you_mean"] is None
    html = client.get("/mentors/?q=kubernetis&sort=rating").content.decode()
    assert 'Did you mean <a href="?q=Kubernetes&amp;sort=rating">Kubernetes</a>?' in html


@pytest.mark.postgres
def test_trigram_search_uses_its_index(people):
    from accounts.models import User

    first = ["Amara", "Kwame", "Priya", "Mateo", "Giulia", "Noah", "Erik", "Camille", "Arjun", "Sophie"]
    last = ["Okafor", "Silva", "Zhang", "Dubois", "Romano", "Park", "Sharma", "Ahmed", "Rahman", "Hoffmann"]
    users = User.objects.bulk_create([User(email=f"crowd{i}@example.com", name=f"{first[i % 10]} {last[i // 10 % 10]}",
                                           is_mentor=True) for i in range(2000)])
    MentorProfile.objects.bulk_create([MentorProfile(user=u, slug=f"crowd-{u.pk}", headline="Gardening")
                                       for u in users])
    mentor_search_refresh()
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('mentor_search_trgm')")
        cursor.execute("ANALYZE accounts_mentorprofile")
        # Small tables: price out reading every row, in order or not, as _plan does for the GIN test.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    # The name arm of the search as the directory writes it (with the connection's threshold); at
    # 10,000 mentors the whole search is a BitmapOr of this and the full-text index (bench/discovery.py
    # checks that plan on the full-scale database, where the planner's estimates are real).
    name_arm = MentorProfile.objects.filter(search_text__trigram_strict_word_similar="lena").values("pk")
    plan = name_arm.explain()
    assert "mentor_search_trgm" in plan, plan
    assert [p.user.name for p in mentors_search(query="lena")] == ["Lena Fischer", "Olena Kovalenko"]


def test_search_and_free_filters_combine_in_one_query(people, frozen_now):
    from accounts.selectors import directory_filter_choices

    directory_filter_choices()  # the known words come from the filter options' cache
    with CaptureQueriesContext(connection) as ctx:
        names = [p.user.name for p in mentors_search(query="Lena", filters=MentorFilters(
            free=FreeWhen(zone="Europe/Berlin", within_days=7)))]
    assert "Lena Fischer" in names and len(ctx.captured_queries) == 1
