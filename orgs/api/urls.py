from django.urls import include, path

urlpatterns = [
    path("", include("orgs.api.urls_members")),
    path("", include("orgs.api.urls_programs")),
    path("", include("orgs.api.urls_sync")),
]
