from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts.models import MentorProfile
from ratings import services
from ratings.errors import RatingError
from ratings.models import ModerationDecision, Rating, RatingReport
from ratings.tests.conftest import completed_booking_for, established_user
from sessions.models import Notification
from sessions.services.notifications import notifications_dispatch_due
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db


def _profile(mentor) -> MentorProfile:
    return MentorProfile.objects.get(pk=mentor.pk)


def _rate(booking, rater, **kwargs):
    kwargs.setdefault("stars", 5)
    return services.rating_create(booking_id=booking.pk, rater=rater, **kwargs)


# --- Creating -----------------------------------------------------------------------------------


def test_mentee_rating_of_completed_session_is_published_and_counted(completed_booking, mentee, mentor,
                                                                      matching_calls):
    rating = _rate(completed_booking, mentee, stars=5, comment="Great session", expectation="exceeded")

    assert rating.state == Rating.State.PUBLISHED
    assert rating.direction == Rating.Direction.MENTEE_TO_MENTOR
    assert rating.ratee_id == mentor.pk
    profile = _profile(mentor)
    assert (profile.rating_count, profile.rating_sum) == (1, 5)
    assert profile.rating_bayes == pytest.approx((4.0 * 5 + 5) / 6)
    assert matching_calls == [[mentor.pk]]


def _review_by_new_mentee(mentor, *, stars: int, days_ago: int) -> Rating:
    mentee = MenteeFactory()
    return _rate(completed_booking_for(mentor=mentor, mentee=mentee, days_ago=days_ago), mentee, stars=stars)


def test_bayesian_average_pulls_few_reviews_towards_the_prior(mentor):
    _review_by_new_mentee(mentor, stars=5, days_ago=1)
    _review_by_new_mentee(mentor, stars=3, days_ago=2)
    profile = _profile(mentor)
    assert (profile.rating_count, profile.rating_sum) == (2, 8)
    assert profile.rating_bayes == pytest.approx((20 + 8) / 7)


def test_mentor_feedback_on_mentee_is_private_and_not_counted(completed_booking, mentor, matching_calls):
    rating = services.rating_create(booking_id=completed_booking.pk, rater=mentor,
                                    private_feedback="Came well prepared.")

    assert rating.direction == Rating.Direction.MENTOR_TO_MENTEE
    assert rating.stars is None
    assert _profile(mentor).rating_count == 0
    assert matching_calls == []


def test_mentor_cannot_give_public_stars(completed_booking, mentor):
    with pytest.raises(RatingError) as err:
        services.rating_create(booking_id=completed_booking.pk, rater=mentor, stars=5, private_feedback="ok")
    assert err.value.status == 400 and "stars" in err.value.field_errors
    assert not Rating.objects.exists()


def test_stranger_cannot_rate_someone_elses_session_nor_learn_it_exists(completed_booking, stranger):
    with pytest.raises(RatingError) as err:
        _rate(completed_booking, stranger)
    assert err.value.status == 404
    assert not Rating.objects.exists()


def test_unknown_booking_is_404(mentee):
    with pytest.raises(RatingError) as err:
        services.rating_create(booking_id=999999, rater=mentee, stars=5)
    assert err.value.status == 404


@pytest.mark.parametrize(("status", "days_ago"), [("confirmed", -1), ("confirmed", 1), ("requested", -2),
                                                  ("cancelled", 2), ("no_show", 3)])
def test_only_completed_sessions_can_be_rated(make_booking, mentee, status, days_ago):
    booking = make_booking(status=status, days_ago=days_ago)
    with pytest.raises(RatingError) as err:
        _rate(booking, mentee)
    assert err.value.status == 409 and err.value.code == "not_completed"
    assert not Rating.objects.exists()


def test_second_rating_of_the_same_session_is_refused(completed_booking, mentee, mentor):
    _rate(completed_booking, mentee, stars=5)
    with pytest.raises(RatingError) as err:
        _rate(completed_booking, mentee, stars=1)
    assert err.value.status == 409
    assert Rating.objects.count() == 1
    assert _profile(mentor).rating_sum == 5


