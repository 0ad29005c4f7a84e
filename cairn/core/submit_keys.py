"""One-time submit keys for web forms: a form submitted twice at once (a double click, a
resent POST, the same form in three tabs) creates one record. See ADR 0015.

Every POST form renders `{% submit_key %}`: a hidden `submit_key` field holding a fresh
random key each time the form is drawn. `SubmitKeyMiddleware` runs a signed-in user's POST
that carries one in a single transaction with a `core.SubmitKey` row (user, key, path),
inserted first under a unique constraint:

- the POST redirects (it did what it was asked): the redirect target is stored with the
  key and committed with the request's own writes;
- a second POST with the same key waits on the unique index (PostgreSQL) until the first
  commits, then is redirected to the same page: nothing is created again;
- the POST answers anything else (the form shown again with errors, a 403/404/409): the
  key is freed, so the same form corrected and sent again works normally; what the
  request recorded (audit and consultation rows) is kept;
- a server error rolls the whole request back, key included.

The API has the same contract through the `Idempotency-Key` header
(`cairn.api_auth.idempotency`)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cairn.audit import services as audit
from cairn.core.types import Actor

from .models import SubmitKey

FIELD = "submit_key"
KEY_LIFETIME = dt.timedelta(hours=24)
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
API_PREFIX = "/api/"


def new_key() -> str:
    return secrets.token_urlsafe(24)


def hidden_field() -> SafeString:
    """The hidden input that `{% submit_key %}` renders: a new key every time a form is
    drawn (so a form shown again with errors carries a new one too)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete keys older than a day (the scheduled `run_timers` job)."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = SubmitKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _key_of(request: HttpRequest) -> str | None:
    if request.method != "POST" or request.path.startswith(API_PREFIX):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # An unreadable or oversized body raises here, as it would in the view; it must not be
    # swallowed: Django then hands the view an empty POST and the form looks merely empty
    # (a 200 with errors instead of the 413 page). The error handlers answer it.
    key = request.POST.get(FIELD)
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        return None
    return key


def _replay(request: HttpRequest, user: Actor, row: SubmitKey) -> HttpResponse:
    audit.record(
        actor=user,
        event="web.submit_replayed",
        justification="Form sent again with the same submit key: sent to the first result",
        details={"path": request.path, "location": row.location},
    )
    response = HttpResponse(status=303)
    response["Location"] = row.location
    return response


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "409.html", {"message": message, "back_url": ""}, status=409)


class SubmitKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key_of(request)
        if key is None:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:  # _key_of answers None for them: never here
            return self.get_response(request)
        with transaction.atomic():
            now = timezone.now()
            SubmitKey.objects.filter(user=user, key=key, created_at__lt=now - KEY_LIFETIME).delete()
            try:
                with transaction.atomic():
                    row = SubmitKey.objects.create(
                        user=user, key=key, path=request.path[:500], created_at=now
                    )
            except IntegrityError:
                # The same form was sent already and its POST committed (we may have
                # waited for it on the unique index): send this one where that one went.
                existing = SubmitKey.objects.filter(user=user, key=key).first()
                if existing is None or not existing.location:
                    return _refuse(
                        request,
                        "This form is still being sent from another tab or click. "
                        "Wait a moment, then open the record to check it was saved.",
                    )
                if existing.path != request.path[:500]:
                    return _refuse(
                        request,
                        "This form was already used for something else. "
                        "Open the page again and fill in the new form.",
                    )
                return _replay(request, user, existing)
            response = self.get_response(request)
            location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
            if location and len(location) <= 2000:
                row.location = location
                row.save(update_fields=["location"])
            elif response.status_code >= 500:
                transaction.set_rollback(True)
            else:
                row.delete()
        return response
