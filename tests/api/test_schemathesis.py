"""Property-based checks of the API against its own OpenAPI document (schemathesis):
whatever a client sends, valid or not, the API answers with a 2xx or 4xx, never a
server error. The spec is fetched from /api/v1/openapi.json with a token, like any
client would. Deterministic (derandomised) and bounded: CAIRN_SCHEMA_EXAMPLES examples per
operation and mode (default 10; drawing an example from a large schema costs more than the
request, and at 25 this module was a quarter of the suite's time). Set it higher for a
deeper search: `CAIRN_SCHEMA_EXAMPLES=50 uv run pytest tests/api/test_schemathesis.py`.

Uses schemathesis' Python API (`APIOperation.as_strategy`) with Hypothesis directly:
its pytest fixture integration (`from_fixture`) does not run under pytest 9."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from cairn.api import api
from cairn.api_auth import services as token_services
from cairn.pole import services as pole_services
from cairn.pole.models import LinkType, NameKind

from ..conftest import build_agencies, build_users, loaded_for_module

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("CAIRN_SCHEMA_EXAMPLES", "10"))
OPERATIONS = sorted(
    (method.upper(), path)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
)
# The loaded OpenAPI document, shared by the tests of this module (see `api_schema`).
_LOADED: dict[str, Any] = {}


@pytest.fixture(scope="module")
def api_token(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The records generated requests can reach (the agencies, a user per role, a child
    with a nickname, her phone and the link between them) and the token the requests carry,
    made once for the module, not for each of its ~190 tests (that was about a tenth of a
    test's CPU). Every test still runs in its own savepoint, rolled back after it, so
    what one test's requests create is gone for the next, as before."""
    with loaded_for_module(django_db_blocker):
        users = build_users(build_agencies())
        social_worker = users["social_worker"]
        child = pole_services.person_create(
            actor=social_worker,
            given_name="Jason",
            family_name="Testcase",
            category="child",
            date_of_birth=dt.date(2010, 3, 27),
            aliases=[(NameKind.NICKNAME, "Jay", "")],
        )
        phone = pole_services.phone_create(actor=social_worker, number="07700 900321")
        pole_services.link_record(
            actor=social_worker,
            from_entity_id=child.pk,
            to_entity_id=phone.pk,
            link_type=LinkType.USES_PHONE,
            source_note="Given by the child",
        )
        # The FIB officer sees the most (police and Hub-wide), so generated ids can hit
        # records.
        yield token_services.token_create(actor=users["fib_officer"], name="Test script").secret


@pytest.fixture
def api_headers(api_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token}"}


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The Django WSGI app, kept inside the test's transaction: like Django's test client,
    stop the per-request connection clean-up, which would close the test connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_headers: dict[str, str], wsgi_app: WSGIHandler) -> Any:
    # The document depends on the code, not the data: fetched through the app with the
    # token (as a client would) and parsed once per module, not per test (generating and
    # parsing it was most of each test's time). Each test still calls its own app.
    if "schema" not in _LOADED:
        _LOADED["schema"] = schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", wsgi_app, headers=api_headers
        )
    schema = _LOADED["schema"]
    schema.app = wsgi_app
    return schema


def test_every_operation_is_exercised() -> None:
    # Every router mounted on the API is covered; these are the people and records ones.
    expected = {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/people"),
        ("POST", "/api/v1/people"),
        ("GET", "/api/v1/people/{person_id}"),
        ("GET", "/api/v1/people/{person_id}/links"),
        ("POST", "/api/v1/links"),
        ("GET", "/api/v1/entities"),
        ("GET", "/api/v1/entities/{entity_id}"),
        ("POST", "/api/v1/vehicles"),
        ("POST", "/api/v1/phones"),
        ("POST", "/api/v1/online-accounts"),
        ("POST", "/api/v1/locations"),
    }
    assert expected <= set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_never_answers_with_a_server_error(
    method: str, path: str, mode: GenerationMode, api_schema: Any, api_headers: dict[str, str]
) -> None:
    operation = api_schema[path][method]
    statuses: set[int] = set()

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        response = case.call_and_validate(headers=api_headers, checks=[not_a_server_error])
        statuses.add(response.status_code)

    check()
    # The token worked: nothing was refused as unauthenticated.
    assert statuses
    assert 401 not in statuses
