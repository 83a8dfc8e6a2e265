"""The conversation API: a booking's thread, messages, agenda, notes and action items.

Loading is conversations.selectors' participant rule: anyone but the booking's two participants
(staff included) gets 404. Refusals come from the services with registered codes.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import moderation, selectors, services
from conversations.api import serializers as s
from conversations.attachments import attachment_response
from conversations.models import ActionItem, AgendaItem, Message, MessageReport, Thread
from ratings.services import can_moderate
from sessions.models import Booking


def _booking(request, pk: int) -> Booking:
    booking = selectors.booking_for_participant(user=request.user, pk=pk)
    if booking is None:
        raise NotFound("Session not found.")
    return booking


class MessageCursor(CursorPagination):
    """Oldest first; `next` walks towards newer messages, so a client polls the last `next` link."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class ThreadView(APIView):
    """GET: whether the booking's conversation is open, until when, and who may close or extend it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ThreadOut)
    def get(self, request, pk: int):
        return Response(_thread_out(request, _booking(request, pk)))


def _thread_out(request, booking: Booking) -> dict:
    thread = selectors.thread_of(booking=booking)
    state = selectors.thread_state(mentor_id=booking.mentor_id, mentee_id=booking.mentee_id, thread=thread)
    return s.ThreadOut({"open": state.open, "open_until": state.open_until, "why": state.why,
                        "can_manage": request.user.pk == booking.mentor_id,
                        "message_count": selectors.messages_of(thread=thread).count()}).data


class ThreadCloseView(APIView):
    """POST (mentor): end the follow-up window now; booking again reopens it."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403}  # the mentee

    @extend_schema(request=None, responses=s.ThreadOut)
    def post(self, request, pk: int):
        booking = _booking(request, pk)
        services.thread_close(booking=booking, actor=request.user)
        return Response(_thread_out(request, booking))


class ThreadExtendView(APIView):
    """POST (mentor): keep the conversation open `days` more days."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403}
    serializer_class = s.ThreadExtendInput

    @extend_schema(request=s.ThreadExtendInput, responses=s.ThreadOut)
    def post(self, request, pk: int):
        booking = _booking(request, pk)
        data = s.ThreadExtendInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.thread_extend(booking=booking, actor=request.user, days=data.validated_data["days"])
        return Response(_thread_out(request, booking))


class MessageListCreate(generics.ListAPIView):
    """GET: the thread's messages, oldest first (cursor pages). POST: a message (201)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.MessageOut
    pagination_class = MessageCursor
    error_statuses = {"POST": {409}}  # the thread is closed

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        booking = _booking(self.request, self.kwargs["pk"])
        return selectors.messages_of(thread=selectors.thread_of(booking=booking))

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = response.data.get("results") or []
        if shown:  # what a participant has been shown counts as read (no digest mails it later)
            booking = _booking(request, kwargs["pk"])
            services.thread_mark_read(thread=selectors.thread_of(booking=booking), user=request.user,
                                      upto_id=max(m["id"] for m in shown))
        return response

    @extend_schema(request=s.MessageInput, responses={201: s.MessageOut})
    def post(self, request, pk: int):
        booking = _booking(request, pk)
        data = s.MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_post(booking=booking, author=request.user, body=data.validated_data["body"],
                                        files=data.validated_data["files"])
        return Response(s.MessageOut(message).data, status=status.HTTP_201_CREATED)


