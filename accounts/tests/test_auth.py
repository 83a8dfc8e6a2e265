"""allauth flows as people meet them: sign up, verify, log in (rate-limited), reset, change email."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.importing import profiles_import
from accounts.models import MentorProfile, User
from sessions.services.notifications import notifications_dispatch_due

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "new.mentor@example.com", "password1": "a-long-unusual-passphrase", "password2":
          "a-long-unusual-passphrase", "name": "Nia New", "role": "both", "timezone": "Asia/Kolkata"}


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_signup_sends_a_text_and_html_confirmation_and_confirming_logs_in(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="timezone"' in page and 'data-detect-timezone' in page and 'name="role"' in page
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="new.mentor@example.com")
    assert (user.name, user.timezone, user.is_mentor, user.is_mentee) == ("Nia New", "Asia/Kolkata", True, True)
    assert MentorProfile.objects.filter(user=user).exists()

    assert mail.outbox == []  # account mail is an outbox row; the worker sends it
    notifications_dispatch_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[Micro-mentorship]") and message.to == ["new.mentor@example.com"]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Confirm my email address" in html and "Nia New" in html
    confirm_path = _path(_link(message))
    assert confirm_path in html

    assert client.get("/me/").status_code == 302  # not logged in before confirming
    assert client.get(confirm_path).status_code == 200  # a confirm button, not a state change on GET
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/me/").status_code == 200


def test_signup_rejects_bad_input_with_errors_next_to_fields(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "timezone": "Nowhere/Atlantis", "password2": "different",
                                                 "name": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "timezone" in html and "Select a valid choice" in html and "This field is required" in html
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_login_is_rate_limited_after_repeated_failures(client, mentee, frozen_now, settings):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "mentee@example.com", "password": "wrong"})
        assert response.status_code == 200
    # Past the address's short delay (accounts.signin): what refuses now is the account's own lock.
    frozen_now.shift(settings.SIGNIN_ADDRESS_DELAY_SECONDS + 1)
    response = client.post("/accounts/login/", {"login": "mentee@example.com", "password": "correct-horse-battery"})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/me/").status_code == 302  # the right password did not get in while limited


def test_login_and_logout(client, mentee):
    response = client.post("/accounts/login/", {"login": "MENTEE@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == "/home/"  # the signed-in home
    assert client.get("/me/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/me/").status_code == 302


def test_imported_user_sets_a_password_through_password_reset(client):
    report = profiles_import(data={"mentees": [{"email": "imported@example.com", "name": "Ima Ported",
                                                "timezone": "Europe/Berlin"}]})
    assert report.users_created == 1
    user = User.objects.get(email="imported@example.com")
    assert not user.has_usable_password()

    client.post("/accounts/password/reset/", {"email": "imported@example.com"})
    notifications_dispatch_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Choose a new password" in message.alternatives[0][0]
    response = client.get(_path(_link(message)), follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else _path(_link(message))
    response = client.post(form_path, {"password1": "brand-new-passphrase-9", "password2": "brand-new-passphrase-9"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase-9")


def test_email_change_needs_confirmation_of_the_new_address(client_for, mentee):
    client = client_for(mentee)
    response = client.post("/accounts/email/", {"email": "manu.new@example.com", "action_add": ""})
    assert response.status_code == 302
    notifications_dispatch_due()
    message = mail.outbox[-1]
    assert message.to == ["manu.new@example.com"] and message.alternatives
    client.post(_path(_link(message)))
    mentee.refresh_from_db()
    assert mentee.email == "manu.new@example.com"
