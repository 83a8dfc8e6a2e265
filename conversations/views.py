"""The conversation page of a session: thread, agenda, notes and action items on one page.

Thin: load with the participant rule (404 for everyone else, staff included), parse, call the
service, redirect (PRG); on a refusal re-render the page with the form, its errors and the
service's status.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import services as accounts
from accounts.models import Block
from conversations import selectors, services
from conversations.attachments import attachment_response
from conversations.errors import ConversationError
from conversations.forms import ActionItemForm, AgendaForm, DecideForm, ExtendForm, MessageForm, NoteForm, ReportForm
from conversations.models import MessageReport
from conversations.moderation import (
    message_context,
    message_report,
    message_report_decide,
    message_reports_open,
)
from mentorship.errors import form_add_domain_error
from ratings.services import can_moderate
from sessions.models import Booking

MESSAGES_SHOWN = 200  # the latest; older ones through the API's cursor pages


def _booking(request, pk: int) -> Booking:
    booking = selectors.booking_for_participant(user=request.user, pk=pk)
    if booking is None:
        raise Http404("Session not found.")
    return booking


def _render(request, booking: Booking, *, status: int = 200, **forms):
    user = request.user
    thread = selectors.thread_of(booking=booking)
    state = selectors.thread_state(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id, thread=thread)
    private = selectors.note_private(booking=booking, user=user)
    shared = selectors.note_shared(booking=booking)
    recent = list(selectors.messages_of(thread=thread).order_by("-id")[:MESSAGES_SHOWN])[::-1]
    if recent:
        services.thread_mark_read(thread=thread, user=user, upto_id=recent[-1].pk)
    other = booking.mentee if user.pk == booking.mentor_id else booking.mentor
    context = {
        "booking": booking,
        "other": other,
        "i_blocked": Block.objects.filter(blocker=user, blocked=other).exists(),
        "is_mentor": user.pk == booking.mentor_id,
        "state": state,
        "thread_messages": recent,
        "last_id": recent[-1].pk if recent else 0,
        "poll_seconds": settings.CONVERSATIONS_POLL_SECONDS,
        "agenda": list(selectors.agenda_of(booking=booking)),
        "action_items": list(selectors.action_items_of(booking=booking)),
        "shared_note": shared,
        "message_form": forms.get("message_form") or MessageForm(),
        "agenda_form": forms.get("agenda_form") or AgendaForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "action_form": forms.get("action_form") or ActionItemForm(booking=booking),
        "private_form": forms.get("private_form") or NoteForm(
            shared=False, initial={"body": private.body if private else ""}),
        "shared_form": forms.get("shared_form") or NoteForm(
            shared=True, initial={"body": shared.body if shared else "", "version": shared.version if shared else 0}),
    }
    return render(request, "conversations/page.html", context, status=status)


def _refused(request, booking: Booking, form, key: str, exc: ConversationError):
    if exc.status == 404:
        raise Http404(exc.message)
    if not form.is_bound:  # a button without fields (close): the refusal goes to the top of the page
        flash.error(request, exc.message)
    elif exc.field_errors:
        form_add_domain_error(form, exc)
    else:
        form.add_error(None, exc.message)
    return _render(request, booking, status=exc.status, **{key: form})


def _done(pk: int, anchor: str):
    response = redirect("conversations:page", pk=pk)
    response["Location"] += f"#{anchor}"
    return response


@login_required
@require_GET
def page(request, pk: int):
    return _render(request, _booking(request, pk))


@login_required
@require_POST
def message(request, pk: int):
    booking = _booking(request, pk)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, booking, status=400, message_form=form)
    try:
        services.message_post(booking=booking, author=request.user, body=form.cleaned_data["body"],
                              files=form.cleaned_data["files"])
    except ConversationError as exc:
        return _refused(request, booking, form, "message_form", exc)
    return _done(pk, "thread")


@login_required
@require_POST
def close(request, pk: int):
    booking = _booking(request, pk)
    try:
        services.thread_close(booking=booking, actor=request.user)
    except ConversationError as exc:
        return _refused(request, booking, ExtendForm(), "extend_form", exc)
    flash.success(request, "The conversation is closed. Booking again opens it.")
    return _done(pk, "thread")


@login_required
@require_POST
def extend(request, pk: int):
    booking = _booking(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _render(request, booking, status=400, extend_form=form)
    try:
        services.thread_extend(booking=booking, actor=request.user, days=form.cleaned_data["days"])
    except ConversationError as exc:
        return _refused(request, booking, form, "extend_form", exc)
    flash.success(request, "The conversation stays open longer.")
    return _done(pk, "thread")


@login_required
@require_POST
def agenda_add(request, pk: int):
    booking = _booking(request, pk)
    form = AgendaForm(request.POST)
    if not form.is_valid():
        return _render(request, booking, status=400, agenda_form=form)
    try:
        services.agenda_add(booking=booking, author=request.user, text=form.cleaned_data["text"])
    except ConversationError as exc:
        return _refused(request, booking, form, "agenda_form", exc)
    return _done(pk, "agenda")


@login_required
@require_POST
def agenda_remove(request, pk: int, item_id: int):
    booking = _booking(request, pk)
    item = selectors.agenda_item_for_participant(user=request.user, pk=item_id)
    if item is None or item.booking_id != booking.pk:
        raise Http404("Agenda point not found.")
    try:
        services.agenda_remove(item=item, actor=request.user)
    except ConversationError as exc:
        return _refused(request, booking, AgendaForm(), "agenda_form", exc)
    return _done(pk, "agenda")


@login_required
@require_POST
def note(request, pk: int, kind: str):
    if kind not in ("private", "shared"):
        raise Http404("No such notes.")
    shared = kind == "shared"
    booking = _booking(request, pk)
    key = "shared_form" if shared else "private_form"
    form = NoteForm(request.POST, shared=shared)
    if not form.is_valid():
        return _render(request, booking, status=400, **{key: form})
    try:
        services.note_save(booking=booking, author=request.user, body=form.cleaned_data["body"], shared=shared,
                           version=form.cleaned_data.get("version") if shared else None)
    except ConversationError as exc:
        return _refused(request, booking, form, key, exc)
    flash.success(request, "Notes saved.")
    return _done(pk, "notes")


@login_required
@require_POST
def action_add(request, pk: int):
    booking = _booking(request, pk)
    form = ActionItemForm(request.POST, booking=booking)
    if not form.is_valid():
        return _render(request, booking, status=400, action_form=form)
    data = form.cleaned_data
    try:
        services.action_item_create(booking=booking, actor=request.user, text=data["text"], owner_id=data["owner"],
                                    due_date=data.get("due_date"))
    except ConversationError as exc:
        return _refused(request, booking, form, "action_form", exc)
    return _done(pk, "actions")


def _action_item(request, booking: Booking, item_id: int):
    item = selectors.action_item_for_participant(user=request.user, pk=item_id)
    if item is None or item.booking_id != booking.pk:
        raise Http404("Action item not found.")
    return item


@login_required
@require_POST
def action_toggle(request, pk: int, item_id: int):
    booking = _booking(request, pk)
    item = _action_item(request, booking, item_id)
    services.action_item_update(item=item, actor=request.user, done=item.done_at is None)
    return _done(pk, "actions")


@login_required
@require_POST
def action_delete(request, pk: int, item_id: int):
    booking = _booking(request, pk)
    services.action_item_delete(item=_action_item(request, booking, item_id), actor=request.user)
    return _done(pk, "actions")


@login_required
@require_GET
def poll(request, pk: int):
    """The messages after ?after=<id>, for the page's htmx poller: appended out of band, with a
    new poller that asks from the last one shown. Seen here counts as read."""
    booking = _booking(request, pk)
    try:
        after = max(int(request.GET.get("after", "0")), 0)
    except ValueError:
        after = 0
    thread = selectors.thread_of(booking=booking)
    new = list(selectors.messages_of(thread=thread).filter(pk__gt=after)[:MESSAGES_SHOWN])
    if new:
        services.thread_mark_read(thread=thread, user=request.user, upto_id=new[-1].pk)
    return render(request, "conversations/_poll.html",
                  {"booking": booking, "thread_messages": new, "last_id": new[-1].pk if new else after,
                   "poll_seconds": settings.CONVERSATIONS_POLL_SECONDS})


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.threads_of(user=request.user), 20).get_page(request.GET.get("page"))
    threads = list(page.object_list)
    for thread in threads:
        thread.other = thread.mentor if thread.mentee_id == request.user.pk else thread.mentee
    return render(request, "conversations/inbox.html", {"page": page, "threads": threads})


@login_required
@require_GET
def unread(request):
    """The navigation's unread badge (loaded by htmx so pages do not pay for it)."""
    count = selectors.unread_count(user=request.user)
    if not count:
        return HttpResponse("")
    return HttpResponse(f'<span class="badge" aria-label="{count} unread">{count}</span>')


