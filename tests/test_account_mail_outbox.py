"""Account mail (allauth) goes through the outbox: a mail server that is down costs a delay, never a 500.

The mail server is real (tests.smtp_support): Django's SMTP backend connects to a local port that
first refuses or answers "421 service not available", then accepts. The send task runs eagerly on
commit, as a worker would run it at once, so the fast path meets the outage too.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from mentorship.celery import app as celery_app
from sessions.models import Notification
from sessions.services.notifications import notifications_dispatch_due
from tests.smtp_support import SmtpServer, free_port, text_part

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
SIGNUP = {"email": "newbie@example.com", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1",
          "name": "New Bie", "role": "mentee", "timezone": "Europe/Berlin"}


@pytest.fixture
def smtp(settings):
    """Real SMTP to a local port where nothing listens yet; `smtp.start(accepting=...)` opens it."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    class Smtp:
        server: SmtpServer | None = None

        def start(self, *, accepting: bool = True) -> SmtpServer:
            self.server = SmtpServer(port, accepting=accepting)
            return self.server

    holder = Smtp()
    yield holder
    if holder.server is not None:
        holder.server.stop()


@pytest.fixture
def worker_runs_sends_at_once():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved


def _later(minutes: int = 5):
    return timezone.now() + timedelta(minutes=minutes)


def _link(message, path: str) -> str:
    match = re.search(rf"http://localhost:8000({path}[^\s<>\"]+)", text_part(message))
    assert match, text_part(message)
    return match.group(1)


def test_sign_up_while_smtp_refuses_succeeds_and_the_mail_follows_when_it_is_back(
        db, smtp, worker_runs_sends_at_once, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="newbie@example.com").count() == 1
    [row] = Notification.objects.all()
    # The worker tried at once (the port refused) and left it for a retry with backoff.
    assert (row.kind, row.state, row.attempts, row.to_email) == ("account_mail", "pending", 1, "newbie@example.com")
    assert row.recipient == User.objects.get(email="newbie@example.com") and row.booking is None
    assert "Connection" in row.last_error and row.due_at > timezone.now()

    server = smtp.start()
    assert notifications_dispatch_due(now=_later())["sent"] == 1
    assert notifications_dispatch_due(now=_later(60))["claimed"] == 0  # sent once, never again
    [message] = server.received
    assert message["To"] == "newbie@example.com" and "Confirm" in message["Subject"]
    assert "text/html" in {part.get_content_type() for part in message.walk()}
    link = _link(message, "/accounts/confirm-email/")
    assert Client().get(link).status_code == 200
    assert Client().post(link).status_code == 302
    assert EmailAddress.objects.get(email="newbie@example.com").verified


def test_password_reset_while_smtp_is_down_answers_a_redirect_and_the_link_works_later(
        db, mentee, smtp, worker_runs_sends_at_once, django_capture_on_commit_callbacks):
    server = smtp.start(accepting=False)  # up, but answering "421 service not available"
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": mentee.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    [row] = Notification.objects.all()
    assert (row.state, row.attempts, row.recipient) == ("pending", 1, mentee)
    assert "SMTP" in row.last_error and server.received == []

    server.accepting = True
    assert notifications_dispatch_due(now=_later())["sent"] == 1
    assert notifications_dispatch_due(now=_later(60))["claimed"] == 0
    [message] = server.received
    assert message["To"] == mentee.email
    client = Client()
    form = client.get(_link(message, "/accounts/password/reset/key/"), follow=True)
    assert form.status_code == 200 and "password1" in form.content.decode()
    [(set_password_url, _)] = form.redirect_chain  # allauth moves the key out of the address bar
    done = client.post(set_password_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert done.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password("a-brand-new-passphrase")


def test_the_outbox_gives_up_after_its_attempts_and_the_request_never_noticed(db, mentee, smtp, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    assert Client().post("/accounts/password/reset/", {"email": mentee.email}).status_code == 302
    assert notifications_dispatch_due(now=_later())["retry"] == 1
    assert notifications_dispatch_due(now=_later(60))["failed"] == 1
    assert Notification.objects.get().state == "failed"


def test_a_reset_for_an_address_without_an_account_is_queued_to_that_address(db):
    # allauth tells an unknown address that it has no account (enumeration-safe): no user to name.
    assert Client().post("/accounts/password/reset/", {"email": "nobody@example.com"}).status_code == 302
    [row] = Notification.objects.all()
    assert row.recipient is None and row.to_email == "nobody@example.com"
    assert notifications_dispatch_due()["sent"] == 1
    assert [m.to for m in mail.outbox] == [["nobody@example.com"]]


def test_adding_an_email_address_sends_its_confirmation_through_the_outbox(db, mentee):
    client = Client()
    client.force_login(mentee)
    response = client.post("/accounts/email/", {"action_add": "", "email": "second@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent from inside the request
    [row] = Notification.objects.all()
    assert (row.recipient, row.to_email) == (mentee, "second@example.com")
    notifications_dispatch_due()
    [message] = mail.outbox
    assert message.to == ["second@example.com"] and "/accounts/confirm-email/" in message.body


def test_a_row_needs_somewhere_to_go(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="account_mail", dedupe_key="nowhere", due_at=timezone.now(),
                                    payload={"subject": "s", "text": "t", "html": ""})


def test_staff_reading_the_outbox_do_not_see_account_mail_links(db, mentee, staff):
    Client().post("/accounts/password/reset/", {"email": mentee.email})
    row = Notification.objects.get()
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/booking/notification/{row.pk}/change/").content.decode()
    assert "/accounts/password/reset/key/" in row.payload["text"]
    assert "/accounts/password/reset/key/" not in page and "not shown" in page
    assert PASSWORD not in page


def test_changing_the_password_tells_the_owner_through_the_outbox(db, mentee):
    """The security notice is the owner's one warning that someone else changed their password."""
    client = Client()
    client.force_login(mentee)
    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "another-long-passphrase-2", "password2": "another-long-passphrase-2"})
    assert response.status_code == 302
    assert mail.outbox == []  # queued, not sent from inside the request
    [row] = Notification.objects.all()
    assert row.recipient == mentee
    notifications_dispatch_due()
    [message] = mail.outbox
    assert message.to == [mentee.email] and "password" in message.subject.lower()
