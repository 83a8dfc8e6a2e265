from django.contrib import admin

from orgs.models import Department, Invitation, Level, Membership, Organisation, OrganisationDomain, Program


class DomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 0


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "join_policy")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    exclude = ("invite_token",)
    inlines = [DomainInline, DepartmentInline, LevelInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "department", "level", "is_active")
    list_filter = ("organisation", "role", "is_active")
    search_fields = ("user__email", "user__name", "employee_id")
    raw_id_fields = ("user", "manager")
    list_select_related = ("user", "organisation", "department", "level")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "status", "starts_on", "ends_on")
    list_filter = ("status", "organisation")
    search_fields = ("name",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "accepted_at", "revoked_at")
    readonly_fields = ("token_hash",)
    search_fields = ("email",)
