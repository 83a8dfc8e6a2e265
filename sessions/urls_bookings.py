from django.urls import path

from sessions.views import bookings as views

urlpatterns = [
    path("mentors/<int:mentor_id>/book/", views.book, name="book"),
    path("sessions/", views.my_sessions, name="my_sessions"),
    path("sessions/<int:pk>/", views.detail, name="detail"),
    path("sessions/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("sessions/<int:pk>/decline/", views.decline, name="decline"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("sessions/<int:pk>/invite.ics", views.invite, name="invite"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
