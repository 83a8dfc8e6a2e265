from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("mentors/", views.directory, name="directory"),
    path("mentors/<slug:slug>/", views.mentor_detail, name="mentor_detail"),
]
