"""Account pages: settings, profile editors, the mentor directory and public mentor pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts import services
from accounts.completeness import mentor_completeness
from accounts.directory import DirectoryPaginator, DirectoryRows
from accounts.errors import AccountError
from accounts.forms import (
    DirectoryFilterForm,
    MenteeProfileForm,
    MentorProfileForm,
    UserSettingsForm,
)
from accounts.models import MenteeProfile, MentorProfile, Visibility
from accounts.selectors import (
    MentorFilters,
    directory_filter_choices_version,
    mentor_cards,
    mentor_for_page,
    search_suggestion,
)
from matching.selectors import directory_match_scores
from mentorship.errors import form_add_domain_error
from orgs.selectors import active_org_ids
from orgs.selectors_members import nav_organisations

DIRECTORY_PAGE_SIZE = 12


@login_required
def me(request):
    user = request.user
    if request.method == "POST":
        form = UserSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.user_update(user=user, **form.cleaned_data)
            except AccountError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "Your settings are saved.")
                return redirect("accounts:me")
    else:
        form = UserSettingsForm(initial={
            "name": user.name, "timezone": user.timezone, "is_mentee": user.is_mentee, "is_mentor": user.is_mentor,
            "remind_24h": user.remind_24h, "remind_1h": user.remind_1h, "email_updates": user.email_updates,
        })
    mentor_profile = MentorProfile.objects.filter(user=user).first() if user.is_mentor else None
    return render(request, "accounts/me.html", {"form": form, "mentor_profile": mentor_profile})


@login_required
def mentor_profile_edit(request):
    user = request.user
    if not user.is_mentor:
        messages.info(request, "Tick “I mentor others” in your settings to get a mentor profile.")
        return redirect("accounts:me")
    profile = MentorProfile.objects.prefetch_related("skills", "industries", "languages").get(user=user)
    # The choice is offered to members of an organisation, and kept visible to an internal mentor
    # whose membership ended (so they can go public again).
    offer_visibility = bool(active_org_ids(user=user)) or profile.visibility == Visibility.INTERNAL
    if request.method == "POST":
        form = MentorProfileForm(request.POST, request.FILES, offer_visibility=offer_visibility)
        if form.is_valid():
            try:
                services.mentor_profile_update(user=user, **form.changes())
            except AccountError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "Your mentor profile is saved.")
                return redirect("accounts:mentor_profile_edit")
    else:
        form = MentorProfileForm(initial=MentorProfileForm.initial_for(profile), offer_visibility=offer_visibility)
    return render(request, "accounts/mentor_profile_form.html", {"form": form, "profile": profile})


@login_required
def mentee_profile_edit(request):
    user = request.user
    if not user.is_mentee:
        messages.info(request, "Tick “I want mentoring” in your settings to get a mentee profile.")
        return redirect("accounts:me")
    profile, _ = MenteeProfile.objects.prefetch_related("interests", "industries", "languages").get_or_create(user=user)
    if request.method == "POST":
        form = MenteeProfileForm(request.POST)
        if form.is_valid():
            try:
                services.mentee_profile_update(user=user, **form.cleaned_data)
            except AccountError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "Your mentee profile is saved.")
                return redirect("accounts:mentee_profile_edit")
    else:
        form = MenteeProfileForm(initial=MenteeProfileForm.initial_for(profile))
    status = 400 if form.errors else 200  # a refused form is a 400, as the API's answer is
    return render(request, "accounts/mentee_profile_form.html", {"form": form, "profile": profile}, status=status)


_FILTER_FIELDS_HTML: dict[tuple, SafeString] = {}
_FILTER_FIELDS_KEPT = 512  # per process: the common searches; the rest are rendered each time


def directory_filter_fields_html(form, *, show_colleagues: bool, viewer_zone: str) -> SafeString:
    """The filter form's fields as HTML, kept per process for each set of submitted values, kind of
    viewer and version of the options: rendering the seven fields through the field template was
    ~1.6 ms of every directory page, and they differ only by these (their errors included)."""
    version = directory_filter_choices_version()
    data = form.data if form.is_bound else {}
    values = tuple((name, tuple(data.getlist(name)) if hasattr(data, "getlist") else data.get(name))
                   for name in form.fields)
    key = (version, form.is_bound, values, form._can_sort_by_match(), show_colleagues, viewer_zone)
    html = _FILTER_FIELDS_HTML.get(key)
    if html is None:
        html = render_to_string("accounts/_directory_filter_fields.html",
                                {"form": form, "show_colleagues": show_colleagues, "viewer_zone": viewer_zone})
        if version != "uncached":
            if len(_FILTER_FIELDS_HTML) >= _FILTER_FIELDS_KEPT:
                _FILTER_FIELDS_HTML.clear()
            _FILTER_FIELDS_HTML[key] = html
    return html


def directory(request):
    form = DirectoryFilterForm(request.GET or None, viewer=request.user)
    data = form.valid_data() if form.is_bound else {}
    scores = directory_match_scores(viewer=request.user, sort=data.get("sort"))
    filters = MentorFilters.from_cleaned(data, match_scores=scores, zone=request.tz_name)
    mentors = DirectoryRows(query=data.get("q", ""), filters=filters, viewer=request.user)
    page = DirectoryPaginator(mentors, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's queries run here, not lazily inside the template; a card shows no industries.
    page.object_list = mentor_cards(list(page.object_list), industries=False)
    query = data.get("q", "")
    suggestion = search_suggestion(query) if query and not page.paginator.count else None
    context = {
        "form": form, "page": page, "mentors": page.object_list,
        "has_filters": form.is_bound and form.has_filters(),
        "query": query, "suggestion": suggestion,
        "suggestion_query": _with_query(request.GET, suggestion) if suggestion else "",
        # Cards name the zone their next free time is shown in (the filters' zone when one is given).
        "viewer_zone": (filters.free.zone if filters.free else data.get("tz")) or request.tz_name,
    }
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_directory_results.html", context)
    organisations = nav_organisations(user=request.user)  # the navigation's too (a cache read once)
    context["my_organisations"] = organisations
    context["filter_fields"] = directory_filter_fields_html(form, show_colleagues=bool(organisations),
                                                            viewer_zone=context["viewer_zone"])
    return render(request, "accounts/directory.html", context)


def _with_query(params, query: str) -> str:
    """The current directory query string with `q` replaced (and the page dropped)."""
    params = params.copy()
    params["q"] = query
    params.pop("page", None)
    return params.urlencode()


def mentor_detail(request, slug: str):
    profile = mentor_for_page(slug=slug, viewer=request.user)
    if profile is None:
        raise Http404("No such mentor")
    # Only the owner (and staff) reach a draft (mentor_for_page): tell the owner what keeps it out
    # of the directory.
    owner = request.user.is_authenticated and request.user.pk == profile.pk
    draft = mentor_completeness(profile) if owner and not profile.is_complete else None
    return render(request, "accounts/mentor_detail.html", {"profile": profile, "draft": draft})
