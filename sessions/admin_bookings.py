"""Admin for availability and bookings: read-mostly. State changes go through the booking services
(the site or the API), so that events, emails and reminders always follow."""

from django.contrib import admin

from sessions.models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    BookingEvent,
    BookingPolicy,
    ReliabilityRecord,
)


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "from_start", "to_start", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["id", "start", "duration_minutes", "mentor", "mentee", "status", "cancelled_late", "sequence"]
    list_filter = ["status", "cancelled_late"]
    search_fields = ["mentor__email", "mentee__email", "topic"]
    date_hierarchy = "start"
    list_select_related = ["mentor", "mentee"]
    raw_id_fields = ["mentor", "mentee", "cancelled_by", "no_show_reported_by"]
    inlines = [BookingEventInline]
    readonly_fields = [
        "uid", "mentor", "mentee", "start", "end", "blocked_start", "blocked_end", "duration_minutes", "status",
        "sequence", "expires_at", "cancelled_by", "cancel_reason", "cancelled_late", "no_show_party",
        "no_show_reported_by", "call_url", "created_at", "updated_at", "confirmed_at", "completed_at",
    ]

    def has_add_permission(self, request):
        # Bookings are created by mentees through the booking service, which checks the slot.
        return False

    def has_delete_permission(self, request, obj=None):
        # History (events, ratings, reliability) hangs off bookings; cancel instead of deleting.
        return False


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(admin.ModelAdmin):
    list_display = ["mentor", "weekday", "start_time", "end_time"]
    list_filter = ["weekday"]
    search_fields = ["mentor__email"]
    raw_id_fields = ["mentor"]


@admin.register(AvailabilityOverride)
class AvailabilityOverrideAdmin(admin.ModelAdmin):
    list_display = ["mentor", "start_date", "end_date", "start_time", "end_time", "note"]
    search_fields = ["mentor__email"]
    date_hierarchy = "start_date"
    raw_id_fields = ["mentor"]


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["mentor", "requires_approval", "min_notice_hours", "horizon_days", "max_per_day", "max_per_week",
                    "weekly_budget_minutes", "slot_granularity_minutes"]
    list_filter = ["requires_approval"]
    search_fields = ["mentor__email"]
    raw_id_fields = ["mentor"]


@admin.register(ReliabilityRecord)
class ReliabilityRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "sessions_completed", "late_cancellations", "no_shows", "updated_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "sessions_completed", "late_cancellations", "no_shows", "updated_at"]
