"""System admins edit the indicator catalogue (labels, guidance, weights, retiring an
entry). Codes are stable; entries are never deleted, only made inactive."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cairn.audit import services as audit
from cairn.core.http import actor_of

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "category", "weight", "from_seed_deck", "active"]
    list_filter = ["category", "active", "from_seed_deck"]
    search_fields = ["label", "code"]
    readonly_fields = ["code", "catalogue_version"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["catalogue_version"] if obj is None else ["code", "catalogue_version"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=actor_of(request),
            event="indicator.changed",
            obj=obj,
            justification="Indicator catalogue edited",
            details={"fields": sorted(form.changed_data)},
        )
