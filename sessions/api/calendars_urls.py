from django.urls import path

from sessions.api import calendars_views as views

urlpatterns = [
    path("calendars/", views.CalendarsView.as_view(), name="calendars"),
    path("calendars/<id:pk>/", views.CalendarDetailView.as_view(), name="calendar-detail"),
    path("availability/explain/", views.SlotExplainView.as_view(), name="availability-explain"),
]
