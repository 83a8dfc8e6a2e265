"""Read-only views of stored matches and the recompute queue; writes happen only in matching.services."""

from __future__ import annotations

from django.contrib import admin, messages

from matching import services
from matching.models import MatchScore, RecomputeRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchScore)
class MatchScoreAdmin(ReadOnlyAdmin):
    list_display = ["mentee", "rank", "mentor", "score", "computed_at"]
    list_select_related = ["mentee", "mentor"]
    search_fields = ["mentee__email", "mentor__email"]
    actions = ["recompute"]

    @admin.action(description="Recompute these mentees' lists now")
    def recompute(self, request, queryset):
        written = services.matches_recompute_for_mentees(mentee_ids=queryset.values_list("mentee_id", flat=True))
        self.message_user(request, f"Recomputed {written} list(s).", messages.SUCCESS)


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject_id", "due_at", "first_requested_at", "claimed_at"]
    list_filter = ["kind"]
