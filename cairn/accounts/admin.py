"""System administrators manage agencies, teams and users in the Django admin. Only the
accounts models are registered: case records are never edited through the admin. Every
admin write is audited with the changed fields' values before and after; deletion is
disabled (deactivate a user instead). Users are saved through cairn/accounts/services.py,
so a change granting police or intelligence access waits for a second system admin, and
password changes are audited there too. An agency's kind is fixed once it exists: turning
an agency into a police force would give all its users police data at once."""

from __future__ import annotations

import contextvars
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminPasswordChangeForm as OwnPasswordChangeForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.views import PasswordChangeView, redirect_to_login
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.audit import services as audit
from cairn.core.http import actor_of

from . import services
from .models import Agency, ExternalIdentity, IdentityProvider, Team, User
from .roles import Role

# The admin signed in while Django's password view runs: its form has no request to ask.
_password_actor: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "cairn_password_actor", default=None
)


def _values(obj: models.Model, fields: list[str]) -> dict[str, str]:
    values = {}
    for name in fields:
        value = getattr(obj, obj._meta.get_field(name).attname)  # type: ignore[union-attr]
        values[name] = "(none)" if value in (None, "") else str(value)
    return values


class AuditedAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = [f for f in form.changed_data if f in {x.name for x in obj._meta.fields}]
        before = {}
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            before = _values(stored, fields)
        super().save_model(request, obj, form, change)
        audit.record(
            actor=actor_of(request),
            event="admin.record_changed" if change else "admin.record_created",
            obj=obj,
            justification=f"Admin {'change' if change else 'creation'} of {obj._meta.verbose_name}",
            details={"fields": sorted(fields), "before": before, "after": _values(obj, fields)},
        )


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "is_first_responder", "is_hub_member"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["kind"] if obj is not None else []


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]


def _https_urls(field: models.Field[Any, Any], **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # a provider's endpoints are always https
    return field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    class Meta:
        model = IdentityProvider
        formfield_callback = _https_urls
        fields = [
            "agency",
            "name",
            "slug",
            "is_enabled",
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "end_session_endpoint",
            "client_id",
            "client_secret_env",
            "scopes",
            "role_from_groups",
            "groups_claim",
            "group_roles",
            "mfa_satisfies_two_step",
            "mfa_amr_values",
            "mfa_acr_values",
            "reauthenticate",
            "api_token_max_days",
        ]

    def clean_group_roles(self) -> dict[str, str]:
        value = self.cleaned_data.get("group_roles") or {}
        if not isinstance(value, dict):
            raise forms.ValidationError('Enter group ids and roles like {"group-id": "analyst"}')
        unknown = sorted({str(r) for r in value.values()} - set(Role.values))
        if unknown:
            raise forms.ValidationError(
                f"Not a Cairn role: {', '.join(unknown)}. Roles are: {', '.join(Role.values)}"
            )
        return {str(k): str(v) for k, v in value.items()}

    def _string_list(self, name: str) -> list[str]:
        value = self.cleaned_data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise forms.ValidationError('Enter a list of values like ["mfa"]')
        return value

    def clean_mfa_amr_values(self) -> list[str]:
        return self._string_list("mfa_amr_values")

    def clean_mfa_acr_values(self) -> list[str]:
        return self._string_list("mfa_acr_values")


@admin.register(IdentityProvider)
class IdentityProviderAdmin(AuditedAdmin):
    """An agency's single sign-on provider. Every change (the group-to-role mapping, the MFA
    rule) is audited with its values before and after by AuditedAdmin."""

    form = IdentityProviderForm
    list_display = ["name", "agency", "is_enabled", "role_from_groups", "mfa_satisfies_two_step"]
    list_filter = ["agency", "is_enabled"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(AuditedAdmin):
    """Links a Cairn account to its identity at a provider: add one to let an existing
    password account sign in through the provider instead of making a second account."""

    list_display = ["user", "provider", "subject", "last_sign_in_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["created_at", "last_sign_in_at", "email", "groups"]


class AuditedOwnPasswordChangeForm(OwnPasswordChangeForm):
    """The admin site's "Change password" (for the signed-in user), saved and audited
    through the service."""

    def save(self, commit: bool = True) -> Any:
        services.user_password_set(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )
        return self.user


def admin_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponseBase:
    """Stands in for AdminSite.login: everyone signs in on Cairn's own page (passwords with
    the two-step check, or an agency's provider), never on a second password form that a
    single sign-on account could not use. A signed-in account without "Can use the admin
    site" is told so, not asked for a password it does not have."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("accounts:login"))
    if admin.site.has_permission(request):
        return redirect(next_url)
    return render(request, "accounts/admin_not_allowed.html", status=403)


admin.site.login = admin_sign_in  # type: ignore[method-assign,assignment]


def own_password_change(request: HttpRequest) -> HttpResponseBase:
    """Stands in for AdminSite.password_change (cairn/urls.py routes its address here
    first): the same page, with the audited form."""
    request.current_app = admin.site.name
    return PasswordChangeView.as_view(
        form_class=AuditedOwnPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=admin.site.name),
        extra_context=admin.site.each_context(request),
    )(request)


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """Saves through the audited service instead of straight to the database."""

    def save(self, commit: bool = True) -> Any:
        usable = self.cleaned_data.get("set_usable_password", True)
        services.user_password_set(
            actor=_password_actor.get(),
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
        )
        return self.user


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title", "phone")}),
        ("Role", {"fields": ("agency", "team", "role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    change_password_form = AuditedPasswordChangeForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pending = services.user_save(actor=actor_of(request), user=obj, created=not change)
        if pending is not None:
            url = reverse("accounts:change-request", args=[pending.pk])
            messages.warning(
                request,
                f"The change to {obj} would give {', '.join(pending.grants)}, so another "
                f"system admin must approve it before it takes effect (change #{pending.pk}, "
                f"{url}). Everything else has been saved.",
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)


# Authenticator apps are managed only by their owner on the two-step page (after passing
# the second step) and reset with the audited `two_step_reset` command: an admin page that
# shows or replaces another user's key would let an administrator take over their account.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
