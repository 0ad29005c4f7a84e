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
    "/api/v1/entities": {"get"},
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


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_roles_without_api_use_cannot_read_the_spec(
    client: Client, users: dict[str, Any], path: str
) -> None:
    client.force_login(users["system_admin"])
    assert client.get(f"{API}{path}").status_code == 403
    client.force_login(users["ig_admin"])  # holds api.use
    assert client.get(f"{API}{path}").status_code == 200


def test_a_token_whose_user_lost_api_use_cannot_read_the_spec(
    users: dict[str, Any], token_for: Callable[..., str]
) -> None:
    user = users["analyst"]
    token = token_for(user)
    user.role = "system_admin"
    user.save()
    response = Client().get(f"{API}/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_every_request_body_is_described_by_its_own_schema() -> None:
    """Found by an outside tester: two input schemas named LinkIn made the document
    describe POST /links with the FIB linking step's body, misleading clients and the
    fuzzers. OpenAPI names components by class name, so every schema name must be unique,
    and each operation's documented body must be the model its view takes."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import cairn

    seen: dict[str, str] = {}
    clashes = []
    for module_info in pkgutil.walk_packages(cairn.__path__, "cairn."):
        # An app's api module, or a module of its api package (cairn/disruption/api/).
        if not (module_info.name.endswith(".api") or ".api." in module_info.name):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == (module.__name__)
            ):
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name} in {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert not clashes, clashes

    from cairn.api import api

    document = api.get_openapi_schema()
    body = document["paths"]["/api/v1/links"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"from_entity_id", "to_entity_id", "link_type"} <= set(
        document["components"]["schemas"][ref]["properties"]
    )


def test_openapi_json_has_no_duplicate_keys(client: Client, users: dict[str, Any]) -> None:
    """The docs page (Swagger UI) refuses a document with a key twice ("duplicated mapping
    key"): an `openapi_extra` keyed "200" beside ninja's own 200 once did that."""
    import json

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
        return dict(pairs)

    client.force_login(users["analyst"])
    spec = json.loads(client.get(f"{API}/openapi.json").content, object_pairs_hook=unique)
    export = spec["paths"]["/api/v1/network/people/{person_id}/export"]["get"]
    assert export["responses"]["200"]["description"].startswith("The export file")
