from django.urls import path

from mentorship import views_home as views

app_name = "home"

urlpatterns = [
    path("home/", views.dashboard, name="dashboard"),
    # Answering a request in place from the mentor's home (the booking services, as the session page).
    path("home/sessions/<id:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("home/sessions/<id:pk>/decline/", views.request_decline, name="request_decline"),
    path("home/sessions/<id:pk>/extend/", views.request_extend, name="request_extend"),
]
