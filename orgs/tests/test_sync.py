"""Directory sync (orgs.sync): validation by line and field, the plan, applying it, idempotence."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import is_password_usable

from accounts.models import User
from orgs.errors import OrgError
from orgs.models import Membership
from orgs.sync import directory_sync, sync_plan
from orgs.tests.conftest import csv_file
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acme_domain")]

GOOD = csv_file(
    "ana@acme.test,Ana Lopez,Engineering,IC3,Staff engineer,Berlin,,E1,true",
    "bo@acme.test,Bo Chen,finance,ic1,Analyst,Lisbon,ana@acme.test,E2,",
    "cy@elsewhere.test,Cy Diaz,Sales,IC2,Account executive,Madrid,bo@acme.test,E3,yes",
)


def _snapshot():
    return (list(User.objects.order_by("pk").values_list("email", "is_active")),
            list(Membership.objects.order_by("pk").values_list(
                "user__email", "department__name", "level__code", "title", "location", "manager__user__email",
                "employee_id", "is_active")),
            EmailAddress.objects.count())


def test_a_valid_file_creates_accounts_and_memberships(acme):
    plan = directory_sync(organisation=acme, content=GOOD)
    assert plan.applied and not plan.problems
    assert (len(plan.creates), plan.accounts_created) == (3, 3)
    ana, bo, cy = (Membership.objects.select_related("user", "department", "level", "manager__user")
                   .get(user__email=e) for e in ("ana@acme.test", "bo@acme.test", "cy@elsewhere.test"))
    assert (ana.department.name, ana.level.code, ana.title, ana.location, ana.employee_id, ana.manager) == (
        "Engineering", "IC3", "Staff engineer", "Berlin", "E1", None)
    assert (bo.department.name, bo.level.code, bo.manager.user.email) == ("Finance", "IC1", "ana@acme.test")
    assert cy.manager.user.email == "bo@acme.test" and cy.is_active and cy.role == "member"
    # New people get in through the password reset or SSO: no usable password, the org's zone.
    assert not is_password_usable(ana.user.password) and ana.user.timezone == acme.timezone
    assert ana.user.name == "Ana Lopez"
    # The company vouches for addresses on its verified domains only.
    assert EmailAddress.objects.get(email="ana@acme.test").verified
    assert not EmailAddress.objects.get(email="cy@elsewhere.test").verified


def test_running_the_same_file_twice_changes_nothing_the_second_time(acme):
    directory_sync(organisation=acme, content=GOOD)
    before = _snapshot()
    again = directory_sync(organisation=acme, content=GOOD)
    assert again.size == 0 and again.unchanged == 3 and again.lines() == []
    assert _snapshot() == before


def test_an_existing_account_is_linked_not_duplicated_and_keeps_its_name(acme):
    user = UserFactory(email="Ana@Acme.test", name="Ana L.")
    plan = directory_sync(organisation=acme, content=GOOD)
    assert plan.accounts_created == 2
    assert Membership.objects.get(organisation=acme, user=user)
    user.refresh_from_db()
    assert user.name == "Ana L."  # the person's own display name is theirs


def test_changes_are_planned_field_by_field_and_applied(acme):
    directory_sync(organisation=acme, content=GOOD)
    moved = csv_file(
        "ana@acme.test,Ana Lopez,Engineering,IC4,Principal engineer,Berlin,,E1,true",
        "bo@acme.test,Bo Chen,Sales,IC1,Analyst,Lisbon,,E2,",
        "cy@elsewhere.test,Cy Diaz,Sales,IC2,Account executive,Madrid,ana@acme.test,E3,yes",
    )
    plan = sync_plan(organisation=acme, content=moved)
    lines = {c.email: c.line() for c in plan.updates}
    assert "level IC3 -> IC4" in lines["ana@acme.test"] and "Principal engineer" in lines["ana@acme.test"]
    assert "department Finance -> Sales" in lines["bo@acme.test"]
    assert "manager ana@acme.test -> (none)" in lines["bo@acme.test"]
    assert "manager bo@acme.test -> ana@acme.test" in lines["cy@elsewhere.test"]
    directory_sync(organisation=acme, content=moved)
    bo = Membership.objects.get(user__email="bo@acme.test")
    assert (bo.department.name, bo.manager) == ("Sales", None)
    assert Membership.objects.get(user__email="ana@acme.test").level.code == "IC4"


def test_absent_columns_leave_fields_alone_and_empty_cells_clear_them(acme):
    directory_sync(organisation=acme, content=GOOD)
    directory_sync(organisation=acme, content=csv_file("ana@acme.test,", header="email,title"))
    ana = Membership.objects.get(user__email="ana@acme.test")
    assert ana.title == "" and ana.department.name == "Engineering" and ana.employee_id == "E1"


def test_two_people_can_swap_employee_ids(acme):
    directory_sync(organisation=acme, content=GOOD)
    directory_sync(organisation=acme, content=csv_file("ana@acme.test,E2", "bo@acme.test,E1",
                                                       header="email,employee_id"))
    assert Membership.objects.get(user__email="ana@acme.test").employee_id == "E2"
    assert Membership.objects.get(user__email="bo@acme.test").employee_id == "E1"


def test_json_files_work_like_csv(acme):
    people = [{"email": "ana@acme.test", "name": "Ana Lopez", "department": "Engineering", "level": "IC3",
               "employee_id": 17, "active": True},
              {"email": "bo@acme.test", "name": "Bo Chen", "manager_email": "ana@acme.test", "active": None}]
    plan = directory_sync(organisation=acme, content=json.dumps({"people": people}, indent=2).encode())
    assert plan.format == "json" and len(plan.creates) == 2
    assert Membership.objects.get(user__email="ana@acme.test").employee_id == "17"
    assert directory_sync(organisation=acme, content=json.dumps(people).encode()).size == 0


def test_a_dry_run_writes_nothing(acme):
    before = _snapshot()
    plan = directory_sync(organisation=acme, content=GOOD, dry_run=True)
    assert len(plan.creates) == 3 and not plan.applied
    assert _snapshot() == before


def test_people_marked_inactive_who_are_not_members_are_skipped(acme):
    plan = directory_sync(organisation=acme, content=csv_file("zed@acme.test,false", header="email,active"))
    assert plan.size == 0 and plan.skipped_inactive == 1 and not User.objects.filter(email="zed@acme.test").exists()


def test_an_applied_plan_must_be_the_previewed_one(acme):
    preview = sync_plan(organisation=acme, content=GOOD)
    MembershipFactory(organisation=acme, user=UserFactory(email="ana@acme.test"), title="Intern")
    with pytest.raises(OrgError) as refused:
        directory_sync(organisation=acme, content=GOOD, expected_digest=preview.digest)
    assert refused.value.code == "sync_plan_changed" and refused.value.status == 409
    assert Membership.objects.filter(organisation=acme).count() == 1


# --- a bad file writes nothing: one test per kind of problem, each named by line and field -----------

BAD_CSV = {
    "bad email": ("ana@acme.test,Ana", "not-an-email,Bo", "line 3, email: “not-an-email” is not an email address"),
    "missing email": ("ana@acme.test,Ana", ",Bo", "line 3, email: An email address is required"),
    "duplicate email": ("ana@acme.test,Ana", "ANA@acme.test,Ana again", "line 3, email: ana@acme.test is also on line 2"),
    "control characters in a name": ("ana@acme.test,\"Ana\tLopez\"", "bo@acme.test,Bo", "line 2, name: Keep this to one line"),
}


@pytest.mark.parametrize("first,second,message", BAD_CSV.values(), ids=BAD_CSV.keys())
def test_a_bad_person_is_reported_by_line_and_field(acme, first, second, message):
    _refused(acme, csv_file(first, second, header="email,name"), message)


BAD_FIELDS = {
    "unknown department": ("department", "Marketing",
                           "line 2, department: “Marketing” is not a department of Acme (known: Engineering, Finance, Sales)"),
    "unknown level": ("level", "VP", "line 2, level: “VP” is not a level of Acme (known: IC1, IC2, IC3, IC4)"),
    "malformed active": ("active", "maybe", "line 2, active: “maybe” is not one of: true, false"),
    "title too long": ("title", "x" * 121, "line 2, title: At most 120 characters (121 given)"),
    "bad manager email": ("manager_email", "boss at acme", "line 2, manager_email: “boss at acme” is not an email"),
    "manager nowhere": ("manager_email", "ghost@acme.test",
                        "line 2, manager_email: ghost@acme.test is neither in this file nor a member"),
    "own manager": ("manager_email", "ana@acme.test", "line 2, manager_email: A person cannot be their own manager"),
}


@pytest.mark.parametrize("column,value,message", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_a_bad_field_is_reported_by_line_and_field(acme, column, value, message):
    _refused(acme, csv_file(f"ana@acme.test,\"{value}\"", header=f"email,{column}"), message)


def test_duplicate_employee_ids_in_the_file(acme):
    _refused(acme, csv_file("ana@acme.test,E1", "bo@acme.test,E1", header="email,employee_id"),
             "line 3, employee_id: E1 is also on line 2")


def test_an_employee_id_held_by_a_member_not_in_the_file(acme):
    MembershipFactory(organisation=acme, user=UserFactory(email="old@acme.test"), employee_id="E1")
    _refused(acme, csv_file("ana@acme.test,E1", header="email,employee_id"),
             "line 2, employee_id: E1 belongs to old@acme.test, who keeps it")


def test_managers_in_a_circle(acme):
    _refused(acme, csv_file("ana@acme.test,bo@acme.test", "bo@acme.test,cy@acme.test", "cy@acme.test,ana@acme.test",
                            header="email,manager_email"),
             "line 2, manager_email: Managers go round in a circle: ana@acme.test -> bo@acme.test -> cy@acme.test "
             "-> ana@acme.test")


def test_a_circle_through_a_member_not_in_the_file(acme):
    boss = MembershipFactory(organisation=acme, user=UserFactory(email="boss@acme.test"))
    ana = MembershipFactory(organisation=acme, user=UserFactory(email="ana@acme.test"))
    Membership.objects.filter(pk=boss.pk).update(manager=ana)
    _refused(acme, csv_file("ana@acme.test,boss@acme.test", header="email,manager_email"),
             "line 2, manager_email: Managers go round in a circle: ana@acme.test -> boss@acme.test -> ana@acme.test")


def test_an_unknown_column(acme):
    _refused(acme, csv_file("ana@acme.test,Sales", header="email,departement"),
             "line 1, departement: Unknown column")


def test_a_file_without_an_email_column(acme):
    _refused(acme, csv_file("Ana", header="name"), "line 1, email: The file needs an email column")


def test_a_row_with_more_values_than_columns(acme):
    _refused(acme, csv_file("ana@acme.test,Ana,extra", header="email,name"), "line 2, file: 3 values but 2 columns")


def test_json_problems_name_the_record_and_its_line(acme):
    text = '[\n  {"email": "ana@acme.test"},\n  {"email": "bo@acme.test",\n   "level": "VP"}\n]'
    _refused(acme, text.encode(), "record 2 (line 3), level: “VP” is not a level of Acme")


def test_malformed_json_names_its_line(acme):
    _refused(acme, b'[\n {"email": "ana@acme.test"},\n {"email": }\n]', "line 3, file: Not valid JSON")


def test_json_keys_must_be_known_and_values_text(acme):
    _refused(acme, b'[{"email": "ana@acme.test", "title": ["x"], "mood": "fine"}]', "record 1 (line 1), title: Must be text")


def test_a_file_that_is_not_utf8(acme):
    _refused(acme, "email\nzoë@acme.test\n".encode("latin-1"), "file, file: Not UTF-8 text")


def test_every_problem_is_listed_not_only_the_first(acme):
    plan = sync_plan(organisation=acme, content=csv_file("bad,Ana,Nowhere", "bo@acme.test,Bo,Nowhere",
                                                         header="email,name,department"))
    assert [str(p).split(":")[0] for p in plan.problems] == ["line 2, email", "line 3, department"]


def _refused(org, content: bytes, message: str) -> None:
    before = _snapshot()
    plan = directory_sync(organisation=org, content=content)
    assert not plan.applied
    assert any(message in str(p) for p in plan.problems), [str(p) for p in plan.problems]
    assert _snapshot() == before


def test_validation_costs_a_fixed_number_of_queries(acme, django_assert_max_num_queries):
    small = csv_file(*(f"p{i}@acme.test,P {i},Sales,IC1" for i in range(5)), header="email,name,department,level")
    big = csv_file(*(f"p{i}@acme.test,P {i},Sales,IC1" for i in range(500)), header="email,name,department,level")
    with django_assert_max_num_queries(6) as few:
        sync_plan(organisation=acme, content=small)
    with django_assert_max_num_queries(len(few.captured_queries)):
        sync_plan(organisation=acme, content=big)


def test_another_organisations_members_are_not_touched(acme):
    other = OrganisationFactory(name="Globex")
    MembershipFactory(organisation=other, user=UserFactory(email="gia@globex.test"))
    directory_sync(organisation=acme, content=GOOD, deactivate_missing=True)
    assert Membership.objects.get(user__email="gia@globex.test").is_active


@pytest.mark.parametrize("email", ["ana@acme.test", "cy@elsewhere.test"], ids=["verified domain", "other domain"])
def test_new_people_get_in_through_forgot_password(acme, client, email):
    from django.core import mail

    from tests.journey_support import latest_mail_to

    directory_sync(organisation=acme, content=GOOD)
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": email})
    assert "/accounts/password/reset/key/" in latest_mail_to(email).body
