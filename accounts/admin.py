"""Admin for people, profiles and the taxonomy: search and filters for support work."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count

from accounts.models import Industry, MenteeProfile, MentorProfile, Skill, User
from accounts.search import mentor_search_refresh


class TimezoneRegionFilter(admin.SimpleListFilter):
    """By region ("Europe", "America" ...): hundreds of zones would make a useless filter list."""

    title = "time zone region"
    parameter_name = "tz_region"

    def lookups(self, request, model_admin):
        regions = sorted({tz.split("/")[0] for tz in User.objects.values_list("timezone", flat=True).distinct()})
        return [(r, r) for r in regions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(timezone__startswith=self.value())
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "timezone", "is_mentor", "is_mentee", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_mentor", "is_mentee", "is_staff", "is_active", TimezoneRegionFilter, "groups"]
    search_fields = ["email", "name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "timezone", "is_mentor", "is_mentee"]}),
        ("Notifications", {"fields": ["remind_24h", "remind_1h", "email_updates"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "timezone", "password1", "password2"]})]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "headline", "years_experience", "accepting_bookings", "is_listed", "rating_count",
                    "rating_bayes", "created_at"]
    list_filter = ["is_listed", "accepting_bookings", "call_method", "offers_15", "offers_30", "offers_45",
                   "offers_60", "languages", "industries"]
    search_fields = ["user__email", "user__name", "headline", "slug", "skills__name"]
    list_select_related = ["user"]
    autocomplete_fields = ["skills", "industries"]
    filter_horizontal = ["languages"]
    raw_id_fields = ["user"]
    readonly_fields = ["rating_count", "rating_sum", "rating_bayes", "created_at", "updated_at"]


@admin.register(MenteeProfile)
class MenteeProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "career_stage", "updated_at"]
    list_filter = ["career_stage", "languages", "industries"]
    search_fields = ["user__email", "user__name", "goals"]
    list_select_related = ["user"]
    autocomplete_fields = ["interests", "industries"]
    filter_horizontal = ["languages"]
    raw_id_fields = ["user"]


class _TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "synonyms", "mentor_count"]
    search_fields = ["name", "synonyms", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_mentor_count=Count("mentors", distinct=True))

    @admin.display(ordering="_mentor_count", description="mentors")
    def mentor_count(self, obj) -> int:
        return obj._mentor_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if isinstance(obj, Skill):
            # Skill names and synonyms are part of each mentor's stored search document.
            mentor_search_refresh(mentor_ids=obj.mentors.values_list("pk", flat=True))


@admin.register(Skill)
class SkillAdmin(_TaxonomyAdmin):
    pass


@admin.register(Industry)
class IndustryAdmin(_TaxonomyAdmin):
    pass
