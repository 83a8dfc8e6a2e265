from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView

from mentorship import converters, views, views_mail  # noqa: F401 - converters registers <id:...>
from mentorship.admin_site import admin_login
from mentorship.api_docs import ApiDocsView

handler404 = "mentorship.views.page_not_found"

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("sessions.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("ratings.api.urls")),
    path("", include("conversations.api.urls")),
    path("", include("orgs.api.urls")),
    path("", include("insights.api.urls")),
]

urlpatterns = [
    # First: the API is most of the traffic, and the resolver tries patterns in order.
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says (feeds, the API docs, error pages).
    path("favicon.ico", views.favicon),
    path("admin/login/", admin_login),  # before admin.site.urls, so it replaces the admin's form
    path("admin/", admin.site.urls),
    path("staff/mail/", views_mail.mail_list, name="staff-mail"),
    path("staff/mail/<str:name>/", views_mail.mail_detail, name="staff-mail-detail"),
    path("staff/mail/<str:name>/html/", views_mail.mail_html, name="staff-mail-html"),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("", include("mentorship.urls_home")),
    path("", include("accounts.urls")),
    path("", include("sessions.urls")),
    path("", include("matching.urls")),
    path("", include("ratings.urls")),
    path("", include("conversations.urls")),
    path("", include("orgs.urls")),
    path("", include("insights.urls")),
    # Uploaded photos. Behind a real web server in large deployments; fine for this scale.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
