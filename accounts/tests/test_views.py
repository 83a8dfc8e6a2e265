"""Server-rendered pages: settings, profile editors, directory and public mentor page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import MenteeProfile, MentorProfile
from accounts.tests.conftest import image_upload
from tests.factories import MentorFactory, SkillFactory

pytestmark = pytest.mark.django_db

MENTOR_FORM = {
    "headline": "Staff engineer", "bio": "Ten years of backend work.", "skills": "py, Rust",
    "industries": "Fintech", "languages": ["en", "de"], "years_experience": "10", "session_lengths": ["30", "45"],
    "call_method": "jitsi", "meeting_url": "", "accepting_bookings": "on",
}


@pytest.mark.parametrize("path", ["/me/", "/me/mentor-profile/", "/me/mentee-profile/"])
def test_account_pages_send_anonymous_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_settings_page_saves_name_zone_roles_and_notifications(client_for, mentee):
    client = client_for(mentee)
    page = client.get("/me/")
    assert page.status_code == 200 and 'data-detect-timezone' in page.content.decode()
    response = client.post("/me/", {"name": "Manu", "timezone": "Europe/Lisbon", "is_mentee": "on", "is_mentor": "on",
                                    "remind_24h": "on"})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert (mentee.timezone, mentee.is_mentor, mentee.remind_1h, mentee.email_updates) == (
        "Europe/Lisbon", True, False, False)


def test_settings_page_shows_errors_next_to_fields(client_for, mentee):
    response = client_for(mentee).post("/me/", {"name": "", "timezone": "Mars/Base"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_timezone_error"' in html and 'id="id_name_error"' in html
    assert "Choose at least one role" in html
    mentee.refresh_from_db()
    assert mentee.timezone == "America/New_York"


def test_mentor_edits_profile_with_photo_and_synonym_skills(client_for, mentor):
    SkillFactory(name="Python", synonyms="py")
    client = client_for(mentor)
    assert 'value="Engineering leader"' in client.get("/me/mentor-profile/").content.decode()
    response = client.post("/me/mentor-profile/", {**MENTOR_FORM, "photo": image_upload()})
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = MentorProfile.objects.get(user=mentor)
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Python", "Rust"]
    assert profile.session_lengths == [30, 45] and profile.photo
    page = client.get("/me/mentor-profile/").content.decode()
    assert 'value="Python, Rust"' in page or 'value="Rust, Python"' in page


def test_mentor_profile_form_shows_per_field_errors_and_keeps_the_old_profile(client_for, mentor, settings):
    settings.MAX_PHOTO_BYTES = 1000
    bad = {**MENTOR_FORM, "call_method": "own_link", "meeting_url": "", "session_lengths": [], "languages": ["en"],
           "photo": image_upload(pad_to=5000), "years_experience": "200"}
    response = client_for(mentor).post("/me/mentor-profile/", bad)
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("meeting_url", "session_lengths", "photo", "years_experience"):
        # Django gives each field's error list the id its input's aria-describedby points at.
        assert f'id="id_{field}_error"' in html, field
    assert "Add your meeting link" in html and "Offer at least one session length" in html and "limit is" in html
    assert MentorProfile.objects.get(user=mentor).headline == "Engineering leader"


def test_mentee_cannot_open_mentor_editor_and_edits_own_profile(client_for, mentee):
    client = client_for(mentee)
    assert client.get("/me/mentor-profile/")["Location"] == "/me/"
    response = client.post("/me/mentee-profile/", {"goals": "Ich möchte Teamleiter werden.", "interests": "Leadership",
                                                   "industries": "", "languages": ["de"], "career_stage": "mid"})
    assert response.status_code == 302
    assert MenteeProfile.objects.get(user=mentee).goals == "Ich möchte Teamleiter werden."
    bad = client.post("/me/mentee-profile/", {"goals": "x" * 3001, "career_stage": "retired"})
    assert bad.status_code == 400 and 'id="id_goals_error"' in bad.content.decode()


def _directory_queries(client, n_mentors, make_mentors, query="") -> int:
    make_mentors(n_mentors)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/mentors/" + query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?q=python&language=de&sort=experience"])
def test_directory_query_count_does_not_grow_with_mentors(client, make_mentors, django_assert_num_queries, query):
    few = _directory_queries(client, 5, make_mentors, query)
    MentorProfile.objects.all().delete()
    many = _directory_queries(client, 50, make_mentors, query)
    assert few == many
    # count, page, the cards' skills and languages (one query), plus one to check the language filter
    # value when one is given; a text search counts its matches with its page (one statement fewer).
    # The filter selects' options come from the cache (warmed above).
    with django_assert_num_queries(3 + (1 if "language" in query else 0) - (1 if "q=" in query else 0)):
        client.get("/mentors/" + query)


def test_directory_filter_options_are_cached_until_a_term_changes(client, make_mentors, django_assert_num_queries):
    mentors = make_mentors(2)
    assert 'value="python"' in client.get("/mentors/").content.decode()
    ocean = SkillFactory(name="Oceanography")  # saving a term clears the cached options at once
    mentors[0].mentor_profile.skills.add(ocean)
    page = client.get("/mentors/?skill=oceanography").content.decode()
    assert '<option value="oceanography" selected>Oceanography</option>' in page
    assert '<option value="python">Python</option>' in page
    with django_assert_num_queries(4):  # count, page, the cards' tags, the skill filter's lookup
        client.get("/mentors/?skill=oceanography")


def test_directory_shows_mentors_paginates_and_filters(client, make_mentors):
    make_mentors(15)
    html = client.get("/mentors/").content.decode()
    assert "15 mentors" in html and "Page 1 of 2" in html and 'rel="next"' in html
    page2 = client.get("/mentors/?sort=experience&page=2").content.decode()
    assert "Page 2 of 2" in page2 and "sort=experience&amp;page=1" in page2
    assert "1 mentor" in client.get("/mentors/?q=Mentor+007").content.decode()


def test_directory_reports_bad_filters_without_failing(client, make_mentors):
    make_mentors(3)
    response = client.get("/mentors/?skill=no-such-skill&length=17&min_rating=abc&sort=loudest&page=zzz")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown skill" in html and "Session length must be" in html and "Sort by one of" in html
    assert "3 mentors" in html  # the bad filters are ignored, not applied as "nothing matches"


def test_directory_empty_states_suggest_next_steps(client, make_mentors):
    assert "No mentors are listed yet" in client.get("/mentors/").content.decode()
    make_mentors(2)
    html = client.get("/mentors/?q=underwater+basket+weaving").content.decode()
    assert "No mentors match" in html and "clear all filters" in html


def test_directory_htmx_request_gets_only_the_results(client, make_mentors):
    make_mentors(2)
    html = client.get("/mentors/?q=Mentor", HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html


def test_public_mentor_page_includes_booking_and_review_panels(client, mentor):
    response = client.get(mentor.mentor_profile.get_absolute_url())
    assert response.status_code == 200
    templates = {t.name for t in response.templates}
    assert {"booking/_mentor_booking_panel.html", "ratings/_mentor_reviews.html"} <= templates
    assert "Maya Mentor" in response.content.decode()


@pytest.mark.parametrize("viewer, status", [("anonymous", 404), ("stranger", 404), ("owner", 200), ("staff", 200)])
def test_unlisted_mentor_page_is_visible_to_owner_and_staff_only(client, client_for, stranger, staff, viewer, status):
    hidden = MentorFactory(name="Quiet Mentor", profile__is_listed=False)
    who = {"anonymous": None, "stranger": stranger, "owner": hidden, "staff": staff}[viewer]
    c = client_for(who) if who else client
    assert c.get(f"/mentors/{hidden.mentor_profile.slug}/").status_code == status


def test_home_page_features_mentors(client, mentor):
    assert "Maya Mentor" in client.get("/").content.decode()


@pytest.mark.parametrize("query", [
    "?q=%00", "?skill=%00&industry=%00&language=%00&length=%00&min_rating=%00&sort=%00&page=%00",
    "?q=(((%20%26%7C!%20%22", "?q=-", "?min_rating=nan", "?q=" + "x" * 500,
])
def test_hostile_directory_queries_render_the_page(client, make_mentors, query):
    make_mentors(1)
    assert client.get("/mentors/" + query).status_code == 200


def test_people_see_the_plain_average_with_its_count_and_ranking_uses_the_smoothed_one(client):
    # One 5-star review: people read "5.0 from 1 review" (the smoothed 4.2 looked like a complaint);
    # the smoothed score still orders the directory, so one lucky review does not top it.
    lucky = MentorFactory(name="Lucky Mentor")
    steady = MentorFactory(name="Steady Mentor")
    MentorProfile.objects.filter(pk=lucky.pk).update(rating_count=1, rating_sum=5, rating_bayes=4.17)
    MentorProfile.objects.filter(pk=steady.pk).update(rating_count=40, rating_sum=188, rating_bayes=4.66)
    card = client.get("/mentors/?sort=rating").content.decode()
    page = client.get(lucky.mentor_profile.get_absolute_url()).content.decode()
    assert "★ 5.0 (1 review)" in card and "★ 4.2" not in card
    assert "★ 5.0 from 1 review" in page
    assert card.index("Steady Mentor") < card.index("Lucky Mentor")
