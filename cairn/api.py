"""The JSON API under /api/v1/ (django-ninja); OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. Authentication and errors are decided here, once, for every router:
callers use a bearer token (from /api/tokens/) or the signed-in session, and
PermissionDenied, Http404 and ValidationError become 403, 404 and 422."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError

from cairn.accounts.rules import permissions_for
from cairn.api_auth.auth import SessionAuth, TokenAuth, signed_in_or_token
from cairn.api_auth.schemas import error_responses
from cairn.concerns.api import router as concerns_router
from cairn.disruption.api import router as disruption_router
from cairn.hub.api import router as hub_router
from cairn.intelligence.api import router as intelligence_router
from cairn.network.api import router as network_router
from cairn.pole.api import AgencyRef
from cairn.pole.api import router as pole_router
from cairn.referrals.api import router as referrals_router

DESCRIPTION = """
The Cairn API gives scripts and other systems the same view of the Exploitation Hub's
records that its user has in the web service, and no more.

**Authentication.** Create a token at [/api/tokens/](/api/tokens/) and send it as
`Authorization: Bearer <token>`. Tokens expire (90 days by default) and can be revoked.
In the browser, this page uses your signed-in session; calls that change data then need
the CSRF token (the Try it out button sends it). Your role must allow API use.

**Access.** Records you may not see and records that do not exist both give 404.
Roles that may not open case records (system and information governance administrators)
get 403 on the people, links and records endpoints.

**Audit.** Every search, view and change is recorded in the audit log against your name,
as it is in the web service.

**Errors.** `401` no or bad credentials; `403` not allowed; `404` not found or not
visible; `422` invalid input, with `detail` listing each problem and where it is.
"""

api = NinjaAPI(
    title="Cairn API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_decorator=signed_in_or_token,
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "Authentication required: send a valid API token or sign in."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or "You do not have permission to do this."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    detail = str(exc) or "Not found."
    return api.create_response(request, {"detail": detail}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service's ValidationError, in the same shape as ninja's own 422 errors."""
    errors: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            loc = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
            errors += [{"type": "value_error", "loc": loc, "msg": m} for m in messages]
    else:
        errors = [{"type": "value_error", "loc": ["body"], "msg": m} for m in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    agency: AgencyRef | None
    permissions: list[str]


@api.get("/me", response={200: MeOut, **error_responses()}, tags=["account"])
def me(request: HttpRequest) -> MeOut:
    """Who the API is acting as: the user, their role, agency and permissions."""
    user = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.get_username(),
        name=user.get_full_name() or user.get_username(),
        role=user.role,
        role_label=user.role_label,
        agency=AgencyRef.from_orm(user.agency) if user.agency is not None else None,
        permissions=permissions_for(user.role),
    )


api.add_router("", pole_router)
api.add_router("", concerns_router)
api.add_router("", network_router)
api.add_router("", disruption_router)
api.add_router("", referrals_router)
api.add_router("", intelligence_router)
api.add_router("", hub_router)
