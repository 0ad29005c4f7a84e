"""The API tokens page: a user with `api.use` lists their tokens, creates one (the
secret is shown once) and revokes them. Views parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.accounts.sso import SESSION_PROVIDER_MFA
from cairn.core.http import AuthenticatedHttpRequest, form_saved

from . import selectors, services
from .forms import TokenForm


def _require_api_use(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("api.use"):
        raise PermissionDenied


def second_factor(request: AuthenticatedHttpRequest) -> bool:
    """Did this session pass a second step: Cairn's code, or a provider's MFA that counts."""
    return bool(request.user.is_verified()) or bool(request.session.get(SESSION_PROVIDER_MFA))


def _token_rows(request: AuthenticatedHttpRequest) -> list[dict[str, object]]:
    now = timezone.now()
    return [
        {"token": token, "status": token.status(now)}
        for token in selectors.tokens_for_user(request.user)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_api_use(request)
    limit = selectors.sign_in_limit(request.user)
    form = TokenForm(request.POST or None, max_days=limit[0] if limit else None)
    saved = form_saved(
        request,
        form,
        lambda: services.token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            lifetime_days=form.cleaned_data["lifetime_days"],
            second_factor=second_factor(request),
        ),
        # Rendered, not redirected: the secret must never be stored, even in the session.
        then=lambda issued: render(
            request,
            "api_auth/token_created.html",
            {"token": issued.token, "secret": issued.secret, "nav": "api"},
        ),
    )
    return saved or render(
        request,
        "api_auth/token_list.html",
        {
            "form": form,
            "rows": _token_rows(request),
            "needs_second_factor": limit is not None and not second_factor(request),
            "nav": "api",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    _require_api_use(request)
    if request.method == "POST":
        token = services.token_revoke(actor=request.user, token_id=token_id)
        messages.success(request, f"The token “{token.name}” has been revoked.")
        return redirect("api_auth:token-list")
    token = selectors.token_for_owner(request.user, token_id)
    return render(
        request,
        "api_auth/token_revoke.html",
        {"token": token, "status": token.status(timezone.now()), "nav": "api"},
    )
