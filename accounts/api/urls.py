from django.urls import path

from accounts.api import block_views, token_views, views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="accounts-me"),
    path("me/mentor-profile/", views.MyMentorProfileView.as_view(), name="accounts-mentor-profile"),
    path("me/mentee-profile/", views.MyMenteeProfileView.as_view(), name="accounts-mentee-profile"),
    path("mentors/", views.MentorListView.as_view(), name="mentor-list"),
    path("mentors/<id:id>/", views.MentorDetailView.as_view(), name="mentor-detail"),
    path("skills/", views.SkillListView.as_view(), name="accounts-skill-list"),
    path("industries/", views.IndustryListView.as_view(), name="accounts-industry-list"),
    path("languages/", views.LanguageListView.as_view(), name="accounts-language-list"),
    path("auth/token/", token_views.TokenView.as_view(), name="accounts-token"),
    path("me/tokens/", token_views.MyTokensView.as_view(), name="accounts-tokens"),
    path("me/tokens/<id:id>/", token_views.MyTokenView.as_view(), name="accounts-token-detail"),
    path("me/blocks/", block_views.MyBlocksView.as_view(), name="accounts-blocks"),
    path("me/blocks/<id:user_id>/", block_views.MyBlockView.as_view(), name="accounts-block-detail"),
]
