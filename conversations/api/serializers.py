"""Bodies of the conversation endpoints. Inputs only parse (lengths, markup and windows are the
services' rules, so the page and the API refuse with the same words); outputs shape rows."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from conversations.models import ActionItem, AgendaItem, Attachment, Message


class Participant(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ThreadOut(serializers.Serializer):
    open = serializers.BooleanField(help_text="Whether either participant may post now")
    open_until = serializers.DateTimeField(allow_null=True, help_text="When an open thread closes by itself "
                                                                      "(null while a session is still ahead)")
    why = serializers.CharField(help_text="The state in a sentence, for people")
    can_manage = serializers.BooleanField(help_text="Whether you (the mentor) may close or extend it")
    message_count = serializers.IntegerField()


class ThreadExtendInput(serializers.Serializer):
    days = serializers.IntegerField(help_text="Days from now to keep the thread open (1 to "
                                              "CONVERSATIONS_EXTEND_MAX_DAYS)")


class MessageInput(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="",
                                 help_text="Markdown: **bold**, _italic_, `code`, lists, quotes and links")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                  help_text="Up to 3 files (multipart): PDF, PNG, JPEG or plain text, 5 MB each")


class AttachmentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Download address (participants only)")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return reverse("api:attachment", kwargs={"pk": attachment.pk})


class MessageOut(serializers.ModelSerializer):
    author = Participant()
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    body_html = serializers.CharField(help_text="The body rendered and sanitised")
    attachments = AttachmentOut(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "booking", "body", "body_html", "created_at", "attachments"]


class AgendaInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class AgendaOut(serializers.ModelSerializer):
    author = Participant()

    class Meta:
        model = AgendaItem
        fields = ["id", "author", "text", "created_at"]


class NoteInput(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    version = serializers.IntegerField(required=False, min_value=0, help_text="Shared note: the version you "
                                       "edited; a newer one on the server answers 409 edit_conflict")


class NoteOut(serializers.Serializer):
    """A note; before anyone saved one: empty body, version 0, no time and no author."""

    body = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = Participant(source="author", allow_null=True)


class ActionItemInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    owner = serializers.IntegerField(required=False, min_value=1, help_text="User id of the mentor or the "
                                     "mentee of the session (default: the mentee)")
    due_date = serializers.DateField(required=False, allow_null=True)


class ActionItemPatch(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    owner = serializers.IntegerField(required=False, min_value=1)
    due_date = serializers.DateField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False)


class ActionItemOut(serializers.ModelSerializer):
    owner = Participant()
    booking = serializers.IntegerField(source="booking_id")
    done = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ["id", "booking", "text", "owner", "due_date", "done", "done_at", "created_at"]

    def get_done(self, item: ActionItem) -> bool:
        return item.done_at is not None


class ThreadRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentor = Participant()
    mentee = Participant()
    booking = serializers.IntegerField(source="booking_id", help_text="The pair's latest session (its "
                                       "/bookings/{id}/messages/ is this thread)")
    topic = serializers.CharField(source="booking_topic")
    last_message_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.IntegerField()


class UnreadOut(serializers.Serializer):
    unread = serializers.IntegerField()


class MessageReportInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="What is wrong with it")


class MessageReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.IntegerField(source="message_id")
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class ContextMessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    author = Participant()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    hidden = serializers.SerializerMethodField()

    def get_hidden(self, message) -> bool:
        return message.hidden_at is not None


class QueuedMessageReportOut(MessageReportOut):
    reporter = Participant()
    reason = serializers.CharField()
    context = ContextMessageOut(many=True, help_text="The reported message with a few around it, oldest first")


class MessageDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["hide", "dismiss"])
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)


class MessageDecisionOut(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.IntegerField(source="message_id")
    action = serializers.CharField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()
