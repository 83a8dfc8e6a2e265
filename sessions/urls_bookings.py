from django.urls import path

from sessions.views import bookings as views

urlpatterns = [
    path("mentors/<id:mentor_id>/book/", views.book, name="book"),
    path("sessions/", views.my_sessions, name="my_sessions"),
    path("sessions/<id:pk>/", views.detail, name="detail"),
    path("sessions/<id:pk>/confirm/", views.confirm, name="confirm"),
    path("sessions/<id:pk>/decline/", views.decline, name="decline"),
    path("sessions/<id:pk>/extend/", views.extend, name="extend"),
    path("sessions/<id:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<id:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("sessions/<id:pk>/invite.ics", views.invite, name="invite"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
