"""Mentors' external calendars in the admin: read-only, and the feed address never shown (only its
masked form). Mentors add, change and remove them on their availability page or the API."""

from django.contrib import admin

from sessions.models import ExternalCalendar


@admin.register(ExternalCalendar)
class ExternalCalendarAdmin(admin.ModelAdmin):
    list_display = ["id", "mentor", "name", "url_display", "busy_count", "last_refreshed_at", "next_refresh_at",
                    "consecutive_failures"]
    search_fields = ["mentor__email", "name"]
    list_select_related = ["mentor"]
    # No "url": not in the list, not in the form, not searchable (a search box that matches the
    # address would let staff confirm a guessed secret).
    fields = ["mentor", "name", "url_display", "all_day_blocks", "tentative_busy", "event_count", "busy_count",
              "last_refreshed_at", "next_refresh_at", "consecutive_failures", "last_error", "created_at"]
    readonly_fields = fields

    @admin.display(description="address")
    def url_display(self, obj):
        return obj.url_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
