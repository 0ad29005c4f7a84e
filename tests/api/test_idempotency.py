"""`Idempotency-Key` on API POSTs: a retried request gets the first response again and
creates nothing new; the same key with a different request is refused (422); errors are
not stored, and a server error leaves no write behind; old keys are purged by run_timers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cairn.api_auth.models import IdempotencyKey
from cairn.audit.models import AuditEvent
from cairn.concerns import api as concerns_api
from cairn.concerns.models import Concern
from cairn.pole.models import Person

from ..concerns.test_api import body
from .conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(date_of_birth=dt.date(2011, 6, 1))


def _submitted() -> int:
    return Concern.objects.exclude(status="draft").count()


def test_a_retry_with_the_same_key_replays_the_first_response(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    api = api_as(users["social_worker"])
    key = {"Idempotency-Key": "retry-7f3a9c"}
    first = api.post("/concerns", body(child.pk), key)
    assert first.status_code == 201, first.content
    again = api.post("/concerns", body(child.pk), key)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _submitted() == 1
    assert AuditEvent.objects.filter(event="api.request_replayed").count() == 1
    # Without a key, a second POST is a second concern (the client chose not to be safe).
    assert api.post("/concerns", body(child.pk)).status_code == 201
    assert _submitted() == 2


def test_the_same_key_for_a_different_request_is_refused(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    api = api_as(users["social_worker"])
    key = {"Idempotency-Key": "one-key"}
    assert api.post("/concerns", body(child.pk), key).status_code == 201
    other = api.post("/concerns", body(child.pk, narrative="A different concern entirely."), key)
    assert other.status_code == 422
    assert "already used for a different request" in other.json()["detail"][0]["msg"]
    assert _submitted() == 1
    # Keys are per user: another user's identical key is theirs alone.
    assert api_as(users["practitioner"]).post("/concerns", body(child.pk), key).status_code == 201


@pytest.mark.parametrize("bad", ["", "has space", "x" * 101, "naïve"])
def test_a_malformed_key_is_a_clear_422(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person, bad: str
) -> None:
    api = api_as(users["social_worker"])
    client = api.client
    response = client.post(
        "/api/v1/concerns",
        data=body(child.pk),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": bad},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert _submitted() == 0


def test_an_error_is_not_stored_so_a_corrected_retry_works(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    api = api_as(users["social_worker"])
    key = {"Idempotency-Key": "fix-and-retry"}
    bad = body(child.pk, narrative="")
    assert api.post("/concerns", bad, key).status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert api.post("/concerns", body(child.pk), key).status_code == 201
    assert _submitted() == 1


def test_a_server_error_leaves_no_write_behind(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    child: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The concern is written, then rendering the answer fails: with a key, the whole
    request is rolled back, so the client's retry does not make a duplicate."""

    def broken_out(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("failed after the write")

    monkeypatch.setattr(concerns_api, "_concern_out", broken_out)
    api = api_as(users["social_worker"])
    api.client.raise_request_exception = False
    failed = api.post("/concerns", body(child.pk), {"Idempotency-Key": "boom-1"})
    assert failed.status_code == 500
    assert _submitted() == 0
    assert not IdempotencyKey.objects.exists()


def test_old_keys_are_purged_by_run_timers(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    api = api_as(users["social_worker"])
    key = {"Idempotency-Key": "yesterday"}
    assert api.post("/concerns", body(child.pk), key).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    # An expired key no longer replays: the request is treated as new.
    assert api.post("/concerns", body(child.pk), key).status_code == 201
    assert _submitted() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    out = StringIO()
    call_command("run_timers", stdout=out)
    assert "api_keys_purge: ok: Purged 1 expired Idempotency-Key(s)." in out.getvalue()
    assert not IdempotencyKey.objects.exists()