@pytest.mark.parametrize("stars", [0, 6, -1, None, "5", True, 4.5])
def test_stars_must_be_whole_numbers_from_1_to_5(completed_booking, mentee, stars):
    with pytest.raises(RatingError) as err:
        _rate(completed_booking, mentee, stars=stars)
    assert err.value.status == 400 and "stars" in err.value.field_errors
    assert not Rating.objects.exists()


def test_comment_over_the_limit_is_refused(completed_booking, mentee):
    with pytest.raises(RatingError) as err:
        _rate(completed_booking, mentee, comment="x" * 1001)
    assert err.value.status == 400 and "comment" in err.value.field_errors
    _rate(completed_booking, mentee, comment="x" * 1000)


def test_database_rejects_stars_outside_1_to_5(completed_booking, mentee, mentor):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(booking=completed_booking, rater=mentee, ratee=mentor, direction="mentee_to_mentor",
                              stars=6, created_at=timezone.now())


@pytest.mark.parametrize("comment", [
    "See https://example.org/me for more",
    "visit www.my-coaching.net",
    "book me on mycoaching.io instead",
    "write to me at coach@example.com",
    "call +49 30 1234 5678",
    "my number is 555-123-4567",
    "what a scam",
    "He is an IDIOT.",
])
def test_reviews_with_links_contacts_or_blocklisted_words_start_pending(completed_booking, mentee, mentor, comment):
    rating = _rate(completed_booking, mentee, comment=comment)
    assert rating.state == Rating.State.PENDING
    assert rating.held_because
    assert _profile(mentor).rating_count == 0


@pytest.mark.parametrize("comment", [
    "", "5 stars, would book again", "We covered 2019-2024 of my career", "Talked for 30 minutes about Go 1.22",
    "scampered through three topics", "e.g. system design",
])
def test_ordinary_reviews_are_published(completed_booking, mentee, comment):
    assert _rate(completed_booking, mentee, comment=comment).state == Rating.State.PUBLISHED


def test_blocklist_comes_from_settings(completed_booking, mentee, settings):
    settings.RATINGS_BLOCKLIST = ["rubbish"]
    assert _rate(completed_booking, mentee, comment="Total rubbish session").state == Rating.State.PENDING


# --- Editing ------------------------------------------------------------------------------------


def test_author_edits_within_seven_days_and_aggregate_follows(review, mentee, mentor):
    just_in_time = review.created_at + timedelta(days=7) - timedelta(seconds=1)
    edited = services.rating_update(rating_id=review.pk, editor=mentee, stars=2, now=just_in_time)

    assert edited.stars == 2 and edited.edited_at == just_in_time
    assert _profile(mentor).rating_sum == 2


def test_editing_after_seven_days_is_refused(review, mentee, mentor):
    too_late = review.created_at + timedelta(days=7, seconds=1)
    with pytest.raises(RatingError) as err:
        services.rating_update(rating_id=review.pk, editor=mentee, stars=1, now=too_late)
    assert err.value.status == 409
    review.refresh_from_db()
    assert review.stars == 4 and review.edited_at is None
    assert _profile(mentor).rating_sum == 4


@pytest.mark.parametrize(("persona", "status"), [("mentor", 403), ("staff", 403), ("stranger", 404),
                                               ("moderator", 404)])
def test_only_the_author_can_edit(review, persona, status, request):
    with pytest.raises(RatingError) as err:
        services.rating_update(rating_id=review.pk, editor=request.getfixturevalue(persona), stars=1)
    assert err.value.status == status
    review.refresh_from_db()
    assert review.stars == 4


def test_edit_adding_a_link_sends_review_back_to_pending(review, mentee, mentor):
    edited = services.rating_update(rating_id=review.pk, editor=mentee, comment="More at https://spam.example")
    assert edited.state == Rating.State.PENDING
    assert _profile(mentor).rating_count == 0


