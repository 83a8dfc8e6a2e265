from django.urls import path

from accounts import views, views_onboarding, views_tokens

app_name = "accounts"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/mentor-profile/", views.mentor_profile_edit, name="mentor_profile_edit"),
    path("me/mentee-profile/", views.mentee_profile_edit, name="mentee_profile_edit"),
    path("me/tokens/", views_tokens.api_tokens, name="api_tokens"),
    path("me/tokens/<id:token_id>/revoke/", views_tokens.api_token_revoke_view, name="api_token_revoke"),
    path("welcome/", views_onboarding.onboarding, name="onboarding"),
    path("welcome/<slug:step>/", views_onboarding.onboarding_step, name="onboarding_step"),
    path("mentors/", views.directory, name="directory"),
    path("mentors/<slug:slug>/", views.mentor_detail, name="mentor_detail"),
]
