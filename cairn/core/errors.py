"""Error responses that must work when nothing else does: the server error page, the
"cannot reach its database" and "read-only for maintenance" pages, and the CSRF failure
page. They are rendered without the request's context processors (which read the session,
the user and the inbox from the database), on a standalone GOV.UK layout
(`errors/standalone.html`), so a database that is down or hanging cannot stop them.

Under the JSON API (`/api/v1/`) every error is `{"detail": "..."}` instead (a 422 lists its
problems in `detail`): `ApiJsonErrorsMiddleware` rewrites any error response a handler
outside the API's own exception handlers produced (Django's 404 for an unknown address, a
405, the CSRF 403, a 500 or 503 from a middleware)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape

from .outage import DETAIL, READ_ONLY_HEADING, RETRY_AFTER, UNAVAILABLE_HEADING, Outage, classify

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
SIGN_OUT_VIEW = "accounts:logout"
# Browser pages under the API prefix: the interactive documentation keeps HTML errors.
API_HTML_PATHS = ("/api/v1/docs",)
JSON = "application/json; charset=utf-8"  # as django-ninja answers
SERVER_ERROR = "Sorry, there is a problem with the service. Try again later."
# `detail` for an API error response that carried no JSON of its own, by status.
API_DETAIL = {
    400: "Cairn could not read what was sent.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "This address does not accept that method.",
    500: SERVER_ERROR,
    503: DETAIL[Outage.UNAVAILABLE],
}
_MINIMAL_PAGE = (
    "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>{title}</title>"
    "</head><body><main><h1>{title}</h1><p>Try again later. If a child is in immediate "
    "danger, call 999.</p></main></body></html>"
)


def is_api(request: HttpRequest) -> bool:
    """A call to the JSON API (not the API tokens pages or the documentation page)."""
    return request.path.startswith(API_PREFIX) and not request.path.startswith(API_HTML_PATHS)


def json_error(status: int, detail: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps({"detail": detail}), status=status, content_type=JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def standalone_page(template: str, context: dict[str, Any], *, status: int) -> HttpResponse:
    """Render an error page without touching the database. If even that fails (a missing
    static manifest, say), a bare page still says what happened."""
    context = {"service_name": settings.CAIRN_SERVICE_NAME, **context}
    body: str
    try:
        body = render_to_string(template, context)
    except Exception:  # the page of last resort must not raise
        logger.exception("Could not render the error page %s", template)
        title = context.get("heading") or _phrase(status).rstrip(".")
        body = _MINIMAL_PAGE.format(title=escape(title))
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def outage_response(request: HttpRequest, kind: Outage) -> HttpResponse:
    """503: the database cannot be reached or is read-only. JSON under the API, else the
    GOV.UK page saying which and whether what was sent may have been saved."""
    headers = {"Retry-After": str(RETRY_AFTER[kind])}
    if is_api(request):
        return json_error(503, DETAIL[kind], headers)
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    signing_out = writing and _view_name(request) == SIGN_OUT_VIEW
    if kind is Outage.READ_ONLY:
        template, heading = "503_read_only.html", READ_ONLY_HEADING
    else:
        template, heading = "503.html", UNAVAILABLE_HEADING
    response = standalone_page(
        template,
        {"heading": heading, "writing": writing, "signing_out": signing_out},
        status=HTTPStatus.SERVICE_UNAVAILABLE,
    )
    for name, value in headers.items():
        response[name] = value
    if signing_out:
        # The sign-out could not be recorded, but this browser forgets the session, so a
        # shared computer is not left signed in.
        response.delete_cookie(
            settings.SESSION_COOKIE_NAME,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
        )
    return response


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def error_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    """The response for an exception nothing else handled: a 503 when the database is
    unavailable or read-only, otherwise a 500 (JSON under the API)."""
    kind = classify(exc)
    if kind is not None:
        return outage_response(request, kind)
    if is_api(request):
        return json_error(500, SERVER_ERROR)
    return standalone_page("500.html", {}, status=HTTPStatus.INTERNAL_SERVER_ERROR)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Django calls it while handling the exception (a view's, or a
    middleware's such as the session or user lookup), so the exception is still current."""
    return error_response(request, sys.exc_info()[1])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open past the session, or sent twice."""
    if is_api(request):
        return json_error(403, f"CSRF check failed: {reason}" if reason else API_DETAIL[403])
    return standalone_page("403_csrf.html", {}, status=HTTPStatus.FORBIDDEN)


class ApiJsonErrorsMiddleware:
    """Every error the JSON API returns has the same shape, `{"detail": ...}`, whoever
    produced it: ninja's own 405 is plain text and Django's 404 for an unknown address is
    an HTML page. JSON responses pass unchanged; headers (Allow, Retry-After) are kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api(request)
            or response.get("Content-Type", "").startswith("application/json")
            or getattr(response, "streaming", False)
        ):
            return response
        status = response.status_code
        detail = API_DETAIL.get(status) or _phrase(status)
        if status == 405 and response.get("Allow"):
            detail = f"{detail} Allowed: {response['Allow']}."
        response.content = json.dumps({"detail": detail}).encode()
        response["Content-Type"] = JSON
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def _phrase(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "The request failed."