def test_removed_review_cannot_be_edited(review, mentee, moderator):
    services.moderate(ratings=[review.pk], moderator=moderator, action="remove", reason="Abusive")
    with pytest.raises(RatingError) as err:
        services.rating_update(rating_id=review.pk, editor=mentee, stars=5)
    assert err.value.status == 409


def test_edit_with_bad_stars_writes_nothing(review, mentee):
    with pytest.raises(RatingError) as err:
        services.rating_update(rating_id=review.pk, editor=mentee, stars=9)
    assert err.value.status == 400
    review.refresh_from_db()
    assert review.stars == 4


# --- Replies ------------------------------------------------------------------------------------


def test_mentor_replies_once_in_public(review, mentor):
    reply = services.reply_create(rating_id=review.pk, author=mentor, body="Thanks, good luck!")
    assert reply.rating_id == review.pk
    with pytest.raises(RatingError) as err:
        services.reply_create(rating_id=review.pk, author=mentor, body="Again")
    assert err.value.status == 409


@pytest.mark.parametrize(("persona", "status"), [("mentee", 403), ("staff", 403), ("stranger", 404),
                                               ("moderator", 404)])
def test_only_the_rated_mentor_can_reply(review, persona, status, request):
    with pytest.raises(RatingError) as err:
        services.reply_create(rating_id=review.pk, author=request.getfixturevalue(persona), body="Hi")
    assert err.value.status == status


@pytest.mark.parametrize("body", ["", "   ", "x" * 1001])
def test_reply_must_have_text_within_the_limit(review, mentor, body):
    with pytest.raises(RatingError) as err:
        services.reply_create(rating_id=review.pk, author=mentor, body=body)
    assert err.value.status == 400 and "body" in err.value.field_errors


def test_cannot_reply_to_a_review_that_is_not_public(completed_booking, mentee, mentor):
    pending = _rate(completed_booking, mentee, comment="mail me: a@b.com")
    with pytest.raises(RatingError) as err:
        services.reply_create(rating_id=pending.pk, author=mentor, body="Hi")
    assert err.value.status == 404


# --- Reports ------------------------------------------------------------------------------------


def test_signed_in_user_reports_a_review_once(review, stranger):
    services.report_create(rating_id=review.pk, reporter=stranger, reason="spam", note="Looks fake")
    with pytest.raises(RatingError) as err:
        services.report_create(rating_id=review.pk, reporter=stranger, reason="abusive")
    assert err.value.status == 409
    assert RatingReport.objects.count() == 1
    review.refresh_from_db()
    assert review.open_reports == 1 and review.state == Rating.State.PUBLISHED


def test_author_cannot_report_own_review(review, mentee):
    with pytest.raises(RatingError) as err:
        services.report_create(rating_id=review.pk, reporter=mentee, reason="spam")
    assert err.value.status == 403
    assert not RatingReport.objects.exists()


def test_report_needs_a_known_reason(review, stranger):
    with pytest.raises(RatingError) as err:
        services.report_create(rating_id=review.pk, reporter=stranger, reason="boring")
    assert err.value.status == 400 and "reason" in err.value.field_errors
    assert not RatingReport.objects.exists()


def test_third_distinct_report_hides_the_review_until_a_moderator_decides(review, mentor, moderator):
    reporters = [established_user() for _ in range(3)]
    services.report_create(rating_id=review.pk, reporter=reporters[0], reason="spam")
    services.report_create(rating_id=review.pk, reporter=reporters[1], reason="abusive")
    review.refresh_from_db()
    assert review.state == Rating.State.PUBLISHED
    assert _profile(mentor).rating_count == 1

    services.report_create(rating_id=review.pk, reporter=reporters[2], reason="off_topic")

    review.refresh_from_db()
    assert review.state == Rating.State.HIDDEN
    assert _profile(mentor).rating_count == 0
    auto = ModerationDecision.objects.get(rating=review)
    assert auto.moderator is None and (auto.from_state, auto.to_state) == ("published", "hidden")

    services.moderate(ratings=[review.pk], moderator=moderator, action="restore", reason="Reports unfounded")
    review.refresh_from_db()
    assert review.state == Rating.State.PUBLISHED and review.open_reports == 0
    assert not RatingReport.objects.filter(resolved_at__isnull=True).exists()
    assert _profile(mentor).rating_count == 1


