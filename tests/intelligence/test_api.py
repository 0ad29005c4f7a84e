"""Intelligence API: check, submissions (crime check enforced), scoped detail by role,
grading (incl. legacy 5x5x5), sanitised text, links, dissemination, search; allowed and
denied users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cairn.intelligence.models import Status, Submission

from ..api.conftest import ApiClient
from .conftest import intel_data

pytestmark = pytest.mark.django_db


def body(**overrides: Any) -> dict[str, Any]:
    data = intel_data(**overrides)
    data["source_name"] = data.pop("name")
    data["source_contact"] = data.pop("contact")
    data["source_relationship"] = data.pop("relationship")
    return data


def test_check_endpoint(api_as: Callable[[Any], ApiClient], partner: Any) -> None:
    response = api_as(partner).post(
        "/intelligence/check", {"text": "She told me that he hit her.", "how_known": "told"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["crime_disclosure"] is True and data["reasons"]
    response = api_as(partner).post("/intelligence/check", {"text": "JS was seen recently."})
    codes = {q["code"] for q in response.json()["quality_issues"]}
    assert response.json()["crime_disclosure"] is False
    assert {"initials", "vague_time", "no_source"} <= codes


def test_check_denied(api_as: Callable[[Any], ApiClient], users: dict[str, Any]) -> None:
    assert api_as(users["ig_admin"]).post("/intelligence/check", {"text": "x"}).status_code == 403
    assert ApiClient().post("/intelligence/check", {"text": "x"}).status_code == 401


def test_create_and_crime_block(api_as: Callable[[Any], ApiClient], partner: Any) -> None:
    client = api_as(partner)
    blocked = client.post("/intelligence/submissions", body(what="He hit me at the park."))
    assert blocked.status_code == 422
    assert "crime" in blocked.json()["detail"][0]["msg"]
    created = client.post("/intelligence/submissions", body())
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "submitted" and data["grade"] is None
    assert "Petra" not in str(data)
    assert Submission.objects.get(pk=data["id"]).status == Status.NEW


def test_detail_by_role(
    api_as: Callable[[Any], ApiClient], graded: Submission, partner: Any, users: dict[str, Any]
) -> None:
    path = f"/intelligence/submissions/{graded.pk}"
    mine = api_as(partner).get(path).json()
    assert mine["what"] and mine["grade"] is None and mine["sanitised_text"] is None
    fib = api_as(users["fib_officer"]).get(path).json()
    assert fib["grade"] == "2/B/P" and fib["what"] and fib["status"] == "evaluated"
    analyst = api_as(users["analyst"]).get(path).json()
    assert analyst["grade"] == "2/B/P" and analyst["what"] is None
    assert api_as(users["ppu_coordinator"]).get(path).status_code == 404
    assert api_as(users["social_worker"]).get(path).status_code == 404
    assert api_as(users["ig_admin"]).get(path).status_code == 403


def test_fib_workflow_through_api(
    api_as: Callable[[Any], ApiClient], partner: Any, users: dict[str, Any]
) -> None:
    created = api_as(partner).post("/intelligence/submissions", body()).json()
    base = f"/intelligence/submissions/{created['id']}"
    fib = api_as(users["fib_officer"])
    for user in (partner, users["ppu_coordinator"], users["analyst"]):
        assert api_as(user).post(base + "/evaluation", {"legacy_grade": "B24"}).status_code == 403
    graded = fib.post(base + "/evaluation", {"legacy_grade": "B21"})
    assert graded.status_code == 200
    assert graded.json()["grade"] == "1/A/P" and graded.json()["legacy_grade"] == "B21"
    assert (
        fib.post(
            base + "/evaluation", {"handling": "C", "source_grade": "1", "intel_grade": "A"}
        ).status_code
        == 422
    )
    leak = fib.post(base + "/sanitised", {"text": "Petra Sourceperson saw it"})
    assert leak.status_code == 422
    assert fib.post(base + "/sanitised", {"text": "A grey car at a school."}).status_code == 200
    linked = fib.post(base + "/links", {"items": [{"mention_index": 0, "belongs_to": "none"}]})
    assert linked.status_code == 201 and linked.json()["correlations"][0]["kind"] == "vehicle"
    shared = fib.post(base + "/disseminations", {"recipient_kind": "ppu", "reason": "PPU"})
    assert shared.status_code == 201
    ppu = api_as(users["ppu_coordinator"]).get(base).json()
    assert ppu["sanitised_text"] == "A grey car at a school." and ppu["what"] is None
    assert (
        api_as(partner)
        .post(base + "/disseminations", {"recipient_kind": "hub", "reason": "x"})
        .status_code
        == 403
    )


def test_search_scoped(
    api_as: Callable[[Any], ApiClient], graded: Submission, users: dict[str, Any], partner: Any
) -> None:
    found = api_as(users["analyst"]).get("/intelligence/search", q="Vauxhall").json()
    assert [r["id"] for r in found["results"]] == [graded.pk]
    assert api_as(users["analyst"]).get("/intelligence/search", q="bicycle").json()["count"] == 0
    assert (
        api_as(users["fib_officer"]).get("/intelligence/search", intel_grade="B").json()["count"]
        == 1
    )
    assert (
        api_as(users["ppu_coordinator"]).get("/intelligence/search", q="Vauxhall").json()["count"]
        == 0
    )
    assert api_as(partner).get("/intelligence/search", q="Vauxhall").json()["count"] == 0
    assert api_as(users["ig_admin"]).get("/intelligence/search", q="x").status_code == 403


def test_list_scoped(
    api_as: Callable[[Any], ApiClient], graded: Submission, users: dict[str, Any], partner: Any
) -> None:
    assert api_as(partner).get("/intelligence/submissions").json()["count"] == 1
    assert api_as(users["fib_officer"]).get("/intelligence/submissions").json()["count"] == 1
    assert api_as(users["social_worker"]).get("/intelligence/submissions").json()["count"] == 0


def test_list_queries_do_not_grow_with_its_entries(
    api_as: Callable[[Any], ApiClient], submit: Callable[..., Submission], partner: Any
) -> None:
    """The list reads only id, reference and time: no query per entry, even for entries
    with a crime reference (whose outcome would need the crime route's referrals)."""
    client = api_as(partner)
    submit(partner, crime_reference="43/12345/26")
    client.get("/intelligence/submissions")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as one:
        assert client.get("/intelligence/submissions").json()["count"] == 1
    for _ in range(4):
        submit(partner, crime_reference="43/12345/26")
    with CaptureQueriesContext(connection) as five:
        page = client.get("/intelligence/submissions").json()
    assert page["count"] == 5 and len(page["results"]) == 5
    assert set(page["results"][0]) == {"id", "reference", "submitted_at"}
    assert len(five) == len(one)
