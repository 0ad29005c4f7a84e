from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from cairn.core.http import AuthenticatedHttpRequest

from . import selectors, services, sso, two_step
from .forms import ChangeDecisionForm, SignInCodeForm, SignInForm
from .models import AccountChangeRequest, ChangeRequestStatus

FIELD_LABELS = {
    "agency": "Agency",
    "team": "Team",
    "role": "Role",
    "is_active": "Active",
    "is_staff": "Can use the admin site",
    "is_superuser": "Superuser",
}


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "providers": sso.enabled_providers()}


class SignOutView(auth_views.LogoutView):
    """Signs out of Cairn and, after single sign-on with a provider that supports it, sends
    the browser on to end the provider's session too."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.next_page = sso.end_session_url(request, reverse("accounts:signed-out"))
        return super().post(request, *args, **kwargs)


@require_GET
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = sso.provider_for(slug)
    if provider is None:
        raise Http404
    if request.user.is_authenticated:
        return redirect("core:home")
    response: HttpResponse = sso.SsoStartView().start(request, provider)
    return response


sso_callback = sso.SsoCallbackView.as_view()
sso_refused = sso.sso_refused


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@login_required
def two_step_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: show the key, confirm with a code. A user
    who already has an app must pass the second step first (the password is not enough)."""
    verified = bool(request.user.is_verified())
    if not two_step.may_manage_devices(request.user, verified=verified):
        return redirect(f"{reverse('accounts:two-step-verify')}?next={request.path}")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "start":
        two_step.totp_start(actor=request.user, verified=verified)
        return redirect("accounts:two-step-setup")
    device = two_step.pending_device(request.user)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            two_step.totp_confirm(
                actor=request.user, request=request, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form.add_error("token", exc.message_dict["token"])
        else:
            return render(request, "accounts/two_step_done.html")
    return render(
        request,
        "accounts/two_step_setup.html",
        {
            "form": form,
            "device": device,
            "secret": two_step.secret_for_display(device) if device else "",
            "enabled": two_step.has_two_step(request.user),
        },
    )


@login_required
def two_step_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not two_step.has_two_step(request.user) or request.user.is_verified():
        return redirect(next_url or "core:home")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_step.verify(request=request, token=form.cleaned_data["token"]):
            return redirect(next_url or "core:home")
        form.add_error("token", "The code is wrong or has expired: enter the current code")
    return render(request, "accounts/two_step_verify.html", {"form": form, "next": next_url})


def _change_rows(
    change: AccountChangeRequest, names: services.Names | None = None
) -> list[dict[str, str]]:
    names = names if names is not None else services.names_for(change.before, change.changes)
    return [
        {
            "field": FIELD_LABELS.get(name, name),
            "before": services.display_value(name, change.before.get(name), names),
            "after": services.display_value(name, value, names),
        }
        for name, value in change.changes.items()
    ]


@login_required
@require_GET
def change_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """System admins: account changes waiting for a second admin's approval."""
    page = Paginator(selectors.pending_change_requests(request.user), 25).get_page(
        request.GET.get("page")
    )
    changes = list(page)
    names = services.names_for(*[c.before for c in changes], *[c.changes for c in changes])
    sso_rows = selectors.sign_in_identities(request.user, [c.user for c in changes])
    return render(
        request,
        "accounts/change_request_list.html",
        {
            "rows": [
                {"change": c, "fields": _change_rows(c, names), "sso": sso_rows.get(c.user_id)}
                for c in changes
            ],
            "page_obj": page,
            "nav": "tools",
        },
    )


@login_required
@require_GET
def change_request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    change = selectors.change_request_for(request.user, request_id)
    return render(
        request,
        "accounts/change_request_detail.html",
        {
            "change": change,
            "fields": _change_rows(change),
            "sso": selectors.sign_in_identity(request.user, change.user),
            "own": request.user.pk in {change.requested_by_id, change.user_id},
            "nav": "tools",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_request_decide(
    request: AuthenticatedHttpRequest, request_id: int, decision: str
) -> HttpResponse:
    """Confirm, then approve or reject a waiting change (GOV.UK: confirm irreversible steps)."""
    if decision not in {"approve", "reject"}:
        raise Http404
    change = selectors.change_request_for(request.user, request_id)
    if change.status != ChangeRequestStatus.PENDING and request.method == "GET":
        return redirect("accounts:change-request", request_id=change.pk)
    form = ChangeDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if decision == "approve":
                services.change_request_approve(actor=request.user, request_id=change.pk)
            else:
                services.change_request_reject(
                    actor=request.user, request_id=change.pk, note=form.cleaned_data["note"]
                )
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            form.add_error(None, message)
        else:
            verb = "approved" if decision == "approve" else "rejected"
            messages.success(request, f"The change to {change.user} has been {verb}.")
            return redirect("accounts:change-requests")
    return render(
        request,
        "accounts/change_request_decide.html",
        {
            "change": change,
            "fields": _change_rows(change),
            "sso": selectors.sign_in_identity(request.user, change.user),
            "decision": decision,
            "form": form,
            "nav": "tools",
        },
    )