def test_report_threshold_comes_from_settings(review, settings):
    settings.RATINGS_REPORT_HIDE_THRESHOLD = 1
    services.report_create(rating_id=review.pk, reporter=established_user(), reason="private_info")
    review.refresh_from_db()
    assert review.state == Rating.State.HIDDEN


def test_hidden_review_cannot_be_reported(review, stranger, moderator):
    services.moderate(ratings=[review.pk], moderator=moderator, action="hide", reason="Checking")
    with pytest.raises(RatingError) as err:
        services.report_create(rating_id=review.pk, reporter=stranger, reason="spam")
    assert err.value.status == 404


# --- Moderation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "action", "end"), [
    ("pending", "approve", "published"), ("hidden", "approve", "published"),
    ("published", "hide", "hidden"), ("pending", "hide", "hidden"),
    ("hidden", "restore", "published"), ("removed", "restore", "published"),
    ("published", "remove", "removed"), ("pending", "remove", "removed"), ("hidden", "remove", "removed"),
])
def test_every_allowed_transition_is_applied_and_audited(review, moderator, mentor, start, action, end):
    Rating.objects.filter(pk=review.pk).update(state=start)
    [decision] = services.moderate(ratings=[review.pk], moderator=moderator, action=action, reason="Policy 3.2")

    review.refresh_from_db()
    assert review.state == end
    assert (decision.moderator, decision.action, decision.reason) == (moderator, action, "Policy 3.2")
    assert (decision.from_state, decision.to_state) == (start, end)
    assert decision.at is not None
    assert _profile(mentor).rating_count == (1 if end == "published" else 0)


@pytest.mark.parametrize(("start", "action"), [
    ("published", "approve"), ("removed", "approve"), ("hidden", "hide"), ("removed", "hide"),
    ("published", "restore"), ("pending", "restore"), ("removed", "remove"),
])
def test_disallowed_transition_is_refused_and_nothing_written(review, moderator, start, action):
    Rating.objects.filter(pk=review.pk).update(state=start)
    with pytest.raises(RatingError) as err:
        services.moderate(ratings=[review.pk], moderator=moderator, action=action, reason="x")
    assert err.value.status == 409
    review.refresh_from_db()
    assert review.state == start
    assert not ModerationDecision.objects.exists()


def test_batch_is_all_or_nothing(mentor, moderator):
    a = _review_by_new_mentee(mentor, stars=5, days_ago=1)
    b = _review_by_new_mentee(mentor, stars=1, days_ago=2)
    Rating.objects.filter(pk=b.pk).update(state="removed")
    with pytest.raises(RatingError):
        services.moderate(ratings=[a.pk, b.pk], moderator=moderator, action="hide", reason="x")
    assert Rating.objects.get(pk=a.pk).state == "published"
    assert not ModerationDecision.objects.exists()


def test_moderating_many_writes_one_audit_row_each_and_refreshes_each_mentor(moderator, matching_calls):
    from tests.factories import MentorFactory

    ratings = []
    mentors = [MentorFactory(), MentorFactory()]
    for i, m in enumerate(mentors * 2):
        mentee = MenteeFactory()
        ratings.append(_rate(completed_booking_for(mentor=m, mentee=mentee, days_ago=i + 1), mentee, stars=4))
    matching_calls.clear()

    decisions = services.moderate(ratings=[r.pk for r in ratings], moderator=moderator, action="hide",
                                  reason="Vote ring")

    assert len(decisions) == 4
    assert ModerationDecision.objects.filter(moderator=moderator, action="hide", reason="Vote ring").count() == 4
    assert all(_profile(m).rating_count == 0 for m in mentors)
    assert matching_calls == [sorted(m.pk for m in mentors)]


