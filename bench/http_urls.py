"""URLconf of the HTTP benchmark's server: the product's URLs unchanged, plus the bare baselines.

Selected by bench.http_settings (ROOT_URLCONF); the product's mentorship.urls never mounts /_bench/.
"""

from django.urls import include, path

from bench import http_baselines

handler404 = "mentorship.views.page_not_found"

urlpatterns = [
    path("_bench/mentors/", http_baselines.mentors_json),
    path("_bench/mentors.html", http_baselines.mentors_html),
    path("_bench/mentors/<int:mentor_id>/slots/", http_baselines.slots_json),
    path("", include("mentorship.urls")),
]
