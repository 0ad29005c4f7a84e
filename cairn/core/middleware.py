"""Cross-cutting request middleware: request ids for the audit trail, and no caching of
pages that carry personal data."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import (
    new_request_id,
    reset_channel,
    reset_request_id,
    set_channel,
    set_request_id,
)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (kept from a trusted proxy's X-Request-ID when well formed),
    so audit rows written during the request can be tied together."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        channel = set_channel("api" if request.path.startswith("/api/") else "web")
        try:
            response = self.get_response(request)
        finally:
            reset_channel(channel)
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Signed-in pages hold sensitive data: browsers and proxies must not cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
        return response
