"""Content negotiation with DRF's answers remembered for the Accept headers nearly every API client
sends (none, `*/*`, `application/json`): for those the answer depends only on the view's renderer
classes, so parsing the header and matching it against each renderer on every request (~0.1 ms of
CPU, a tenth of what separates the slots API from a bare view) is done once per process. Any
other header, and any ?format=, is negotiated by DRF every time, so no client input grows a
process-wide cache. Kept apart from mentorship.api, which imports DRF's views: DRF loads this
class while importing them."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation

COMMON_ACCEPTS = frozenset({None, "*/*", "application/json"})


class CommonAcceptsContentNegotiation(DefaultContentNegotiation):
    _answers: dict[tuple, tuple[int, str]] = {}

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT")
        override = self.settings.URL_FORMAT_OVERRIDE
        if (format_suffix or accept not in COMMON_ACCEPTS
                or (override and override in request.query_params)):
            return super().select_renderer(request, renderers, format_suffix)
        key = (tuple(type(renderer) for renderer in renderers), accept)
        answer = self._answers.get(key)
        if answer is None:
            renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            answer = self._answers[key] = (next(i for i, r in enumerate(renderers) if r is renderer), media_type)
        return renderers[answer[0]], answer[1]
