"""How the JSON API knows who is calling: a bearer token (scripts, other systems) or the
signed-in browser session (the API docs page). Session calls that change data need the
CSRF token. Either way the user must be active and hold `api.use`; a missing, unknown,
revoked or expired credential is a 401, a user without `api.use` a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cairn.core.types import Actor

from . import services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _permitted(user: Actor | None) -> Actor | None:
    if user is None or not user.is_active:
        return None
    if not user.has_perm("api.use"):
        raise HttpError(403, "Your role may not use the API.")
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cairn_…` with a token from /api/tokens/."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return _permitted(services.token_authenticate(secret=token.strip()))


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unlike ninja's own SessionAuth, the CSRF check runs
    only once a session user is found, so a call with no credentials is a 401, not a
    CSRF failure."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return _permitted(user)


def bearer_user(request: HttpRequest) -> Actor | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return services.token_authenticate(secret=secret.strip())


def signed_in_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the OpenAPI document and the docs page: a signed-in user, or a caller with a
    valid token (so clients can fetch the spec), whose role may use the API; anyone else
    is sent to sign in. The document maps every endpoint and field, which is of use only
    to those who may call them, so other roles (system admins) get 403 as the API gives."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user if request.user.is_authenticated else bearer_user(request)
        if user is None:
            return redirect_to_login(request.get_full_path())
        if not user.is_active or not user.has_perm("api.use"):
            raise PermissionDenied("Your role may not use the API.")
        return view(request, *args, **kwargs)

    return wrapped
