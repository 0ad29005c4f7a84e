"""What the disruption pages share: the navigation key, the police-only check and the
form page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from cairn.core.http import AuthenticatedHttpRequest
from cairn.disruption.access import is_police_user
from cairn.disruption.models import Tactic

NAV = "disruption"


def _require_police(request: AuthenticatedHttpRequest) -> None:
    """Police work (CAWNs, markers, vehicle sightings): refused like a missing permission."""
    if not is_police_user(request.user):
        raise PermissionDenied


def _form_page(
    request: AuthenticatedHttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    tactic: Tactic | None = None,
    caption: str = "",
    back_url: str = "",
    intro: str = "",
    seen: Any = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "disruption/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "tactic": tactic,
            "caption": caption or (tactic.reference if tactic else "Disruption"),
            "back_url": back_url,
            "intro": intro,
            "seen": seen,
            "nav": NAV,
        },
        status=status,
    )
