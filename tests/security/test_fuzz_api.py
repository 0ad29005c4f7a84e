"""Fuzzing the whole API with every role (schemathesis over the OpenAPI document): each
operation gets bodies and queries generated from its schema (positive: valid by the
schema, with path ids taken from a seeded Hub so records exist; poisoned: a valid body
with one value swapped for what attackers favour, such as lone surrogates, year 1 and
2**70; negative: anything the schema forbids), and must never answer with a server error.
Bounded and derandomised so it runs in seconds in CI; the counts it reaches are in
docs/security-testing.md.

Run with CAIRN_FUZZ_EXAMPLES=50 (or more) for a deeper, slower search."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from werkzeug.test import Client as WerkzeugClient

from cairn.accounts.roles import Role
from cairn.api import api
from cairn.api_auth import services as tokens

from .seed import Hub, session_headers

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("CAIRN_FUZZ_EXAMPLES", "1"))
# The OpenAPI document, generated once (it depends on the code only; generating it takes
# seconds): each test parses its own copy.
DOCUMENT = json.dumps(api.get_openapi_schema())
OPERATIONS = sorted(
    (method.upper(), path)
    for path, methods in json.loads(DOCUMENT)["paths"].items()
    for method in methods
)
STATS: Counter[str] = Counter()
# Values a schema allows but an attacker favours, put into one place of a valid body: the
# schema says "string" or "object", not "no lone surrogates" or "a date after year 1".
POISON = st.sampled_from(
    [
        "\ud800",
        {"\udfff": "x"},
        {"note": "\ud800"},
        "A\x0bB",
        "0001-01-01",
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59-12:00",
        2**70,
        -(2**70),
        "abc",
        5,
        ["2024-01-01"],
        None,
        "x" * 50_000,
    ]
)


def _leaves(body: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a value sits in a JSON body (dict keys and list positions)."""
    if isinstance(body, dict):
        return [path] + [p for k, v in body.items() for p in _leaves(v, (*path, k))]
    if isinstance(body, list):
        return [path] + [p for i, v in enumerate(body) for p in _leaves(v, (*path, i))]
    return [path]


def _send_escaped(case: Any, headers: dict[str, str]) -> Any:
    # Straight to the WSGI app (Django's test client would reconnect the per-request
    # connection clean-up, which closes the test's PostgreSQL connection).
    client = WerkzeugClient(case.operation.schema.app)
    return client.open(
        case.formatted_path,
        method=case.method,
        query_string=urlencode(case.query or {}, doseq=True),
        data=json.dumps(case.body),
        content_type="application/json",
        headers=headers,
    )


def _poison(case: Any) -> st.SearchStrategy[Any]:
    """`case` with one value of its body (or a new key in an object) replaced by POISON."""
    body = getattr(case, "body", None)
    if not isinstance(body, dict):
        return st.just(case)

    def apply(where: tuple[Any, ...], value: Any, new_key: bool) -> Any:
        poisoned = json.loads(json.dumps(body))
        target = poisoned
        for step in where[:-1]:
            target = target[step]
        if not where or new_key:
            holder = target[where[-1]] if where else poisoned
            if isinstance(holder, dict):
                holder["applied_on" if isinstance(value, str) else "person_id"] = value
        else:
            target[where[-1]] = value
        case.body = poisoned
        return case

    # Deepest values first: Hypothesis tries the first choice first, and the values nested
    # in dicts (a referral's details, a tactic's detail) are the least checked.
    leaves = sorted(_leaves(body), key=len, reverse=True)
    return st.builds(apply, st.sampled_from(leaves), POISON, st.booleans())


def _headers(hub: Hub, role: str) -> dict[str, str]:
    user = hub.users[role]
    if not user.has_perm("api.use"):
        return session_headers(user)  # e.g. system admin: the session is the only way in
    return {"Authorization": f"Bearer {tokens.token_create(actor=user, name='fuzz').secret}"}


def _real_path_parameters(hub: Hub, path: str) -> list[dict[str, int]]:
    names = re.findall(r"{(\w+)}", path)
    if not names or any(name not in hub.ids for name in names):
        return []
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(hub.ids[name] for name in names))
    ]


# The cases each operation's strategies generate, drawn once per module and sent as every
# role: a strategy does not depend on the role (its path ids come from the module's seeded
# Hub; the role's headers are added when a case is sent) and generation is derandomised,
# so each role used to draw exactly these same cases again. Drawing them was about two
# thirds of each role's CPU. The schema is parsed once for the same reason.
_SCHEMA: dict[str, Any] = {}
_CASES: dict[tuple[str, str], list[list[Any]]] = {}


def _schema(app: WSGIHandler) -> Any:
    if "schema" not in _SCHEMA:
        _SCHEMA["schema"] = schemathesis.openapi.from_dict(json.loads(DOCUMENT))
    schema = _SCHEMA["schema"]
    schema.app = app  # this test's app: cases reach it through their operation's schema
    return schema


def _strategies(hub: Hub, operation: Any, method: str, path: str) -> list[Any]:
    strategies = [operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    real = _real_path_parameters(hub, path)
    if real:
        positive = st.sampled_from(real).flatmap(
            lambda ids, op=operation: op.as_strategy(
                generation_mode=GenerationMode.POSITIVE, path_parameters=ids
            )
        )
    else:
        positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    strategies.append(positive)
    if method in ("POST", "PUT", "PATCH"):
        strategies.append(positive.flatmap(_poison))
    return strategies


def _draw(strategy: Any) -> list[Any]:
    """The cases Hypothesis generates from `strategy` under the module's budget."""
    drawn: list[Any] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        drawn.append(case)

    check()
    return drawn


def _cases(hub: Hub, schema: Any, method: str, path: str) -> list[list[Any]]:
    if (method, path) not in _CASES:
        operation = schema[path][method]
        _CASES[method, path] = [
            _draw(strategy) for strategy in _strategies(hub, operation, method, path)
        ]
    return _CASES[method, path]


def _send(case: Any, headers: dict[str, str], failures: list[str]) -> None:
    STATS["requests"] += 1
    try:
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
    except UnicodeEncodeError:
        # The WSGI client writes JSON as UTF-8, which a lone surrogate cannot be; a real
        # client sends it escaped ("\\ud800"), so send it that way.
        response = _send_escaped(case, headers)
        if response.status_code >= 500:
            STATS["5xx"] += 1
            failures.append(f"{case.method} {case.path} {case.path_parameters}: 500")
            return
    except Exception as exc:
        STATS["5xx"] += 1
        failures.append(f"{case.method} {case.path} {case.path_parameters}: {exc}")
        return
    STATS[f"{response.status_code // 100}xx"] += 1


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_role_gets_a_server_error_from_any_operation(
    role: str, seeded: Hub, wsgi_app: WSGIHandler
) -> None:
    headers = _headers(seeded, role)
    schema = _schema(wsgi_app)
    failures: list[str] = []
    started = time.monotonic()
    for method, path in OPERATIONS:
        for cases in _cases(seeded, schema, method, path):
            for case in cases:
                _send(case, headers, failures)
    STATS["operations x roles"] += len(OPERATIONS)
    print(f"\n{role}: {dict(STATS)} in {time.monotonic() - started:.1f}s")
    assert not failures, "\n".join(failures[:20])
