"""No-show reports in the admin: read-only. Disputes are decided on /moderation/no-shows/ (or the
API), through the no-show service, so that the reliability record, the booking and both emails follow."""

from django.contrib import admin

from sessions.models import NoShowReport


@admin.register(NoShowReport)
class NoShowReportAdmin(admin.ModelAdmin):
    list_display = ["id", "booking", "reporter", "reported", "state", "created_at", "dispute_deadline", "decided_at"]
    list_filter = ["state"]
    search_fields = ["reporter__email", "reported__email", "booking__topic"]
    date_hierarchy = "created_at"
    list_select_related = ["booking", "reporter", "reported"]
    fields = ["booking", "reporter", "reported", "state", "reason", "created_at", "dispute_deadline", "disputed_at",
              "dispute_statement", "decided_at", "decided_by", "decision_reason"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
