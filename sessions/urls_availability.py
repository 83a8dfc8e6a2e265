from django.urls import path

from sessions.views import availability as views
from sessions.views import calendars as calendar_views
from sessions.views import picker

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("availability/policy/", views.policy, name="availability_policy"),
    path("availability/overrides/", views.override_add, name="availability_override_add"),
    path("availability/overrides/<id:pk>/delete/", views.override_delete, name="availability_override_delete"),
    path("availability/calendars/", calendar_views.calendar_add, name="calendar_add"),
    path("availability/calendars/<id:pk>/", calendar_views.calendar_update, name="calendar_update"),
    path("availability/calendars/<id:pk>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
    path("availability/explain/", calendar_views.availability_explain, name="availability_explain"),
    path("mentors/<id:mentor_id>/slots/", picker.slot_picker, name="slot_picker"),
]
