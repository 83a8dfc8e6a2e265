"""Read-mostly admin: counts and states for support, never message bodies or notes (those are
the two participants' own; a moderator sees a message only through a report)."""

from django.contrib import admin

from conversations.models import Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("id", "mentor", "mentee", "created_at", "last_message_at", "closed_at", "extended_until")
    list_select_related = ("mentor", "mentee")
    readonly_fields = ("mentor", "mentee", "created_at", "last_message_at", "closed_at", "extended_until")

    def has_add_permission(self, request):
        return False
