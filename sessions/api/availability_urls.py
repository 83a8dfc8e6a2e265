from django.urls import path

from sessions.api import availability_views as views

urlpatterns = [
    path("availability/rules/", views.RulesView.as_view(), name="availability-rules"),
    path("availability/overrides/", views.OverridesView.as_view(), name="availability-overrides"),
    path("availability/overrides/<id:pk>/", views.OverrideDetailView.as_view(), name="availability-override-detail"),
    path("availability/policy/", views.PolicyView.as_view(), name="availability-policy"),
    path("mentors/<id:mentor_id>/slots/", views.MentorSlotsView.as_view(), name="slots-list"),
]
