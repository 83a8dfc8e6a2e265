from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/mentor-profile/", views.mentor_profile_edit, name="mentor_profile_edit"),
    path("me/mentee-profile/", views.mentee_profile_edit, name="mentee_profile_edit"),
    path("mentors/", views.directory, name="directory"),
    path("mentors/<slug:slug>/", views.mentor_detail, name="mentor_detail"),
]
