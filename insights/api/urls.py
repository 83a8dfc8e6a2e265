from django.urls import path

from insights.api import views

urlpatterns = [
    path("orgs/<slug:slug>/insights/", views.InsightsView.as_view(), name="orgs-insights"),
    path("orgs/<slug:slug>/programs/<slug:program_slug>/insights/", views.ProgramInsightsView.as_view(),
         name="program-insights"),
]
