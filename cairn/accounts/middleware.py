"""Holds a signed-in user at the two-step pages until they have entered their code (or,
where two-step is required, set it up). Token-authenticated API calls are not affected:
an API token is its own credential."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .sso import SESSION_LOGOUT_ORIGIN, SESSION_PROVIDER_MFA
from .two_step import has_two_step

ALWAYS_ALLOWED = ("/static/", "/healthz", "/readyz", "/metrics")


class TwoStepMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED)
        ):
            allowed = {
                reverse("accounts:two-step-verify"),
                reverse("accounts:two-step-setup"),
                reverse("accounts:logout"),
                reverse("accounts:signed-out"),
            }
            # A verified session needs no lookup; otherwise one query says if a device exists.
            # After single sign-on, the provider's MFA stands for the second step where the
            # agency's provider is set to allow it (cairn/accounts/sso.py).
            if (
                request.path not in allowed
                and not user.is_verified()
                and not request.session.get(SESSION_PROVIDER_MFA)
            ):
                enabled = has_two_step(user)
                if enabled:
                    return redirect(f"{reverse('accounts:two-step-verify')}?next={request.path}")
                if getattr(settings, "CAIRN_REQUIRE_2FA", False):
                    return redirect("accounts:two-step-setup")
        return self.get_response(request)


class SsoSignOutCspMiddleware:
    """The sign-out button posts to Cairn, which redirects to the provider's end-session
    page; browsers apply the page's CSP form-action to that redirect too. For a session
    signed in through a provider with sign-out, allow that one origin as well."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = request.session.get(SESSION_LOGOUT_ORIGIN) if hasattr(request, "session") else None
        response = self.get_response(request)
        if origin:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), origin]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
