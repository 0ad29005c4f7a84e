"""Holds a signed-in user at the two-step pages until they have entered their code (or,
where two-step is required, set it up). Token-authenticated API calls are not affected:
an API token is its own credential."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
            if request.path not in allowed and not user.is_verified():
                enabled = has_two_step(user)
                if enabled:
                    return redirect(f"{reverse('accounts:two-step-verify')}?next={request.path}")
                if getattr(settings, "CAIRN_REQUIRE_2FA", False):
                    return redirect("accounts:two-step-setup")
        return self.get_response(request)
