"""Admin for the notification outbox: what went out, what is waiting, and what failed and why.

Read-only: rows are written by the outbox services only. The one action puts failed rows back in
the queue through a service (after the mail server is fixed); the dispatcher then sends them.
"""

from django.contrib import admin, messages

from sessions.models import Notification
from sessions.services.notifications import ACCOUNT_MAIL_KIND, notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "recipient_email", "booking_id", "state", "due_at", "attempts", "sent_at",
                    "short_error"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient__email", "to_email", "dedupe_key"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient"]
    readonly_fields = ["kind", "recipient", "to_email", "booking", "dedupe_key", "payload_shown", "due_at", "state",
                       "attempts", "last_error", "subject", "sent_at", "created_at"]
    exclude = ["payload"]  # shown through payload_shown
    actions = ["retry_failed"]

    @admin.display(description="recipient", ordering="recipient__email")
    def recipient_email(self, obj: Notification) -> str:
        return obj.to_email or obj.recipient.email

    @admin.display(description="payload")
    def payload_shown(self, obj: Notification) -> dict:
        # Account mail carries live sign-in links (password reset, email confirmation): whoever can
        # read the outbox must not be able to use them. The subject and the state stay visible.
        if obj.kind == ACCOUNT_MAIL_KIND:
            return {key: "(not shown: account mail carries sign-in links)" for key in obj.payload}
        return obj.payload

    @admin.display(description="last error")
    def short_error(self, obj: Notification) -> str:
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change page doubles as the detail view; all fields are read-only.
        return request.user.is_staff

    @admin.action(description="Retry the selected failed notifications")
    def retry_failed(self, request, queryset):
        count = notifications_retry(ids=queryset.filter(state=Notification.State.FAILED).values_list("pk", flat=True))
        self.message_user(request, f"{count} failed notification(s) queued again.", messages.SUCCESS)
