from django.urls import path

from matching.api.views import MatchListView

urlpatterns = [
    path("matches/", MatchListView.as_view(), name="match-list"),
]
