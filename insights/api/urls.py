from django.urls import path

from insights.api import views

urlpatterns = [
    path("me/mentor-stats/", views.MyMentorStatsView.as_view(), name="me-mentor-stats"),
    path("orgs/<slug:slug>/insights/", views.InsightsView.as_view(), name="orgs-insights"),
    path("orgs/<slug:slug>/programs/<slug:program_slug>/insights/", views.ProgramInsightsView.as_view(),
         name="program-insights"),
]
