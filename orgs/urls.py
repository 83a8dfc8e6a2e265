from django.urls import include, path

app_name = "orgs"

# One module per area (members and joining, programs, directory sync), so each stays small.
urlpatterns = [
    path("", include("orgs.urls_members")),
    path("", include("orgs.urls_programs")),
    path("", include("orgs.urls_sync")),
]