@pytest.mark.parametrize("persona", ["mentee", "mentor", "stranger"])
def test_non_moderators_cannot_moderate(review, persona, request):
    with pytest.raises(RatingError) as err:
        services.moderate(ratings=[review.pk], moderator=request.getfixturevalue(persona), action="hide", reason="x")
    assert err.value.status == 403
    assert not ModerationDecision.objects.exists()


def test_staff_can_moderate(review, staff):
    services.moderate(ratings=[review.pk], moderator=staff, action="hide", reason="Checking")
    assert Rating.objects.get(pk=review.pk).state == "hidden"


@pytest.mark.parametrize(("kwargs", "field", "status"), [
    ({"action": "delete", "reason": "x"}, "action", 400),
    ({"action": "hide", "reason": "  "}, "reason", 400),
    ({"action": "hide", "reason": "x" * 501}, "reason", 400),
    ({"action": "hide", "reason": "x", "ratings": []}, "ids", 400),
    ({"action": "hide", "reason": "x", "ratings": ["abc"]}, "ids", 400),
    ({"action": "hide", "reason": "x", "ratings": [987654]}, "ids", 404),
])
def test_bad_moderation_input_is_refused(review, moderator, kwargs, field, status):
    kwargs.setdefault("ratings", [review.pk])
    with pytest.raises(RatingError) as err:
        services.moderate(moderator=moderator, **kwargs)
    assert err.value.status == status and field in err.value.field_errors
    assert not ModerationDecision.objects.exists()


def test_author_is_emailed_with_the_reason_when_a_review_is_removed(review, moderator, mentee,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(ratings=[review.pk], moderator=moderator, action="remove",
                          reason="Shares the mentor's private phone number")
    # The mail is an outbox row, sent (and retried) by the dispatcher like every other.
    [row] = Notification.objects.filter(kind="rating_removed")
    assert (row.recipient, row.state, row.booking) == (mentee, "pending", None)
    notifications_dispatch_due()
    notifications_dispatch_due()

    [message] = mail.outbox
    assert message.to == [mentee.email]
    assert "removed" in message.subject
    assert "Shares the mentor's private phone number" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "Shares the mentor&#x27;s private phone number" in html


def test_a_removal_email_that_fails_is_retried_then_recorded(review, moderator, settings):
    services.moderate(ratings=[review.pk], moderator=moderator, action="remove", reason="Spam")
    # A real SMTP client against a port where no mail server listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    assert notifications_dispatch_due()["retry"] == 1
    row = Notification.objects.get(kind="rating_removed")
    assert row.state == "pending" and row.attempts == 1 and "Connection" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_dispatch_due(now=row.due_at)["sent"] == 1
    assert mail.outbox[0].subject == "Your review was removed"


def test_a_rolled_back_removal_leaves_no_email(review, moderator):
    from django.db import transaction

    try:
        with transaction.atomic():
            services.moderate(ratings=[review.pk], moderator=moderator, action="remove", reason="Spam")
            raise RuntimeError("the request failed after the decision")
    except RuntimeError:
        pass
    assert not Notification.objects.filter(kind="rating_removed").exists()


def test_no_email_for_decisions_other_than_removal(review, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(ratings=[review.pk], moderator=moderator, action="hide", reason="x")
    assert mail.outbox == []


def test_moderators_group_holds_the_moderation_permission(moderator):
    group = Group.objects.get(name="Moderators")
    assert group.permissions.filter(codename="moderate_rating", content_type__app_label="ratings").exists()
    assert moderator.has_perm("ratings.moderate_rating")
    assert services.can_moderate(moderator)
