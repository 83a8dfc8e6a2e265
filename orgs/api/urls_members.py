"""API endpoints for organisation members and admins (included by orgs.api.urls)."""

from django.urls import path

from orgs.api import members_views as views

urlpatterns = [
    path("orgs/", views.MyOrganisationsView.as_view(), name="orgs-mine"),
    path("orgs/<slug:slug>/", views.OrganisationView.as_view(), name="orgs-detail"),
    path("orgs/<slug:slug>/invite-link/", views.InviteLinkView.as_view(), name="orgs-invite-link"),
    path("orgs/<slug:slug>/domains/", views.DomainsView.as_view(), name="orgs-domains"),
    path("orgs/<slug:slug>/domains/<id:domain_id>/", views.DomainDetailView.as_view(), name="orgs-domain-detail"),
    path("orgs/<slug:slug>/domains/<id:domain_id>/verify/", views.DomainVerifyView.as_view(),
         name="orgs-domain-verify"),
    path("orgs/<slug:slug>/departments/", views.DepartmentsView.as_view(), name="orgs-departments"),
    path("orgs/<slug:slug>/departments/<id:department_id>/", views.DepartmentDetailView.as_view(),
         name="orgs-department-detail"),
    path("orgs/<slug:slug>/levels/", views.LevelsView.as_view(), name="orgs-levels"),
    path("orgs/<slug:slug>/levels/order/", views.LevelOrderView.as_view(), name="orgs-levels-order"),
    path("orgs/<slug:slug>/levels/<id:level_id>/", views.LevelDetailView.as_view(), name="orgs-level-detail"),
    path("orgs/<slug:slug>/members/", views.MembersView.as_view(), name="orgs-members"),
    path("orgs/<slug:slug>/members/<id:membership_id>/", views.MemberView.as_view(), name="orgs-member-detail"),
    path("orgs/<slug:slug>/invitations/", views.InvitationsView.as_view(), name="orgs-invitations"),
    path("orgs/<slug:slug>/invitations/<id:invitation_id>/revoke/", views.InvitationRevokeView.as_view(),
         name="orgs-invitation-revoke"),
]
