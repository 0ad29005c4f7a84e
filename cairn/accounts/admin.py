"""System administrators manage agencies, teams and users in the Django admin. Only the
accounts models are registered: case records are never edited through the admin. Every
admin write is audited; deletion is disabled (deactivate a user instead)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from cairn.audit import services as audit

from .models import Agency, Team, User


class AuditedAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if isinstance(obj, User):
            event = "accounts.user_changed" if change else "accounts.user_created"
        else:
            event = "admin.record_changed" if change else "admin.record_created"
        audit.record(
            actor=request.user,
            event=event,
            obj=obj,
            justification=f"Admin {'change' if change else 'creation'} of {obj._meta.verbose_name}",
            details={"fields": sorted(form.changed_data)},
        )


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "is_first_responder", "is_hub_member"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "agency"]
    list_filter = ["agency"]


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
