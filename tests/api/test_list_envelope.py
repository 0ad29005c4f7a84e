"""Every list in the API answers with the one envelope, {count, page, pages, page_size,
results} with typed items (cairn/core/api_pages.py; docs/guide/api.md, "Lists"), takes
`page` and `page_size`, and answers out-of-range paging with a 422 or the last page,
never a 500."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator

from cairn.api import api
from cairn.core.api_pages import MAX_PAGE_SIZE, paginate

from .conftest import ApiClient

ENVELOPE = {"count", "page", "pages", "page_size", "results"}
P = "/api/v1"

# GET answers that are free-form objects but not lists.
NOT_LISTS = {
    f"GET {P}/referrals/{{referral_id}}/nrm-export": "the NRM form's fields, as the "
    "Home Office service names them",
}


def _spec() -> tuple[dict[str, Any], dict[str, Any]]:
    document = api.get_openapi_schema()
    return document["paths"], document["components"]["schemas"]


def _answer(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    response = operation["responses"].get(200) or operation["responses"].get("200")
    schema = (response.get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        return None  # a file (the network export)
    ref = schema.get("$ref")
    return dict(schemas[ref.rsplit("/", 1)[-1]]) if ref else dict(schema)


def _is_envelope(body: dict[str, Any]) -> bool:
    properties = body.get("properties", {})
    results = properties.get("results", {})
    return (
        set(properties) >= ENVELOPE
        and set(body.get("required", [])) >= ENVELOPE
        and all(properties[k].get("type") == "integer" for k in ENVELOPE - {"results"})
        and results.get("type") == "array"
        and "$ref" in results.get("items", {})  # a typed item schema, not free-form
    )


def test_every_list_endpoint_answers_the_one_envelope() -> None:
    paths, schemas = _spec()
    wrong, pages = [], []
    for path, methods in paths.items():
        operation = methods.get("get")
        if operation is None:
            continue
        name = f"GET {path}"
        body = _answer(operation, schemas)
        if body is None or name in NOT_LISTS:
            continue
        free_form = body.get("type") == "object" and not body.get("properties")
        is_list = body.get("type") == "array" or "results" in body.get("properties", {})
        if not (free_form or is_list):
            continue  # one record, typed
        if _is_envelope(body):
            params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            assert {"page", "page_size"} <= set(params), name
            size = params["page_size"]["schema"]
            assert (size["minimum"], size["maximum"]) == (1, MAX_PAGE_SIZE), name
            pages.append(name)
        else:
            wrong.append(name)
    assert not wrong, f"lists not in the envelope (use cairn.core.api_pages): {wrong}"
    assert len(pages) >= 20  # the lists converted (issue 15): none may drop out unnoticed


@pytest.mark.django_db
def test_page_and_page_size_are_validated_and_paging_past_the_end_is_the_last_page(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any]
) -> None:
    client = api_as(users["practitioner"])
    whole = client.get("/indicators").json()
    count = whole["count"]
    assert count >= 40 and (whole["page"], whole["pages"], whole["page_size"]) == (1, 1, 100)
    third = client.get("/indicators", page=3, page_size=10).json()
    assert (third["count"], third["page"], third["pages"], third["page_size"]) == (
        count,
        3,
        math.ceil(count / 10),
        10,
    )
    assert [i["code"] for i in third["results"]] == [i["code"] for i in whole["results"][20:30]]
    past = client.get("/indicators", page=999, page_size=10).json()
    assert past["page"] == past["pages"] == math.ceil(count / 10)
    assert [i["code"] for i in past["results"]] == [
        i["code"] for i in whole["results"][(past["pages"] - 1) * 10 :]
    ]
    for bad in ({"page": 0}, {"page": "x"}, {"page_size": 0}, {"page_size": MAX_PAGE_SIZE + 1}):
        response = client.get("/indicators", **bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["query", next(iter(bad))]


def test_paginate_consults_the_page_shown_and_keeps_extra_keys() -> None:
    consulted: list[DjangoPage[int]] = []
    answer = paginate(
        list(range(1, 8)),
        2,
        3,
        lambda n: {"n": n},
        consult=consulted.append,
        extra={"order": "newest"},
    )
    assert answer == {
        "order": "newest",
        "count": 7,
        "page": 2,
        "pages": 3,
        "page_size": 3,
        "results": [{"n": 4}, {"n": 5}, {"n": 6}],
    }
    assert [list(p) for p in consulted] == [[4, 5, 6]]
    # A ready paginator (intelligence search's capped count) keeps its own page size.
    empty = paginate(Paginator([], 25), 5, 25)
    assert empty == {"count": 0, "page": 1, "pages": 1, "page_size": 25, "results": []}
