"""The OpenAPI document and the docs page: served to signed-in users and token holders,
with every endpoint in it; anonymous visitors are sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import API

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/people": {"get", "post"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/people/{person_id}/links": {"get"},
    "/api/v1/links": {"post"},
    "/api/v1/entities/{entity_id}": {"get"},
    "/api/v1/vehicles": {"post"},
    "/api/v1/phones": {"post"},
    "/api/v1/online-accounts": {"post"},
    "/api/v1/locations": {"post"},
}


def test_openapi_json_for_a_signed_in_user(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["practitioner"])
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Cairn API"
    assert "Bearer" in spec["info"]["description"]
    served = {path: set(ops) for path, ops in spec["paths"].items()}
    for path, methods in EXPECTED_PATHS.items():
        assert served.get(path) == methods, path
    schemes = spec["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_openapi_json_with_a_token(users: dict[str, Any], token_for: Callable[..., str]) -> None:
    response = Client().get(
        f"{API}/openapi.json",
        headers={"Authorization": f"Bearer {token_for(users['analyst'])}"},
    )
    assert response.status_code == 200
    assert "/api/v1/people" in response.json()["paths"]


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_anonymous_is_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(f"{API}{path}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_bad_token_does_not_open_the_docs(db: Any) -> None:
    response = Client().get(f"{API}/docs", headers={"Authorization": "Bearer cairn_wrong"})
    assert response.status_code == 302


def test_docs_page_for_a_signed_in_user_uses_local_assets(
    client: Client, users: dict[str, Any]
) -> None:
    client.force_login(users["social_worker"])
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Served from our own static files: the CSP allows no third-party scripts.
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
