from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from . import two_step
from .forms import SignInCodeForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@login_required
def two_step_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: show the key, confirm with a code."""
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "start":
        two_step.totp_start(actor=request.user)
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
def two_step_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not two_step.has_two_step(request.user) or request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url or "core:home")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_step.verify(request=request, token=form.cleaned_data["token"]):
            return redirect(next_url or "core:home")
        form.add_error("token", "The code is wrong or has expired: enter the current code")
    return render(request, "accounts/two_step_verify.html", {"form": form, "next": next_url})
