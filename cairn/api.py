"""The JSON API under /api/v1/ (django-ninja); OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs. Authentication and errors are decided here, once, for every router:
callers use a bearer token (from /api/tokens/) or the signed-in session, and
PermissionDenied, Http404 and ValidationError become 403, 404 and 422; a body over the
upload limit is a 413; anything unexpected is a JSON 500, never an HTML page."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, Throttled

from cairn.accounts.rules import permissions_for
from cairn.api_auth.auth import SessionAuth, TokenAuth, signed_in_or_token
from cairn.api_auth.schemas import error_responses
from cairn.concerns.api import router as concerns_router
from cairn.core.concurrency import Conflict
from cairn.core.errors import SERVER_ERROR, outage_response
from cairn.core.http import actor_of
from cairn.core.middleware import is_bad_number
from cairn.core.outage import classify
from cairn.core.throttling import API_THROTTLE
from cairn.core.views import TOO_LARGE
from cairn.disruption.api import router as disruption_router
from cairn.governance.api import router as governance_router
from cairn.hub.api import router as hub_router
from cairn.intelligence.api import router as intelligence_router
from cairn.missing.api import router as missing_router
from cairn.network.api import router as network_router
from cairn.pole.api import AgencyRef
from cairn.pole.api import router as pole_router
from cairn.referrals.api import router as referrals_router
from cairn.retention.api import router as retention_router
from cairn.rights.api import router as rights_router
from cairn.sharing.api import router as sharing_router

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

**Lists.** A list answers one page: `{"count", "page", "pages", "page_size", "results"}`.
Ask with `page` (from 1) and `page_size` (1 to 100); a page past the last gives the last.
(The Hub and disruption lists do not follow this yet; see the API guide.)

**Errors.** `401` no or bad credentials; `403` not allowed; `404` not found or not
visible; `409` someone else changed the record first (it was already declined,
merged, finalised...), or a request with the same `Idempotency-Key` is still running;
`405` the address does not take that method; `422` invalid input, with `detail` listing
each problem and where it is; `429` too many requests (wait the seconds in the
`Retry-After` header); `500` a problem in Cairn; `503` Cairn cannot reach its database,
or it is read-only for maintenance (`detail` says which; wait the seconds in
`Retry-After`). Every error is JSON: `{"detail": "..."}` (for 422, a list).

**Retries.** Send an `Idempotency-Key` header (any unique string, up to 100 characters)
with a POST to make it safe to retry: for 24 hours the same key returns the first
response again instead of creating a second record.
"""

logger = logging.getLogger("django.request")


class CairnAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also states what every POST shares: the optional
    Idempotency-Key header (handled by cairn.api_auth.idempotency, outside the routers)
    and the 409 a conflict gives."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            post = methods.get("post")
            if post is None:
                continue
            post.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            responses = post.setdefault("responses", {})
            responses.setdefault(409, CONFLICT_RESPONSE)
            responses.setdefault(422, INVALID_RESPONSE)
        return schema


IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Any unique string (1 to 100 visible ASCII characters) that makes the "
    "POST safe to retry: for 24 hours the same key gets the first response again "
    "(header Idempotent-Replayed: true) and creates nothing new. The same key with a "
    "different request is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[!-~]+$"},
}
CONFLICT_RESPONSE = {
    "description": "Conflict: someone else changed the record first, or a request with "
    "this Idempotency-Key is still running",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}
INVALID_RESPONSE = {
    "description": "Invalid input",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
                "required": ["detail"],
            }
        }
    },
}


api = CairnAPI(
    title="Cairn API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_decorator=signed_in_or_token,
    # Without deep links each operation's path is plain text, not a link nested inside
    # the operation's expand button (axe: nested-interactive, 94 of them).
    docs=Swagger(settings={"deepLinking": False}),
    throttle=[API_THROTTLE],
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


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds Retry-After (whole seconds) to this response after the handler runs.
    wait = f" Wait {math.ceil(exc.wait)} seconds and try again." if exc.wait else ""
    return api.create_response(
        request,
        {"detail": f"Too many requests: Cairn limits how often this can be done.{wait}"},
        status=429,
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or "You do not have permission to do this."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    detail = str(exc) or "Not found."
    return api.create_response(request, {"detail": detail}, status=404)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    """Someone else changed the record first (or the same Idempotency-Key is in use)."""
    return api.create_response(request, {"detail": str(exc)}, status=409)


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


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": TOO_LARGE}, status=413)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An id too large for the database is a 404 like any missing record; a database
    that is down, hanging or read-only is a 503 saying which (with Retry-After); anything
    else is logged as a server error, and the client still gets JSON."""
    if is_bad_number(exc):
        return api.create_response(request, {"detail": "Not found."}, status=404)
    kind = classify(exc)
    if kind is not None:
        logger.error(
            "Service Unavailable (database %s): %s",
            kind.value,
            request.path,
            exc_info=exc,
            extra={"status_code": 503},
        )
        return outage_response(request, kind)
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500}
    )
    return api.create_response(request, {"detail": SERVER_ERROR}, status=500)


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
    user = actor_of(request)
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
api.add_router("", missing_router)
api.add_router("", rights_router)
api.add_router("", retention_router)
api.add_router("", sharing_router)
api.add_router("", governance_router)
