"""Staff sign in with a second factor (authenticator app), required where STAFF_REQUIRE_2FA is on."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

PASSWORD = "correct-horse-battery"


def _sign_in(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def required(settings):
    settings.STAFF_REQUIRE_2FA = True


@pytest.mark.parametrize("path", ["/admin/", "/admin/booking/booking/", "/staff/mail/"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(required, client, staff, path):
    _sign_in(client, staff)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    confirm = client.get(response["Location"])  # allauth asks for the password again before showing a secret
    assert confirm.status_code == 302 and confirm["Location"].startswith("/accounts/reauthenticate/")
    client.post(confirm["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200 and "authenticator" in page.content.decode().lower()


def test_staff_with_an_authenticator_reach_the_admin(required, client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_other_people_are_not_asked(required, client, mentee):
    client.force_login(mentee)
    assert client.get("/sessions/").status_code == 200
    assert client.get("/me/").status_code == 200


def test_without_the_requirement_staff_use_the_admin_as_before(settings, client, staff):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_production_requires_it_by_default():
    import subprocess
    import sys

    code = "import django,os;django.setup();from django.conf import settings;print(settings.STAFF_REQUIRE_2FA)"
    env = {**__import__("os").environ, "PRODUCTION": "1", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.com",
           "DJANGO_SETTINGS_MODULE": "mentorship.settings", "TESTING": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "True"


@time_machine.travel(datetime(2027, 2, 10, 10, 0, 7, tzinfo=UTC), tick=False)
def test_a_password_alone_does_not_sign_staff_in_once_they_have_an_authenticator(required, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    client = Client()
    response = client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not signed in yet
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200  # wrong code: form again
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_recovery_codes_come_with_the_authenticator(required, client, staff):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    TOTP.activate(staff, generate_totp_secret())
    RecoveryCodes.activate(staff)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.force_login(staff)
    response = client.get("/accounts/2fa/recovery-codes/")
    # Viewing the codes asks for the password again first, as it should.
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
