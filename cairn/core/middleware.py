"""Cross-cutting request middleware: request ids for the audit trail, no caching of pages
that carry personal data, a 404 (not a server error) for ids no database can hold, and a
clear page when someone else changed a record first (a service's `Conflict`)."""

import ipaddress
import logging
import re
import time
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import page_not_found

from .concurrency import Conflict
from .http import GoInstead
from .metrics import observe_request
from .request_context import (
    new_request_id,
    reset_channel,
    reset_request_id,
    set_channel,
    set_request_id,
)

logger = logging.getLogger(__name__)
# One line per request (cairn/core/logs.py): the view's name, never the path or query.
request_logger = logging.getLogger("cairn.request")
# SQLite: "Python int too large to convert to SQLite INTEGER"; PostgreSQL: "bigint out of
# range". Dates out of range are not matched: those are bugs to fix, not missing records.
_INT_OVERFLOW = re.compile(r"int too large|\b(?:small|big)?int(?:eger)? out of range", re.I)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"CAIRN_TRUSTED_PROXIES: {exc}") from exc


def is_trusted_proxy(address: str, entries: Iterable[str]) -> bool:
    """Whether the connecting address is one of the configured proxies (IPs or CIDRs)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(entries)))


class RequestIdMiddleware:
    """Gives every request an id, so audit rows written during the request can be tied
    together. An incoming X-Request-ID is kept only when it is well formed and the
    connection comes from a proxy in CAIRN_TRUSTED_PROXIES: from anyone else it would let
    a client choose, or collide with, the ids in the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        trusted = is_trusted_proxy(
            request.META.get("REMOTE_ADDR", ""), getattr(settings, "CAIRN_TRUSTED_PROXIES", ())
        )
        request_id = incoming if trusted and _SAFE_ID.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        channel = set_channel("api" if request.path.startswith("/api/") else "web")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            _observe(request, response, started)
        finally:
            reset_channel(channel)
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


def _observe(request: HttpRequest, response: HttpResponse, started: float) -> None:
    """The request's metrics, and its log line when request lines are on."""
    seconds = time.perf_counter() - started
    match = getattr(request, "resolver_match", None)
    # The route's name ("pole:person-detail"), not the path: ids stay out of both.
    view = match.view_name if match else "unresolved"
    observe_request(view, request.method or "", response.status_code, seconds)
    if not request_logger.isEnabledFor(logging.INFO):
        return
    user = getattr(request, "user", None)
    request_logger.info(
        "request",
        extra={
            "method": request.method,
            "view": view,
            "status": response.status_code,
            "ms": round(seconds * 1000, 1),
            # A pseudonymous id, never a name (the audit trail says who the user is).
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        },
    )


class NoStoreMiddleware:
    """Signed-in pages hold sensitive data: browsers and proxies must not cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
        return response


class BadIdMiddleware:
    """The last line of defence for ids no database can hold: URL patterns (`<id:...>`)
    and the access layer refuse them first, but an out-of-range number that still reaches
    a query (SQLite's OverflowError, PostgreSQL's DataError "out of range") is a 404,
    like any record that does not exist, rather than a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_bad_number(exception):
            return None
        logger.warning("Out-of-range number in %s: %s", request.path, exception)
        return page_not_found(request, Http404("Not found."))


def is_bad_number(exception: BaseException) -> bool:
    """An error from a number too large for the database, not some other failure."""
    if isinstance(exception, OverflowError | DataError):
        return bool(_INT_OVERFLOW.search(str(exception)))
    return False


class ConflictMiddleware:
    """A web request that lost a race (the record was already submitted, declined or
    merged by someone else) gets a 409 page saying so, not a server error. Views that
    show a service's errors in their form handle `Conflict` themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Conflict):
            return None
        back = request.path if request.method == "POST" else ""
        referer = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            back = referer
        return render(
            request, "409.html", {"message": str(exception), "back_url": back}, status=409
        )


class GoInsteadMiddleware:
    """Answers a view's `GoInstead` with the response it carries (a redirect)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return exception.response if isinstance(exception, GoInstead) else None
