"""Every form page labels its fields and announces its errors, as templates/forms/field.html renders them.

Each page is fetched, then sent back wrong. On both, every visible control must have a label (a
<label for>, a wrapping <label>, or aria-label), and a group of radios or checkboxes must sit in a
<fieldset> with a <legend>. On the refused page, at least one control is aria-invalid, each invalid
control (or its fieldset) is aria-describedby an error list that exists and says something, every
aria-describedby id exists, and the form's errors sit in a role="alert" region.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.test.html import Element, parse_html
from django.urls import reverse
from django.utils import timezone

from ratings import services as ratings_services
from ratings.tests.conftest import completed_booking_for
from sessions.models import AvailabilityRule
from tests.factories import BookingFactory, MenteeFactory

pytestmark = pytest.mark.django_db

CONTROLS = {"input", "select", "textarea"}
NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}


def _walk(node: Element, ancestors: tuple = ()):
    for child in node.children:
        if isinstance(child, Element):
            yield child, ancestors
            yield from _walk(child, (*ancestors, child))


def _text(node) -> str:
    return node if isinstance(node, str) else " ".join(_text(c) for c in node.children).strip()


def _attr(node: Element, name: str) -> str | None:
    return dict(node.attributes).get(name)


def check_form_page(html: str, *, refused: bool) -> list[str]:
    """Assert the page's fields are labelled (and, when refused, its errors announced); return the
    names of the controls checked so a caller can see the page really had its form."""
    elements = list(_walk(parse_html(html)))
    by_id = {_attr(el, "id"): el for el, _ in elements if _attr(el, "id")}
    label_for = {_attr(el, "for") for el, _ in elements if el.name == "label"}
    controls = [(el, anc) for el, anc in elements
                if el.name in CONTROLS and (_attr(el, "type") or "text") not in NOT_FIELDS]
    group_sizes = Counter(_attr(el, "name") for el, _ in controls if _attr(el, "type") in ("radio", "checkbox"))
    for el, ancestors in controls:
        name = _attr(el, "name")
        labelled = (_attr(el, "id") in label_for or any(a.name == "label" for a in ancestors)
                    or _attr(el, "aria-label") or _attr(el, "aria-labelledby"))
        assert labelled, f"control {name!r} has no label"
        if group_sizes.get(name, 0) > 1:
            fieldset = next((a for a in reversed(ancestors) if a.name == "fieldset"), None)
            assert fieldset is not None and any(c.name == "legend" and _text(c) for c in fieldset.children
                                                if isinstance(c, Element)), f"group {name!r} has no fieldset legend"
    for el, _ in elements:
        for ref in (_attr(el, "aria-describedby") or "").split():
            assert ref in by_id, f"aria-describedby points at missing #{ref}"
    if refused:
        invalid = [(el, anc) for el, anc in controls if _attr(el, "aria-invalid") == "true"]
        assert invalid, "the refused page marks no field aria-invalid"
        for el, ancestors in invalid:
            holders = [el, *(a for a in reversed(ancestors) if a.name == "fieldset")]
            refs = [ref for holder in holders for ref in (_attr(holder, "aria-describedby") or "").split()]
            errors = [by_id[ref] for ref in refs if "errorlist" in (_attr(by_id[ref], "class") or "")]
            assert errors and all(_text(e) for e in errors), f"{_attr(el, 'name')!r}: its error is not announced"
        assert any(_attr(el, "role") == "alert" for el, _ in elements), "no role=alert region on the refused page"
    return [_attr(el, "name") for el, _ in controls]


@pytest.fixture
def signed_in():
    def client_of(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_of


def _page(client: Client, url: str, data: dict, *, method: str = "post", post_url: str | None = None):
    shown = client.get(url)
    assert shown.status_code == 200, url
    fields = check_form_page(shown.content.decode(), refused=False)
    assert fields, f"{url} shows no form fields"
    send = client.post if method == "post" else client.get
    refused = send(post_url or url, data)
    assert refused.status_code in (200, 400), f"{url}: {refused.status_code}"
    check_form_page(refused.content.decode(), refused=True)


def test_settings_page(signed_in, mentor):
    _page(signed_in(mentor), reverse("accounts:me"), {"name": "", "timezone": "Nowhere/Atlantis"})


def test_mentor_profile_page(signed_in, mentor):
    _page(signed_in(mentor), reverse("accounts:mentor_profile_edit"),
          {"years_experience": "many", "call_method": "pigeon", "meeting_url": "not a url"})


def test_mentee_profile_page(signed_in, mentee):
    _page(signed_in(mentee), reverse("accounts:mentee_profile_edit"), {"goals": "g" * 4000, "career_stage": "x"})


def test_booking_page(signed_in, mentor, mentee):
    for weekday in range(7):
        AvailabilityRule.objects.create(mentor=mentor, weekday=weekday, start_time="00:00", end_time="23:30")
    start = (timezone.now() + timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)
    url = reverse("booking:book", args=[mentor.pk])
    _page(signed_in(mentee), f"{url}?start={start.isoformat()}&duration=30",
          {"start": start.isoformat(), "duration": "30", "topic": "", "question": ""}, post_url=url)


def test_availability_policy_and_override_forms(signed_in, mentor):
    client = signed_in(mentor)
    _page(client, reverse("booking:availability"), {"max_per_day": "-1", "horizon_days": "soon"},
          post_url=reverse("booking:availability_policy"))
    _page(client, reverse("booking:availability"), {"start_date": "", "start_time": "25:00"},
          post_url=reverse("booking:availability_override_add"))


def test_availability_weekly_grid(signed_in, mentor):
    _page(signed_in(mentor), reverse("booking:availability"), {"w0_start": "12:00", "w0_end": "09:00", "save": "1"})


def test_rate_page(signed_in, mentor, mentee):
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    _page(signed_in(mentee), reverse("ratings:rate", args=[booking.pk]), {"stars": "9"})


def test_report_and_reply_pages(signed_in, mentor, mentee):
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    rating = ratings_services.rating_create(booking_id=booking.pk, rater=mentee, stars=4, comment="Good")
    _page(signed_in(MenteeFactory()), reverse("ratings:report", args=[rating.pk]), {"reason": "nonsense"})
    _page(signed_in(mentor), reverse("ratings:reply", args=[rating.pk]), {"body": ""})


def test_mentor_page_reply_and_report_forms(signed_in, mentor, mentee):
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    ratings_services.rating_create(booking_id=booking.pk, rater=mentee, stars=4, comment="Good")
    page = mentor.mentor_profile.get_absolute_url()
    for viewer in (mentor, MenteeFactory()):  # the mentor replies, anyone else reports
        response = signed_in(viewer).get(page)
        names = check_form_page(response.content.decode(), refused=False)
        assert ("body" if viewer == mentor else "reason") in names


def test_session_page_cancel_and_reschedule(signed_in, mentor, mentee):
    booking = BookingFactory(mentor=mentor, mentee=mentee)
    for weekday in range(7):
        AvailabilityRule.objects.create(mentor=mentor, weekday=weekday, start_time="00:00", end_time="23:30")
    client = signed_in(mentee)
    detail = reverse("booking:detail", args=[booking.pk])
    _page(client, detail, {"reason": ""}, post_url=reverse("booking:cancel", args=[booking.pk]))
    _page(client, detail, {"start": "whenever"}, post_url=reverse("booking:reschedule", args=[booking.pk]))


def test_moderation_queue(signed_in, moderator, mentor, mentee):
    booking = completed_booking_for(mentor=mentor, mentee=mentee)
    ratings_services.rating_create(booking_id=booking.pk, rater=mentee, stars=4, comment="Good")
    _page(signed_in(moderator), reverse("ratings:moderation_queue") + "?state=published",
          {"action": "remove", "reason": ""})


def test_directory_filters(client, mentor):
    _page(client, reverse("accounts:directory"), {"min_rating": "11", "length": "7"}, method="get")


def test_api_tokens_page(signed_in, mentee):
    _page(signed_in(mentee), reverse("accounts:api_tokens"), {"name": "n" * 200})


@pytest.mark.parametrize(("url", "data"), [
    ("/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y", "name": "",
                           "role": "", "timezone": "Nowhere/Atlantis"}),
    ("/accounts/login/", {"login": "", "password": ""}),
    ("/accounts/password/reset/", {"email": "nope"}),
])
def test_account_pages(client, url, data):
    _page(client, url, data)


def test_the_check_catches_an_unlabelled_field_and_a_silent_error():
    """check_form_page is not vacuous: a bare input, or an error no one points at, fails it."""
    with pytest.raises(AssertionError, match="has no label"):
        check_form_page('<form><input name="q"></form>', refused=False)
    silent = '<form role="alert"><label for="q">Q</label><input id="q" name="q" aria-invalid="true"><ul class="errorlist"><li>Bad</li></ul></form>'
    with pytest.raises(AssertionError, match="not announced"):
        check_form_page(silent, refused=True)


def test_conversation_page_forms(signed_in, mentor, mentee):
    from conversations import services as conversations

    booking = BookingFactory(mentor=mentor, mentee=mentee)
    conversations.message_post(booking=booking, author=mentor, body="Welcome!")
    client = signed_in(mentee)
    page = reverse("conversations:page", args=[booking.pk])
    _page(client, page, {"body": ""}, post_url=reverse("conversations:message", args=[booking.pk]))
    _page(client, page, {"text": "", "owner": "0", "due_date": "someday"},
          post_url=reverse("conversations:action_add", args=[booking.pk]))
    _page(client, page, {"text": ""}, post_url=reverse("conversations:agenda_add", args=[booking.pk]))


def test_reported_messages_queue(signed_in, moderator, mentor, mentee):
    from conversations import services as conversations
    from conversations.moderation import message_report

    booking = BookingFactory(mentor=mentor, mentee=mentee)
    message = conversations.message_post(booking=booking, author=mentor, body="Call me on my cell")
    report = message_report(message=message, reporter=mentee, reason="Asks to move off the platform")
    _page(signed_in(moderator), reverse("conversations:moderation"), {"decision": "", "reason": ""},
          post_url=reverse("conversations:decide", args=[report.pk]))
