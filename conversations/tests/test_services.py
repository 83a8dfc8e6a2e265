"""The conversation services: what may be written, when, by whom; nothing written on a refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from conversations import services
from conversations.errors import ConversationError
from conversations.models import ActionItem, AgendaItem, Message, Note, Thread
from conversations.selectors import messages_of, thread_of, thread_state
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _refused(call, code: str) -> ConversationError:
    with pytest.raises(ConversationError) as info:
        call()
    assert info.value.code == code, info.value.message
    return info.value


@pytest.fixture
def booking(mentor, mentee):
    return BookingFactory(mentor=mentor, mentee=mentee)


def _ended(mentor, mentee, *, days_ago: float, status: str = "completed"):
    start = timezone.now() - timedelta(days=days_ago, minutes=30)
    return BookingFactory(mentor=mentor, mentee=mentee, start=start, status=status)


# --- messages -------------------------------------------------------------------------------------

def test_message_is_stored_with_its_sanitised_html(booking, mentee):
    message = services.message_post(booking=booking, author=mentee, body="  I tried **two** things:\n\n- a\n- b  ")
    assert message.body == "I tried **two** things:\n\n- a\n- b"
    assert "<strong>two</strong>" in message.body_html and "<li>a</li>" in message.body_html
    assert message.thread.mentor_id == booking.mentor_id and message.thread.mentee_id == booking.mentee_id
    assert thread_of(booking=booking).last_message_at == message.created_at


def test_links_are_kept_and_marked_nofollow(booking, mentee):
    message = services.message_post(booking=booking, author=mentee, body="See [my repo](https://example.com/r)")
    assert 'href="https://example.com/r"' in message.body_html
    assert 'rel="nofollow noopener noreferrer ugc"' in message.body_html


def test_raw_html_shows_as_text_not_markup(booking, mentee):
    message = services.message_post(booking=booking, author=mentee, body="Is <b>bold</b> fine? And `<script>` in code?")
    assert "<b>" not in message.body_html and "&lt;b&gt;bold&lt;/b&gt;" in message.body_html
    assert "<code>&lt;script&gt;</code>" in message.body_html


@pytest.mark.parametrize("body", [
    "<script>alert(1)</script>",
    "hello <img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click]( JAVASCRIPT:alert(1))",
    "<iframe src=https://evil.example>",
])
def test_scripts_handlers_and_script_links_are_refused(booking, mentee, body):
    error = _refused(lambda: services.message_post(booking=booking, author=mentee, body=body), "unsafe_markup")
    assert "body" in error.field_errors
    assert not Message.objects.exists() and not Thread.objects.exists()


@pytest.mark.parametrize("body, words", [
    ("", "Write a message"),
    ("   \n ", "Write a message"),
    ("x" * 4001, "4000 characters"),
    ("bell \x07", "control characters"),
])
def test_empty_long_or_control_character_messages_are_refused(booking, mentee, body, words):
    error = _refused(lambda: services.message_post(booking=booking, author=mentee, body=body), "invalid")
    assert words in error.field_errors["body"][0]
    assert not Message.objects.exists()


def test_someone_outside_the_booking_cannot_post(booking, stranger, staff):
    for outsider in (stranger, staff):
        _refused(lambda who=outsider: services.message_post(booking=booking, author=who, body="hi"), "not_found")
    assert not Message.objects.exists()


# --- the follow-up window -------------------------------------------------------------------------

def test_thread_is_open_while_a_session_is_ahead(booking):
    state = thread_state(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id, thread=None)
    assert state.open and state.open_until is None


def test_thread_stays_open_for_the_follow_up_window_after_the_session(mentor, mentee, settings, frozen_now):
    settings.CONVERSATIONS_FOLLOW_UP_DAYS = 7
    past = _ended(mentor, mentee, days_ago=6)
    state = thread_state(mentor_id=mentor.pk, mentee_id=mentee.pk, thread=None)
    assert state.open and state.open_until == past.end + timedelta(days=7)
    services.message_post(booking=past, author=mentee, body="Thanks! One follow-up question.")

    frozen_now.move_to(past.end + timedelta(days=7, seconds=1), tick=False)
    error = _refused(lambda: services.message_post(booking=past, author=mentor, body="late"), "thread_closed")
    assert "Book again" in error.message
    assert Message.objects.count() == 1


def test_booking_again_reopens_a_closed_thread(mentor, mentee):
    past = _ended(mentor, mentee, days_ago=30)
    _refused(lambda: services.message_post(booking=past, author=mentee, body="hello?"), "thread_closed")
    BookingFactory(mentor=mentor, mentee=mentee)
    message = services.message_post(booking=past, author=mentee, body="Booked again, see you then")
    assert messages_of(thread=message.thread).count() == 1


def test_mentor_can_close_early_and_a_new_booking_reopens(mentor, mentee, booking, frozen_now):
    services.thread_close(booking=booking, actor=mentor)
    _refused(lambda: services.message_post(booking=booking, author=mentee, body="hi"), "thread_closed")
    frozen_now.shift(timedelta(minutes=1))
    BookingFactory(mentor=mentor, mentee=mentee, start=booking.start + timedelta(days=2))
    services.message_post(booking=booking, author=mentee, body="hi again")


def test_mentor_can_extend_a_closed_window(mentor, mentee, frozen_now):
    frozen_now.move_to(timezone.now(), tick=False)
    past = _ended(mentor, mentee, days_ago=20)
    services.thread_extend(booking=past, actor=mentor, days=3)
    state = thread_state(mentor_id=mentor.pk, mentee_id=mentee.pk, thread=thread_of(booking=past))
    assert state.open and state.open_until == timezone.now() + timedelta(days=3)
    services.message_post(booking=past, author=mentee, body="Thanks for the extra days")


@pytest.mark.parametrize("days", [0, -1, 31])
def test_extension_is_bounded(mentor, booking, days):
    error = _refused(lambda: services.thread_extend(booking=booking, actor=mentor, days=days), "invalid")
    assert "1 to 30 days" in error.field_errors["days"][0]


def test_only_the_mentor_closes_or_extends(booking, mentee):
    _refused(lambda: services.thread_close(booking=booking, actor=mentee), "forbidden")
    _refused(lambda: services.thread_extend(booking=booking, actor=mentee, days=3), "forbidden")
    assert not Thread.objects.exists()


def test_window_is_counted_in_real_time_across_a_dst_change(mentor, mentee, frozen_now):
    # Europe moves its clocks on 28 March 2027: seven days after a session on the 25th is still
    # 7 x 24 hours, whatever the wall clock in Berlin says.
    frozen_now.move_to(datetime(2027, 3, 26, 12, tzinfo=UTC), tick=False)
    start = datetime(2027, 3, 25, 17, tzinfo=UTC)
    past = BookingFactory(mentor=mentor, mentee=mentee, start=start, status="completed")
    state = thread_state(mentor_id=mentor.pk, mentee_id=mentee.pk, thread=None)
    assert state.open_until == past.end + timedelta(hours=7 * 24)


# --- agenda ---------------------------------------------------------------------------------------

def test_either_side_adds_agenda_points_and_removes_only_their_own(booking, mentor, mentee):
    mine = services.agenda_add(booking=booking, author=mentee, text=" My CV's first page ")
    theirs = services.agenda_add(booking=booking, author=mentor, text="Your portfolio")
    assert mine.text == "My CV's first page"
    _refused(lambda: services.agenda_remove(item=theirs, actor=mentee), "forbidden")
    services.agenda_remove(item=mine, actor=mentee)
    assert list(AgendaItem.objects.values_list("text", flat=True)) == ["Your portfolio"]


def test_agenda_closes_when_the_session_is_over_or_called_off(mentor, mentee):
    past = _ended(mentor, mentee, days_ago=1)
    _refused(lambda: services.agenda_add(booking=past, author=mentee, text="late point"), "too_late")
    declined = BookingFactory(mentor=mentor, mentee=mentee, status="declined")
    _refused(lambda: services.agenda_add(booking=declined, author=mentee, text="point"), "wrong_state")
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("text, code", [("", "invalid"), ("a" * 281, "invalid"), ("two\nlines", "invalid")])
def test_bad_agenda_points_are_refused(booking, mentee, text, code):
    _refused(lambda: services.agenda_add(booking=booking, author=mentee, text=text), code)
    assert not AgendaItem.objects.exists()


# --- notes ----------------------------------------------------------------------------------------

def test_private_notes_belong_to_their_author(booking, mentor, mentee):
    services.note_save(booking=booking, author=mentee, body="nervous about salary talk", shared=False)
    services.note_save(booking=booking, author=mentor, body="ask about their manager", shared=False)
    services.note_save(booking=booking, author=mentee, body="now less nervous", shared=False)
    bodies = dict(Note.objects.filter(shared=False).values_list("author_id", "body"))
    assert bodies == {mentee.pk: "now less nervous", mentor.pk: "ask about their manager"}


def test_shared_note_refuses_a_stale_save_instead_of_overwriting(booking, mentor, mentee):
    first = services.note_save(booking=booking, author=mentee, body="Plan: A", shared=True, version=0)
    assert first.version == 1
    services.note_save(booking=booking, author=mentor, body="Plan: A, then B", shared=True, version=1)
    error = _refused(lambda: services.note_save(booking=booking, author=mentee, body="Plan: C", shared=True,
                                                version=1), "edit_conflict")
    assert "changed the shared notes" in error.message
    note = Note.objects.get(shared=True)
    assert (note.body, note.version, note.author_id) == ("Plan: A, then B", 2, mentor.pk)


def test_notes_are_bounded(booking, mentee):
    _refused(lambda: services.note_save(booking=booking, author=mentee, body="x" * 10001, shared=False), "invalid")
    assert not Note.objects.exists()


# --- action items ---------------------------------------------------------------------------------

def test_action_items_default_to_the_mentee_and_can_be_ticked(booking, mentor, mentee, frozen_now):
    frozen_now.move_to(timezone.now(), tick=False)
    item = services.action_item_create(booking=booking, actor=mentor, text="Rewrite the CV summary",
                                       due_date=date(2026, 11, 20))
    assert item.owner_id == mentee.pk and item.created_by_id == mentor.pk
    services.action_item_update(item=item, actor=mentee, done=True)
    assert item.done_at == timezone.now()
    services.action_item_update(item=item, actor=mentee, done=False)
    item.refresh_from_db()
    assert item.done_at is None


def test_action_item_owner_must_be_in_the_session(booking, mentor, stranger):
    error = _refused(lambda: services.action_item_create(booking=booking, actor=mentor, text="x",
                                                         owner_id=stranger.pk), "invalid")
    assert "owner" in error.field_errors
    item = services.action_item_create(booking=booking, actor=mentor, text="x", owner_id=mentor.pk)
    _refused(lambda: services.action_item_update(item=item, actor=mentor, owner_id=stranger.pk), "invalid")
    item.refresh_from_db()
    assert item.owner_id == mentor.pk


def test_action_item_due_date_is_bounded(booking, mentee):
    error = _refused(lambda: services.action_item_create(booking=booking, actor=mentee, text="x",
                                                         due_date=date(2150, 1, 1)), "invalid")
    assert "between 2000 and 2099" in error.field_errors["due_date"][0]
    assert not ActionItem.objects.exists()


def test_strangers_cannot_touch_action_items(booking, mentee, stranger):
    item = services.action_item_create(booking=booking, actor=mentee, text="Ship it")
    _refused(lambda: services.action_item_update(item=item, actor=stranger, done=True), "not_found")
    _refused(lambda: services.action_item_delete(item=item, actor=stranger), "not_found")
    item.refresh_from_db()
    assert item.done_at is None
