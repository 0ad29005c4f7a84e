"""Refused access is logged: a signed-in user (or API token) who asks for a record and is
answered 403 or 404 leaves an `access.refused` security event, so IG can answer "who tried
to see this child?" as well as "who saw them?". Only routes that exist count (a mistyped
address is not an access attempt), and the event holds ids from the address, never the
record: forbidden and missing still look the same to the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from cairn.core.types import Actor

from . import services as audit

# Address parts that name a person or other POLE record: the event's data subject.
SUBJECT_KWARGS = ("person_id", "child_id", "entity_id")
MAX_ID = 2**63 - 1


def _actor(request: HttpRequest) -> Actor | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    auth = getattr(request, "auth", None)  # django-ninja's token authentication
    return auth if getattr(auth, "pk", None) is not None and hasattr(auth, "agency") else None


def _ids(kwargs: dict[str, Any]) -> dict[str, int]:
    ids = {}
    for name, value in kwargs.items():
        # Web routes convert ids to int; the API's routes pass them as text.
        number = value if isinstance(value, int) else None
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
            number = int(value)
        if number is not None and 0 < number <= MAX_ID:
            ids[name] = number
    return ids


class RefusedAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            match = getattr(request, "resolver_match", None)
            actor = _actor(request) if match is not None else None
            if match is not None and actor is not None:
                ids = _ids(match.kwargs)
                subject = next((ids[k] for k in SUBJECT_KWARGS if k in ids), None)
                audit.record(
                    actor=actor,
                    event="access.refused",
                    subject=subject,
                    justification=f"Refused ({response.status_code}): {request.method} "
                    f"{match.view_name}",
                    details={
                        "status": response.status_code,
                        "route": match.view_name,
                        "method": request.method,
                        "ids": ids,
                    },
                )
        return response