@login_required
@require_GET
def attachment(request, pk: int):
    found = selectors.attachment_for_participant(user=request.user, pk=pk)
    if found is None:
        raise Http404("File not found.")
    return attachment_response(found)


@login_required
@require_POST
def report(request, pk: int, message_id: int):
    booking = _booking(request, pk)
    found = selectors.message_for_participant(user=request.user, pk=message_id)
    if found is None or found.thread.participant_ids() != (booking.mentor_id, booking.mentee_id):
        raise Http404("Message not found.")
    form = ReportForm(request.POST, message_id=message_id)
    if not form.is_valid():
        flash.error(request, "Please correct the report.")
        return _render(request, booking, status=400)
    try:
        message_report(message=found, reporter=request.user, reason=form.cleaned_data["reason"])
    except ConversationError as exc:
        if exc.status == 404:
            raise Http404(exc.message)
        flash.error(request, exc.field_errors.get("reason", [exc.message])[0])
        return _render(request, booking, status=exc.status)
    flash.success(request, "Thank you. A moderator will look at the message.")
    return _done(pk, f"message-{message_id}")


def _require_moderator(request):
    if not can_moderate(request.user):
        raise Http404("Not found.")  # the queue's existence is nobody else's business


@login_required
@require_GET
def moderation(request):
    _require_moderator(request)
    return _moderation_page(request)


