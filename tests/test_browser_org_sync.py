"""In a real browser, at desktop and phone widths: an organisation admin uploads the HR export,
sees the preview with one problem (by line and field), fixes the file, previews again and applies.
Fails on console errors."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from orgs.models import Membership
from tests.factories import MembershipFactory, UserFactory, org_with_ladder
from tests.journey_support import DESKTOP, PHONE, log_in, submit_and_drain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
HEADER = "email,name,department,level,title,manager_email,employee_id,active"


def _upload(page, tmp_path, text: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    form = page.find_element(By.ID, "sync-upload-form")
    form.find_element(By.NAME, "file").send_keys(str(path))
    submit_and_drain(page, form)


@pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
def test_admin_uploads_sees_one_problem_fixes_and_applies(page, tmp_path):
    acme, _, _ = org_with_ladder(name="Acme")
    admin = UserFactory(email="olga@acme.test", name="Olga Admin")
    MembershipFactory(organisation=acme, user=admin, role="admin")
    log_in(page, page.url, admin.email, PASSWORD)
    page.go("/orgs/acme/admin/sync/")
    assert page.find_element(By.TAG_NAME, "h1").text == "Directory sync"

    rows = ["ana@acme.test,Ana Lopez,Engineering,IC3,Staff engineer,,E1,true",
            "bo@acme.test,Bo Chen,Marketing,IC1,Analyst,ana@acme.test,E2,true"]
    _upload(page, tmp_path, "\n".join([HEADER, *rows]) + "\n")
    problems = page.find_element(By.ID, "sync-problems")
    assert "line 3" in problems.text and "department" in problems.text and "Marketing" in problems.text
    assert not page.find_elements(By.ID, "sync-apply-form")
    assert not Membership.objects.filter(user__email="ana@acme.test").exists()

    rows[1] = rows[1].replace("Marketing", "Finance")
    _upload(page, tmp_path, "\n".join([HEADER, *rows]) + "\n")
    preview = page.find_element(By.ID, "sync-preview")
    assert "2 to create (2 new account(s))" in preview.text
    assert "bo@acme.test" in page.find_element(By.ID, "sync-create").text
    submit_and_drain(page, page.find_element(By.ID, "sync-apply-form"))
    assert "Applied. Acme: 2 row(s) read, 2 created" in page.find_element(By.TAG_NAME, "main").text
    bo = Membership.objects.select_related("department", "manager__user").get(user__email="bo@acme.test")
    assert (bo.department.name, bo.manager.user.email) == ("Finance", "ana@acme.test")

    # Nothing on the page is wider than a phone's screen.
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    errors = page.console.severe()
    assert not errors, "console errors:\n" + "\n".join(errors)
