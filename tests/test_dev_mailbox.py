"""Development mail lands in one mailbox that survives restarts, readable by staff as sent."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.core import mail
from django.test import Client

from mentorship.mail_backends import MailboxBackend, mailbox_messages
from sessions.services.notifications import notifications_dispatch_due


@pytest.fixture
def mailbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "mentorship.mail_backends.MailboxBackend"
    settings.DEV_MAILBOX_DIR = tmp_path / "mail"
    return tmp_path / "mail"


def test_development_mail_goes_to_the_mailbox_by_default():
    code = "import django;django.setup();from django.conf import settings;print(settings.EMAIL_BACKEND, settings.DEV_MAILBOX_DIR)"
    env = {**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings", "TESTING": "0"}
    env.pop("EMAIL_BACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    backend, folder = out.strip().splitlines()[-1].split()
    assert backend == "mentorship.mail_backends.MailboxBackend" and folder.endswith("var/mail")


def test_a_sign_up_mail_is_written_as_one_file_and_shown_to_staff(db, mailbox, staff):
    response = Client().post("/accounts/signup/", {"email": "newbie@example.com", "password1": "a-long-passphrase-1",
                                                   "password2": "a-long-passphrase-1", "name": "New Bie",
                                                   "role": "mentee", "timezone": "Europe/Berlin"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert mailbox_messages() == []  # an outbox row until the worker sends it
    assert notifications_dispatch_due()["sent"] == 1
    [path] = mailbox_messages()
    assert path.parent == mailbox and path.suffix == ".eml"
    client = Client()
    client.force_login(staff)
    listing = client.get("/staff/mail/").content.decode()
    assert "newbie@example.com" in listing and path.name in listing
    detail = client.get(f"/staff/mail/{path.name}/").content.decode()
    link = re.search(r"http://localhost:8000(/accounts/confirm-email/[^\s<]+)", detail).group(1)
    assert Client().get(link).status_code == 200  # the link in the mail works
    html = client.get(f"/staff/mail/{path.name}/html/")
    assert html.status_code == 200 and "sandbox" in html["Content-Security-Policy"]
    assert "<html" in html.content.decode().lower() or "<p" in html.content.decode()


def test_booking_mail_from_the_worker_lands_in_the_same_mailbox(db, mailbox, mentor, mentee):
    from tests.factories import BookingFactory

    booking = BookingFactory(mentor=mentor, mentee=mentee)
    message = mail.EmailMultiAlternatives("Confirmed: a session", "Body", to=[mentee.email])
    assert MailboxBackend().send_messages([message]) == 1
    assert booking.status == "confirmed" and len(mailbox_messages()) == 1


def test_mail_survives_a_restart_because_it_is_on_disk(db, mailbox):
    MailboxBackend().send_messages([mail.EmailMessage("One", "x", to=["a@example.com"])])
    MailboxBackend().send_messages([mail.EmailMessage("Two", "y", to=["b@example.com"])])
    names = [p.name for p in mailbox_messages()]
    assert len(names) == 2 and names == sorted(names, reverse=True)  # newest first


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("mentee", 404), ("mentor", 404)])
def test_only_staff_read_the_mailbox(db, mailbox, who, expected, mentee, mentor):
    MailboxBackend().send_messages([mail.EmailMessage("Secret", "x", to=["a@example.com"])])
    [path] = mailbox_messages()
    client = Client()
    if who != "anonymous":
        client.force_login(mentee if who == "mentee" else mentor)
    for url in ("/staff/mail/", f"/staff/mail/{path.name}/", f"/staff/mail/{path.name}/html/"):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["..%2Fdb.sqlite3", ".hidden.eml", "nope.eml", "x.txt"])
def test_names_cannot_leave_the_mailbox(db, mailbox, staff, name):
    client = Client()
    client.force_login(staff)
    assert client.get(f"/staff/mail/{name}/").status_code == 404


def test_an_empty_mailbox_says_how_to_fill_it(db, mailbox, staff):
    client = Client()
    client.force_login(staff)
    assert "No mail yet" in client.get("/staff/mail/").content.decode()