def _moderation_page(request, forms: dict | None = None, status: int = 200):
    page = Paginator(message_reports_open(), 20).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    for r in reports:
        r.context = message_context(message=r.message)
        r.form = (forms or {}).get(r.pk) or DecideForm(report_id=r.pk)
    return render(request, "conversations/moderation.html", {"page": page, "reports": reports}, status=status)


@login_required
@require_POST
def decide(request, report_id: int):
    _require_moderator(request)
    found = MessageReport.objects.filter(pk=report_id).first()
    if found is None:
        raise Http404("Report not found.")
    form = DecideForm(request.POST, report_id=report_id)
    if not form.is_valid():
        return _moderation_page(request, {report_id: form}, 400)
    try:
        message_report_decide(report=found, moderator=request.user, decision=form.cleaned_data["decision"],
                              reason=form.cleaned_data["reason"])
    except ConversationError as exc:
        form_add_domain_error(form, exc)
        return _moderation_page(request, {report_id: form}, exc.status)
    flash.success(request, "Decision saved.")
    return redirect("conversations:moderation")


@login_required
@require_POST
def block(request, pk: int):
    """Block (or, with unblock=1, unblock) the other participant of this session."""
    booking = _booking(request, pk)
    other = booking.mentee if request.user.pk == booking.mentor_id else booking.mentor
    if request.POST.get("unblock"):
        accounts.block_remove(blocker=request.user, blocked_id=other.pk)
        flash.success(request, f"You unblocked {other.display_name}.")
    else:
        accounts.block_create(blocker=request.user, blocked=other)
        flash.success(request, f"You blocked {other.display_name}: you can no longer book or message each other.")
    return _done(pk, "thread")
