"""Ratings in the admin: the moderation queue (actions call ratings.services.moderate, which writes
the audit log) and a read-only audit log. Nothing here changes a rating's state directly."""

from __future__ import annotations

from django.contrib import admin, messages

from ratings import services
from ratings.errors import RatingError
from ratings.models import MentorReply, ModerationDecision, Rating, RatingReport


class ReportedFilter(admin.SimpleListFilter):
    title = "open reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("1", "Reported"), ("0", "Not reported")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(open_reports__gt=0)
        if self.value() == "0":
            return queryset.filter(open_reports=0)
        return queryset


class ReportInline(admin.TabularInline):
    model = RatingReport
    extra = 0
    can_delete = False
    fields = ["reporter", "reason", "note", "not_counted", "created_at", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = ["at", "moderator", "action", "from_state", "to_state", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _moderation_action(action: str):
    def run(modeladmin, request, queryset):
        # The audit row already names the moderator; an email address in the reason would reach
        # moderators who are not staff through the audit log.
        reason = f"{services.PAST_TENSE[action].capitalize()} in the admin"
        try:
            decisions = services.moderate(ratings=list(queryset.values_list("pk", flat=True)),
                                          moderator=request.user, action=action, reason=reason)
        except RatingError as error:
            details = " ".join(m for msgs in error.field_errors.values() for m in msgs)
            modeladmin.message_user(request, f"{error.message} {details}".strip(), level=messages.ERROR)
        else:
            modeladmin.message_user(request, f"{len(decisions)} rating(s) {services.PAST_TENSE[action]}.")

    run.__name__ = f"{action}_selected"
    run.short_description = f"{action.capitalize()} selected ratings"
    run.allowed_permissions = ("moderate",)
    return run


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["id", "ratee", "rater", "direction", "stars", "state", "open_reports", "created_at"]
    list_filter = ["state", ReportedFilter, "direction"]
    search_fields = ["comment", "rater__email", "ratee__email"]
    list_select_related = ["rater", "ratee"]
    ordering = ["-open_reports", "-created_at"]
    readonly_fields = ["booking", "rater", "ratee", "direction", "stars", "comment", "expectation",
                       "private_feedback", "state", "open_reports", "created_at", "edited_at"]
    inlines = [ReportInline, DecisionInline]
    actions = [_moderation_action(a) for a in services.TRANSITIONS]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return services.can_moderate(request.user)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["at", "moderator", "rating", "action", "from_state", "to_state", "reason"]
    list_filter = ["action", "to_state"]
    list_select_related = ["moderator", "rating__rater", "rating__ratee"]
    search_fields = ["reason", "moderator__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MentorReply)
class MentorReplyAdmin(admin.ModelAdmin):
    list_display = ["rating", "author", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["rating", "author"]
    readonly_fields = ["rating", "author", "body", "state", "created_at"]

    def has_add_permission(self, request):
        return False
