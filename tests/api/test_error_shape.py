"""Every error the JSON API returns is `{"detail": "..."}` with a JSON content type
(a 422 lists its problems in `detail`), whoever produced it: the API's own exception
handlers, a middleware before it, or Django's handlers for an unknown address or a wrong
method, which used to answer in HTML or plain text. 503s (database unreachable or
read-only) are proven against a real database in tests/resilience/."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from cairn import api as cairn_api
from cairn.api_auth import idempotency
from cairn.api_auth.models import IdempotencyKey
from cairn.api_auth.services import token_create

pytestmark = pytest.mark.django_db


def assert_json_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert list(body) == ["detail"] and isinstance(body["detail"], str) and body["detail"]
    return str(body["detail"])


@pytest.fixture
def bearer(users: dict[str, Any]) -> Callable[[str], dict[str, str]]:
    def make(role: str = "analyst") -> dict[str, str]:
        secret = token_create(actor=users[role], name="Shape").secret
        return {"Authorization": f"Bearer {secret}"}

    return make


def test_400_a_request_django_refuses(bearer: Any) -> None:
    response = Client().get("/api/v1/me", headers=bearer(), HTTP_HOST="evil.invalid")
    assert_json_error(response, 400)


def test_403_a_role_that_may_not_use_the_api(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["system_admin"])
    assert "API" in assert_json_error(client.get("/api/v1/me"), 403)


def test_403_a_session_post_without_the_csrf_token(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["analyst"])
    response = client.post("/api/v1/vehicles", "{}", content_type="application/json")
    assert "CSRF" in assert_json_error(response, 403)


def test_404_an_address_the_api_does_not_have(bearer: Any) -> None:
    response = Client().get("/api/v1/no-such-thing", headers=bearer())
    assert assert_json_error(response, 404) == "Not found."


def test_405_a_method_an_address_does_not_take(bearer: Any) -> None:
    response = Client().delete("/api/v1/me", headers=bearer())
    assert "Allowed: GET" in assert_json_error(response, 405)
    assert response["Allow"] == "GET"


def test_409_a_retry_while_the_first_request_is_running(users: dict[str, Any], bearer: Any) -> None:
    IdempotencyKey.objects.create(
        user=users["analyst"], key="k-409", fingerprint="", status_code=0, created_at=timezone.now()
    )
    response = Client().post(
        "/api/v1/vehicles",
        json.dumps({"registration": "AB12 CDE"}),
        content_type="application/json",
        headers={**bearer(), "Idempotency-Key": "k-409"},
    )
    assert "still being processed" in assert_json_error(response, 409)


def test_429_too_many_requests(bearer: Any) -> None:
    headers = bearer()
    cache.clear()
    rates = {"api": "1/min", "search": "", "export": "", "match": ""}
    with override_settings(CAIRN_THROTTLE_ENABLED=True, CAIRN_THROTTLE_RATES=rates):
        assert Client().get("/api/v1/me", headers=headers).status_code == 200
        response = Client().get("/api/v1/me", headers=headers)
    cache.clear()
    assert "Too many requests" in assert_json_error(response, 429)
    assert int(response["Retry-After"]) > 0


def test_500_a_failure_inside_the_api(bearer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(role: str) -> list[str]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cairn_api, "permissions_for", broken)
    response = Client(raise_request_exception=False).get("/api/v1/me", headers=bearer())
    assert assert_json_error(response, 500).startswith("Sorry, there is a problem")


def test_500_a_failure_before_the_api_runs(bearer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a middleware (here the Idempotency-Key one): Django's server error handler
    answers, and it answers the API in JSON too."""

    def broken(request: Any) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(idempotency, "fingerprint", broken)
    response = Client(raise_request_exception=False).post(
        "/api/v1/vehicles",
        json.dumps({"registration": "AB12 CDE"}),
        content_type="application/json",
        headers={**bearer(), "Idempotency-Key": "k-500"},
    )
    assert assert_json_error(response, 500).startswith("Sorry, there is a problem")


def test_the_docs_page_and_the_token_pages_keep_html_errors(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["system_admin"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 403 and docs["Content-Type"].startswith("text/html")
    missing = client.get("/api/tokens/no-such-page/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
