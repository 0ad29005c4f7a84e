"""Rate limits on the API and on the web's expensive pages (searches, exports, identity
matching). One counter per scope and user (the caller's address when nobody is signed
in), kept in Django's cache, so the web page and the API call that do the same work
share a limit. Rates come from settings (`CAIRN_THROTTLE_RATES`, from the environment)
and are read on every request, so a changed setting takes effect without a restart.

A refused request gets 429 with `Retry-After`: a GOV.UK-styled page on the web, JSON on
the API (ninja's `Throttled`, turned into JSON by the API's own handler)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.throttling import BaseThrottle

# The scopes Cairn limits; each has a default in settings and an environment variable.
SCOPES = ("api", "search", "export", "match")


def _rate(scope: str) -> tuple[int, int] | None:
    """(requests, seconds) for `scope`, or None when the scope is not limited."""
    if not getattr(settings, "CAIRN_THROTTLE_ENABLED", True):
        return None
    rate = getattr(settings, "CAIRN_THROTTLE_RATES", {}).get(scope)
    if not rate:
        return None
    return parse_rate(rate)


_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/min' -> (30, 60); '100/5m' -> (100, 300). ValueError on anything else, so a
    mistyped setting stops the service at start-up rather than silently not limiting."""
    count, _, period = rate.strip().partition("/")
    digits = period.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = period[len(digits) :]
    if not count.isdigit() or unit not in _PERIODS or (digits and not digits.isdigit()):
        raise ValueError(f"Invalid rate {rate!r}: use a form like '30/min' or '500/hour'.")
    return int(count), int(digits or 1) * _PERIODS[unit]


def _ident(request: HttpRequest) -> str:
    # The API authenticates into request.auth (token or session); the web into request.user.
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"addr:{request.META.get('REMOTE_ADDR', '')}"


def refusal(scope: str, request: HttpRequest) -> int | None:
    """Count this request against `scope`; None if allowed, else the seconds to wait.

    A sliding window of request times per user and scope. The read-then-write is not
    atomic, so two simultaneous requests may both pass at the limit: a rate limit, not an
    access rule, and it errs towards letting a professional work."""
    limit = _rate(scope)
    if limit is None:
        return None
    requests, seconds = limit
    key = f"cairn:throttle:{scope}:{_ident(request)}"
    now = time.time()
    history = [t for t in cache.get(key, []) if t > now - seconds]
    if len(history) >= requests:
        return max(1, math.ceil(history[-1] + seconds - now))
    history.insert(0, now)
    cache.set(key, history, seconds)
    return None


class ScopedThrottle(BaseThrottle):
    """A ninja throttle for one of Cairn's scopes. ninja keeps one instance per operation
    and calls `wait()` straight after a refusal, so the wait is kept per thread."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = refusal(self.scope, request)
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


API_THROTTLE = ScopedThrottle("api")


def api_throttles(*scopes: str) -> list[BaseThrottle]:
    """The throttles for an expensive API operation: the API-wide limit and its own."""
    return [API_THROTTLE, *(ScopedThrottle(scope) for scope in scopes)]


def wants_pdf(request: HttpRequest) -> bool:
    return request.GET.get("format") == "pdf"


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(request, "429.html", {"wait_minutes": math.ceil(wait / 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response


def throttle(
    scope: str,
    methods: Iterable[str] = ("GET", "POST"),
    when: Callable[[HttpRequest], bool] | None = None,
) -> Callable[..., Any]:
    """Limit a web view (put it under `login_required`, so anonymous callers are sent to
    sign in rather than counted). `methods` names the requests that do the costly work;
    `when`, if given, picks them further (e.g. only the PDF of a page that is also HTML)."""
    limited = frozenset(m.upper() for m in methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in limited and (when is None or when(request)):
                wait = refusal(scope, request)
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