class AgendaListCreate(generics.ListAPIView):
    """GET: the session's agenda points (the booking's question comes first, on the booking).
    POST: add a point while the session is ahead (201)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.AgendaOut
    pagination_class = None
    error_statuses = {"POST": {409}}  # the session is over or not going ahead

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgendaItem.objects.none()
        return selectors.agenda_of(booking=_booking(self.request, self.kwargs["pk"]))

    @extend_schema(request=s.AgendaInput, responses={201: s.AgendaOut})
    def post(self, request, pk: int):
        booking = _booking(request, pk)
        data = s.AgendaInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.agenda_add(booking=booking, author=request.user, text=data.validated_data["text"])
        return Response(s.AgendaOut(item).data, status=status.HTTP_201_CREATED)


class AgendaItemDelete(APIView):
    """DELETE: remove a point you added, before the session ends (204)."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}  # someone else's point; the session is over

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        item = selectors.agenda_item_for_participant(user=request.user, pk=pk)
        if item is None:
            raise NotFound("Agenda point not found.")
        services.agenda_remove(item=item, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _NoteView(APIView):
    permission_classes = [IsAuthenticated]
    shared = False

    def _note(self, request, booking):
        if self.shared:
            return selectors.note_shared(booking=booking)
        return selectors.note_private(booking=booking, user=request.user)

    def _out(self, note) -> dict:
        if note is None:
            return s.NoteOut({"body": "", "version": 0, "updated_at": None, "author": None}).data
        return s.NoteOut(note).data

    @extend_schema(responses=s.NoteOut)
    def get(self, request, pk: int):
        return Response(self._out(self._note(request, _booking(request, pk))))

    @extend_schema(request=s.NoteInput, responses=s.NoteOut)
    def put(self, request, pk: int):
        booking = _booking(request, pk)
        data = s.NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_save(booking=booking, author=request.user, body=data.validated_data["body"],
                                  shared=self.shared, version=data.validated_data.get("version"))
        return Response(self._out(note))


class PrivateNoteView(_NoteView):
    """GET/PUT: your own notes on this session; the other participant never sees them."""


class SharedNoteView(_NoteView):
    """GET/PUT: the notes both participants keep together. Send the `version` you edited: if the
    other participant saved meanwhile the answer is 409 edit_conflict and nothing is overwritten."""

    shared = True
    error_statuses = {"PUT": {409}}


class ActionItemListCreate(generics.ListAPIView):
    """GET: the session's action items, open first. POST: add one (201)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ActionItemOut
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ActionItem.objects.none()
        return selectors.action_items_of(booking=_booking(self.request, self.kwargs["pk"]))

    @extend_schema(request=s.ActionItemInput, responses={201: s.ActionItemOut})
    def post(self, request, pk: int):
        booking = _booking(request, pk)
        data = s.ActionItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = services.action_item_create(booking=booking, actor=request.user, text=v["text"],
                                           owner_id=v.get("owner"), due_date=v.get("due_date"))
        return Response(s.ActionItemOut(item).data, status=status.HTTP_201_CREATED)


class ActionItemDetail(APIView):
    """PATCH: change the text, owner, due date or tick it done. DELETE: remove it (204)."""

    permission_classes = [IsAuthenticated]

    def _item(self, request, pk: int) -> ActionItem:
        item = selectors.action_item_for_participant(user=request.user, pk=pk)
        if item is None:
            raise NotFound("Action item not found.")
        return item

    @extend_schema(request=s.ActionItemPatch, responses=s.ActionItemOut)
    def patch(self, request, pk: int):
        item = self._item(request, pk)
        data = s.ActionItemPatch(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {("owner_id" if k == "owner" else k): v for k, v in data.validated_data.items()}
        item = services.action_item_update(item=item, actor=request.user, **changes)
        return Response(s.ActionItemOut(item).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.action_item_delete(item=self._item(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadList(generics.ListAPIView):
    """GET: your conversations, latest message first, each with its unread count."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ThreadRowOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Thread.objects.none()
        return selectors.threads_of(user=self.request.user)


class UnreadView(APIView):
    """GET: how many messages written to you are unread, across all your conversations."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.UnreadOut)
    def get(self, request):
        return Response(s.UnreadOut({"unread": selectors.unread_count(user=request.user)}).data)


class AttachmentDownload(APIView):
    """GET: a file sent in one of your conversations (404 for anyone else)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        found = selectors.attachment_for_participant(user=request.user, pk=pk)
        if found is None:
            raise NotFound("File not found.")
        return attachment_response(found)


class IsMessageModerator(permissions.BasePermission):
    message = "Only moderators can do that."

    def has_permission(self, request, view):
        return can_moderate(request.user)  # the same people who moderate reviews


class MessageReportCreate(APIView):
    """POST: report the other participant's message to the moderators (201)."""

    permission_classes = [IsAuthenticated]
    error_statuses = {403, 409}  # your own message; already reported
    serializer_class = s.MessageReportInput

    @extend_schema(request=s.MessageReportInput, responses={201: s.MessageReportOut})
    def post(self, request, pk: int):
        found = selectors.message_for_participant(user=request.user, pk=pk)
        if found is None:
            raise NotFound("Message not found.")
        data = s.MessageReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = moderation.message_report(message=found, reporter=request.user, reason=data.validated_data["reason"])
        return Response(s.MessageReportOut(report).data, status=status.HTTP_201_CREATED)


class MessageReportQueue(generics.ListAPIView):
    """GET (moderators): open reports, oldest first, each with the message and its context."""

    permission_classes = [IsAuthenticated, IsMessageModerator]
    serializer_class = s.QueuedMessageReportOut

    def get_queryset(self):
        return moderation.message_reports_open()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        for report in page:
            report.context = moderation.message_context(message=report.message)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MessageReportDecide(APIView):
    """POST (moderators): hide the message or keep it, with a reason (audited)."""

    permission_classes = [IsAuthenticated, IsMessageModerator]
    error_statuses = {409}  # already decided
    serializer_class = s.MessageDecideInput

    @extend_schema(request=s.MessageDecideInput, responses=s.MessageDecisionOut)
    def post(self, request, pk: int):
        report = MessageReport.objects.filter(pk=pk).first()
        if report is None:
            raise NotFound("Report not found.")
        data = s.MessageDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = moderation.message_report_decide(report=report, moderator=request.user,
                                                    decision=data.validated_data["decision"],
                                                    reason=data.validated_data["reason"])
        return Response(s.MessageDecisionOut(decision).data)
