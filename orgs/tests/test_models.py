"""The database keeps the organisation invariants, whatever writes the rows."""

import pytest
from django.db import IntegrityError, transaction

from orgs.models import OrganisationDomain
from tests.factories import MembershipFactory, ProgramFactory, UserFactory, org_with_ladder

pytestmark = pytest.mark.django_db


def test_a_person_is_a_member_of_an_organisation_once():
    org, _, _ = org_with_ladder()
    person = UserFactory()
    MembershipFactory(organisation=org, user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(organisation=org, user=person)


def test_employee_ids_are_unique_inside_an_organisation_but_blank_ones_repeat():
    org, _, _ = org_with_ladder()
    MembershipFactory(organisation=org, employee_id="")
    MembershipFactory(organisation=org, employee_id="")
    MembershipFactory(organisation=org, employee_id="E1")
    other, _, _ = org_with_ladder(name="Other")
    MembershipFactory(organisation=other, employee_id="E1")
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(organisation=org, employee_id="E1")


def test_a_domain_belongs_to_one_organisation_whatever_its_case():
    org, _, _ = org_with_ladder()
    other, _, _ = org_with_ladder(name="Other")
    OrganisationDomain.objects.create(organisation=org, domain="acme.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationDomain.objects.create(organisation=other, domain="ACME.example")


def test_a_program_cannot_end_before_it_starts():
    program = ProgramFactory()
    program.ends_on = program.starts_on.replace(year=program.starts_on.year - 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()


def test_a_program_allows_some_session_length():
    program = ProgramFactory()
    program.set_session_lengths([])
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()
