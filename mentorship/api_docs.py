"""The interactive API docs (Swagger UI) under the site's Content-Security-Policy.

drf-spectacular's plain view writes Swagger UI's start-up script and a <style> block into the page,
which `script-src 'self'` and `style-src 'self'` refuse. The split view serves that script from its
own URL (`?script=`) instead; our page template takes the style from a static file.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is not None:
            # The start-up script carries this visitor's CSRF token: no other site may load it with
            # a <script src> and read the token out of it.
            response["Cross-Origin-Resource-Policy"] = "same-origin"
            response["Cache-Control"] = "private, no-store"
        return response
