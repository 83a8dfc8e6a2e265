"""Pages for organisation members and admins, and the joining links (included by orgs.urls)."""

from django.urls import path

from orgs import views_members as views

urlpatterns = [
    path("orgs/<slug:slug>/", views.home, name="home"),
    path("orgs/<slug:slug>/admin/", views.admin_settings, name="admin_settings"),
    path("orgs/<slug:slug>/admin/invite-link/", views.invite_link, name="admin_invite_link"),
    path("orgs/<slug:slug>/admin/domains/", views.domain_add, name="admin_domain_add"),
    path("orgs/<slug:slug>/admin/domains/<id:domain_id>/verify/", views.domain_verify, name="admin_domain_verify"),
    path("orgs/<slug:slug>/admin/domains/<id:domain_id>/remove/", views.domain_remove, name="admin_domain_remove"),
    path("orgs/<slug:slug>/admin/structure/", views.admin_structure, name="admin_structure"),
    path("orgs/<slug:slug>/admin/departments/", views.department_add, name="admin_department_add"),
    path("orgs/<slug:slug>/admin/departments/<id:department_id>/", views.department_rename,
         name="admin_department_rename"),
    path("orgs/<slug:slug>/admin/departments/<id:department_id>/delete/", views.department_delete,
         name="admin_department_delete"),
    path("orgs/<slug:slug>/admin/levels/", views.level_add, name="admin_level_add"),
    path("orgs/<slug:slug>/admin/levels/<id:level_id>/", views.level_edit, name="admin_level_edit"),
    path("orgs/<slug:slug>/admin/levels/<id:level_id>/move/", views.level_move, name="admin_level_move"),
    path("orgs/<slug:slug>/admin/levels/<id:level_id>/delete/", views.level_delete, name="admin_level_delete"),
    path("orgs/<slug:slug>/admin/members/", views.admin_members, name="admin_members"),
    path("orgs/<slug:slug>/admin/members/<id:membership_id>/", views.admin_member, name="admin_member"),
    path("orgs/<slug:slug>/admin/invitations/", views.admin_invitations, name="admin_invitations"),
    path("orgs/<slug:slug>/admin/invitations/<id:invitation_id>/revoke/", views.invitation_revoke,
         name="admin_invitation_revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("join/<str:token>/", views.join, name="join"),
]
