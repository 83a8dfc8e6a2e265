"""One registry of error codes (mentorship.errors.ERROR_CODES) and one error body for every API error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from mentorship.errors import ERROR_CODES, DomainError, UnregisteredErrorCode

ROOT = Path(__file__).resolve().parent.parent


def test_every_registered_code_has_a_status_and_a_message():
    for code, entry in ERROR_CODES.items():
        assert 400 <= entry.status < 500, code
        assert entry.message.strip(), code


def test_a_registered_code_decides_its_status():
    assert DomainError("x", code="not_a_mentor").status == 404
    assert DomainError("x", code="slot_taken").status == 409


def test_a_raise_site_cannot_type_a_status():
    with pytest.raises(TypeError):
        DomainError("x", code="not_a_mentor", status=409)


def test_an_unregistered_code_is_refused_at_the_raise_site():
    with pytest.raises(UnregisteredErrorCode):
        DomainError("x", code="no_such_code_anywhere")


def _domain_error_raise_sites():
    """(file, line, class name, code expression or None, keyword names) for every call of
    DomainError or a subclass of it in the project's own code (tests raise odd ones on purpose)."""
    sources = {path: ast.parse(path.read_text(), str(path)) for path in ROOT.rglob("*.py")
               if not {".venv", "mutants", "migrations", "node_modules", "tests"} & set(path.relative_to(ROOT).parts)
               and not path.name.startswith("test_")}
    names = {"DomainError"}
    changed = True
    while changed:  # subclasses of subclasses, by name across modules
        changed = False
        for tree in sources.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        (base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)) in names
                        for base in node.bases):
                    names.add(node.name)
                    changed = True
    sites = []
    for path, tree in sources.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in names:
                keywords = {k.arg: k.value for k in node.keywords}
                sites.append((path.relative_to(ROOT), node.lineno, name, keywords.get("code"), set(keywords)))
    return names, sites


# The one raise site whose code is computed: the slot engine's reason for refusing a start.
DYNAMIC_CODES = {("sessions/selectors.py", "reason")}


def test_every_domain_error_raise_site_names_a_registered_code_and_no_status():
    from sessions.selectors import REASON_MESSAGES

    names, sites = _domain_error_raise_sites()
    assert {"BookingError", "RatingError", "AccountError"} <= names
    assert len(sites) > 50  # the walk really found the raise sites
    classes = {cls.__name__: cls for cls in _all_subclasses(DomainError)} | {"DomainError": DomainError}
    problems = []
    for path, line, name, code, keywords in sites:
        where = f"{path}:{line}"
        if "status" in keywords:
            problems.append(f"{where}: passes status=")
        if code is None:
            default = classes[name].code
            if default not in ERROR_CODES:
                problems.append(f"{where}: {name}'s default code {default!r} is not registered")
        elif isinstance(code, ast.Constant):
            if code.value not in ERROR_CODES:
                problems.append(f"{where}: code {code.value!r} is not registered")
        elif (str(path), ast.unparse(code)) not in DYNAMIC_CODES:
            problems.append(f"{where}: code={ast.unparse(code)} is computed; name a registered code")
    assert not problems, "\n".join(problems)
    unregistered_reasons = set(REASON_MESSAGES) - set(ERROR_CODES)
    assert not unregistered_reasons


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _shape(body):
    assert set(body) >= {"detail", "code", "errors", "error_codes"}, body
    assert isinstance(body["detail"], str) and isinstance(body["code"], str) and isinstance(body["errors"], dict)
    assert body["code"] in ERROR_CODES
    # One code per message, field by field.
    assert {f: len(m) for f, m in body["errors"].items()} == {f: len(c) for f, c in body["error_codes"].items()}


@pytest.mark.django_db
def test_validation_error_body(client_for, mentee):
    response = client_for(mentee).post(reverse("api:booking-list"), {"mentor": "abc"}, format="json")
    assert response.status_code == 400
    body = response.json()
    _shape(body)
    assert body["code"] == "invalid" and "mentor" in body["errors"]
    assert body["error_codes"]["mentor"] == ["invalid"]
    assert body["error_codes"]["start"] == ["required"]


@pytest.mark.django_db
def test_field_messages_carry_a_code_each(client_for, mentee, mentor):
    from ratings.services import rating_create
    from tests.factories import BookingFactory

    booking = BookingFactory(mentor=mentor, mentee=mentee, status="completed")
    client = client_for(mentee)
    response = client.post(reverse("api:rating-list"), {"booking": booking.pk, "stars": 9}, format="json")
    assert response.status_code == 400
    body = response.json()
    _shape(body)
    assert body["error_codes"]["stars"] == ["max_value"]  # DRF's validator code

    rating_create(booking_id=booking.pk, rater=mentee, stars=4)
    response = client.post(reverse("api:rating-list"), {"booking": booking.pk, "stars": 4}, format="json")
    assert response.status_code == 409
    body = response.json()
    _shape(body)
    assert body["code"] == "already_rated" and body["error_codes"]["booking"] == ["already_rated"]


@pytest.mark.django_db
def test_an_api_address_no_route_matches_answers_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/bookings/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    _shape(body)
    assert body["code"] == "not_found"


@pytest.mark.django_db
def test_a_nul_byte_in_an_api_path_is_a_400_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/mentors/%00/")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    _shape(response.json())


@pytest.mark.django_db
def test_domain_error_body(client_for, mentee):
    response = client_for(mentee).get("/api/v1/me/mentor-profile/")
    assert response.status_code == 404
    body = response.json()
    _shape(body)
    assert body["code"] == "not_a_mentor"


@pytest.mark.django_db
def test_not_authenticated_body(api_client):
    response = api_client.get(reverse("api:booking-list"))
    assert response.status_code == 401
    body = response.json()
    _shape(body)
    assert body["code"] == "not_authenticated"


@pytest.mark.django_db
def test_not_found_body(client_for, mentee):
    response = client_for(mentee).get(reverse("api:booking-detail", args=[999999]))
    assert response.status_code == 404
    body = response.json()
    _shape(body)
    assert body["code"] == "not_found"


@pytest.mark.django_db
def test_not_a_mentor_is_404_in_every_service(mentee):
    from accounts import services as accounts_services
    from sessions.services import availability

    for call in (lambda: accounts_services.mentor_profile_update(user=mentee, headline="x"),
                 lambda: availability.availability_set_weekly(mentor=mentee, rules=[])):
        with pytest.raises(DomainError) as caught:
            call()
        assert (caught.value.status, caught.value.code) == (404, "not_a_mentor")


@pytest.mark.django_db
def test_the_schema_lists_each_error_status_with_its_registered_codes(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    book = schema["paths"]["/api/v1/bookings/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "406", "409", "415", "429"} <= set(book)
    codes = book["409"]["content"]["application/json"]["schema"]["allOf"][1]["properties"]["code"]["enum"]
    assert codes == sorted(code for code, entry in ERROR_CODES.items() if entry.status == 409)
    assert "slot_taken" in codes
    # A public read: a wrong token is still a 401, and nothing there is a 403 or a 415.
    mentor = schema["paths"]["/api/v1/mentors/{id}/"]["get"]["responses"]
    assert set(mentor) == {"200", "400", "401", "404", "406", "429"}
    assert schema["paths"]["/api/v1/mentors/{id}/"]["get"]["parameters"][0]["schema"]["maximum"] == 2**63 - 1
