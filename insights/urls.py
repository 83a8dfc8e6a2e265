from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("orgs/<slug:slug>/insights/", views.insights_page, name="orgs-insights"),
    path("orgs/<slug:slug>/insights.csv", views.insights_csv, name="orgs-insights-csv"),
    path("orgs/<slug:slug>/programs/<slug:program_slug>/insights/", views.insights_page, name="program-insights"),
    path("orgs/<slug:slug>/programs/<slug:program_slug>/insights.csv", views.insights_csv,
         name="program-insights-csv"),
]
