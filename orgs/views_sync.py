"""The directory sync page for organisation admins: upload -> preview (the same plan and problems
as `manage.py sync_directory --dry-run`) -> confirm applies.

The upload is kept on the server under its SHA-256 (orgs.sync.sync_upload_keep); the confirmation
names that hash and the plan it was shown, and the server plans the kept file again before
applying, so what is applied is the file that was previewed, checked against today's directory.
Organisation admins of this organisation and staff only; anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from orgs.errors import OrgError
from orgs.forms_sync import SyncApplyForm, SyncUploadForm
from orgs.models import Organisation
from orgs.selectors import organisation_managed_get
from orgs.sync import SyncPlan, directory_sync, sync_upload_discard, sync_upload_get, sync_upload_keep

PREVIEW_LIMIT = 200  # changes listed per kind; the counts say how many more


def admin_organisation_get(request, slug: str) -> Organisation:
    organisation = organisation_managed_get(slug=slug, user=request.user)
    if organisation is None:
        raise Http404("Organisation not found.")
    return organisation


def _render(request, organisation: Organisation, *, form=None, plan: SyncPlan | None = None, apply_form=None,
            status: int = 200):
    sections = []
    if plan is not None and not plan.problems:
        for title, changes in (("New members", plan.creates), ("Changed", plan.updates),
                               ("Reactivated", plan.reactivations), ("Deactivated", plan.deactivations)):
            if changes:
                sections.append({"title": title, "kind": changes[0].kind, "changes": changes[:PREVIEW_LIMIT],
                                 "more": max(0, len(changes) - PREVIEW_LIMIT), "count": len(changes)})
    return render(request, "orgs/sync/page.html", {
        "organisation": organisation, "form": form or SyncUploadForm(), "plan": plan, "sections": sections,
        "apply_form": apply_form,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sync_page(request, slug: str):
    """GET: the upload form. POST: keep the file and show its preview (nothing is written)."""
    organisation = admin_organisation_get(request, slug)
    if request.method == "GET":
        return _render(request, organisation)
    form = SyncUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, organisation, form=form, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read()
    plan = directory_sync(organisation=organisation, content=content, fmt=form.cleaned_data["format"] or None,
                          filename=upload.name, deactivate_missing=form.cleaned_data["deactivate_missing"],
                          dry_run=True, actor=request.user)
    apply_form = None
    if not plan.problems and plan.size:
        digest = sync_upload_keep(organisation=organisation, content=content)
        apply_form = SyncApplyForm(initial={"upload": digest, "format": plan.format, "plan": plan.digest,
                                            "deactivate_missing": plan.deactivate_missing})
    return _render(request, organisation, form=SyncUploadForm(initial={"deactivate_missing": plan.deactivate_missing}),
                   plan=plan, apply_form=apply_form)


@login_required
@require_POST
def sync_apply(request, slug: str):
    organisation = admin_organisation_get(request, slug)
    form = SyncApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That preview is not valid any more; upload the file again.")
        return redirect("orgs:sync", slug=organisation.slug)
    data = form.cleaned_data
    try:
        content = sync_upload_get(organisation=organisation, digest=data["upload"])
        plan = directory_sync(organisation=organisation, content=content, fmt=data["format"],
                              deactivate_missing=data["deactivate_missing"], actor=request.user,
                              expected_digest=data["plan"])
    except OrgError as exc:
        if exc.code != "sync_plan_changed":
            messages.error(request, exc.message)
            return redirect("orgs:sync", slug=organisation.slug)
        # Show what the file means now, to confirm again.
        messages.error(request, exc.message)
        plan = directory_sync(organisation=organisation, content=content, fmt=data["format"],
                              deactivate_missing=data["deactivate_missing"], dry_run=True, actor=request.user)
        apply_form = None
        if not plan.problems and plan.size:
            apply_form = SyncApplyForm(initial={**data, "plan": plan.digest})
        return _render(request, organisation, plan=plan, apply_form=apply_form, status=409)
    if plan.problems:  # the directory changed so that the file no longer fits it
        return _render(request, organisation, plan=plan, status=400)
    sync_upload_discard(organisation=organisation, digest=data["upload"])
    messages.success(request, f"Applied. {plan.summary()}")
    return redirect("orgs:sync", slug=organisation.slug)
