"""`Idempotency-Key` on API POSTs: a client that retries a POST (after a time-out, or a
5xx that may hide a committed write) sends the same key and gets the first response
again, never a second record. See docs/guide/api.md and ADR 0015.

The key row and the request's own writes commit in one transaction: the key is inserted
first, so a concurrent request with the same key waits on the unique index (PostgreSQL)
until the first commits and then replays its response. A 2xx response is stored with the
key; a 4xx drops the key (the client may correct and retry) but keeps what the request
recorded, such as audit rows; a 5xx rolls the whole request back, so a server error
never leaves a write behind that the client cannot see."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.types import Actor

from .auth import bearer_user
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
API_PREFIX = "/api/v1/"
KEY_LIFETIME = dt.timedelta(hours=24)
KEY_MAX_LENGTH = 100
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,100}$")  # visible ASCII, no spaces
REPLAYED_HEADER = "Idempotent-Replayed"


def _json(status: int, detail: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail}), status=status, content_type="application/json"
    )


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _caller(request: HttpRequest) -> Actor | None:
    """Who the API will act as: the bearer token's user, else the signed-in user. (The API
    itself still decides whether they may; this only names whose key it is.)"""
    user = bearer_user(request)
    if user is None:
        session_user = getattr(request, "user", None)
        user = session_user if session_user is not None and session_user.is_authenticated else None
    return user if user is not None and user.is_active else None


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete keys older than a day (the scheduled `run_timers` job)."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _replay(request: HttpRequest, user: Actor, row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(row.body, status=row.status_code, content_type=row.content_type)
    response[REPLAYED_HEADER] = "true"
    audit.record(
        actor=user,
        event="api.request_replayed",
        justification="API request retried with the same Idempotency-Key: first response sent",
        details={"path": request.path, "status": row.status_code},
    )
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _json(
                422,
                [
                    {
                        "type": "value_error",
                        "loc": ["header", HEADER],
                        "msg": f"{HEADER} must be 1 to {KEY_MAX_LENGTH} visible characters "
                        "(letters, digits and punctuation, no spaces)",
                    }
                ],
            )
        user = _caller(request)
        if user is None:
            return self.get_response(request)  # the API answers 401
        print_ = fingerprint(request)
        with transaction.atomic():
            now = timezone.now()
            IdempotencyKey.objects.filter(
                user=user, key=key, created_at__lt=now - KEY_LIFETIME
            ).delete()
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        user=user, key=key, fingerprint=print_, status_code=0, created_at=now
                    )
            except IntegrityError:
                # Another request with this key committed first (we may have waited for it).
                existing = IdempotencyKey.objects.filter(user=user, key=key).first()
                if existing is None or existing.status_code == 0:
                    return _json(
                        409,
                        f"A request with this {HEADER} is still being processed: "
                        "wait, then retry with the same key.",
                    )
                if existing.fingerprint != print_:
                    return _json(
                        422,
                        [
                            {
                                "type": "value_error",
                                "loc": ["header", HEADER],
                                "msg": f"This {HEADER} was already used for a different "
                                "request: use a new key for a new request.",
                            }
                        ],
                    )
                return _replay(request, user, existing)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
                row.status_code = response.status_code
                row.content_type = response.get("Content-Type", "")[:100]
                row.body = response.content.decode("utf-8", errors="replace")
                row.save(update_fields=["status_code", "content_type", "body"])
            elif response.status_code >= 500:
                transaction.set_rollback(True)
            else:
                row.delete()
        return response
