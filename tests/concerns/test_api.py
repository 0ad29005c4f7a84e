"""Concerns API: indicators, create (screening + pathways), preview (stores nothing),
422 field errors, scoped list/detail, decisions; allowed and denied users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, RiskDecision
from cairn.pole.models import Person

from ..api.conftest import ApiClient
from .conftest import complete_payload

pytestmark = pytest.mark.django_db


def body(child_id: int, **overrides: Any) -> dict[str, Any]:
    data = complete_payload(child_id, **overrides)
    for key in ("immediate_danger", "crime_disclosed"):
        data[key] = data[key] in (True, "yes")
    return data


def test_indicators_list(api_as: Callable[[Any], ApiClient], users: dict[str, Any]) -> None:
    response = api_as(users["practitioner"]).get("/indicators")
    assert response.status_code == 200
    page = response.json()
    items = page["results"]
    assert len(items) >= 40 and page["count"] == len(items) and page["pages"] == 1
    seed = [i["code"] for i in items if i["from_seed_deck"]]
    assert len(seed) == 8 and "getting_into_cars" in seed
    assert {"code", "label", "category", "exploitation_types", "weight", "guidance"} <= set(
        items[0]
    )


def test_indicators_denied_without_api_use(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any]
) -> None:
    assert api_as(users["system_admin"]).get("/indicators").status_code == 403
    assert ApiClient().get("/indicators").status_code == 401


def test_create_returns_screening_and_pathways(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    response = api_as(users["social_worker"]).post("/concerns", body(child.pk))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"].startswith("CON-")
    assert data["screening"]["suggested_level"] == "significant"
    assert (
        data["screening"]["reasons"][0] == "2 different significant indicators in the last 6 months"
    )
    assert [p["code"] for p in data["pathways"]] == ["fib", "ppu"]
    assert len(data["indicators"]) == 2


def test_create_invalid_input_gives_field_errors(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    bad = body(
        child.pk, observed_on=future, indicators=[{"code": "nope", "observed_on": "2026-01-01"}]
    )
    del bad["child_id"]
    response = api_as(users["social_worker"]).post("/concerns", bad)
    assert response.status_code == 422
    locs = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert locs[("body", "child_id")] == "Choose or add the child this concern is about"
    assert locs[("body", "observed_on")] == "Date observed must be today or in the past"
    assert locs[("body", "indicators.0.code")] == "Unknown indicator code 'nope'"
    assert not Concern.objects.exists()


def test_create_about_invisible_child_is_404(
    api_as: Callable[[Any], ApiClient], make_user: Callable[..., Any], child: Person
) -> None:
    teacher = make_user("practitioner", agency="school", username="teacher")
    assert api_as(teacher).post("/concerns", body(child.pk)).status_code == 404
    assert not Concern.objects.exclude(status="draft").exists()


def test_preview_stores_nothing(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    client = api_as(users["social_worker"])
    before = AuditEvent.objects.count()
    response = client.post("/concerns/preview", body(child.pk, immediate_danger=True))
    assert response.status_code == 200
    data = response.json()
    assert data["screening"]["suggested_level"] == "significant"
    assert data["pathways"][0]["code"] == "emergency"
    assert not Concern.objects.exists()
    assert AuditEvent.objects.count() == before
    response = client.post(
        "/concerns/preview", {"indicators": [{"code": "x", "observed_on": "2026-01-01"}]}
    )
    assert response.status_code == 422


def test_preview_denied_for_admins(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any]
) -> None:
    assert api_as(users["system_admin"]).post("/concerns/preview", {}).status_code == 403


def test_list_and_detail_scoped_and_audited(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    child: Person,
    make_user: Callable[..., Any],
) -> None:
    created = api_as(users["social_worker"]).post("/concerns", body(child.pk)).json()
    chair = api_as(users["hub_chair"])
    listing = chair.get("/concerns", child_id=child.pk).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == created["id"]
    detail = chair.get(f"/concerns/{created['id']}")
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(
        event="concern.viewed", actor=users["hub_chair"], source="api"
    ).exists()
    teacher = api_as(make_user("practitioner", agency="school", username="teacher"))
    assert teacher.get(f"/concerns/{created['id']}").status_code == 404
    assert teacher.get("/concerns").json()["count"] == 0
    assert teacher.get("/concerns", child_id=child.pk).status_code == 404
    assert api_as(users["ig_admin"]).get(f"/concerns/{created['id']}").status_code == 404


def test_risk_decision_and_pathways_via_api(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    client = api_as(users["social_worker"])
    created = client.post("/concerns", body(child.pk)).json()
    response = client.post(
        f"/concerns/{created['id']}/risk-decision", {"level": "moderate", "rationale": ""}
    )
    assert response.status_code == 422
    response = client.post(
        f"/concerns/{created['id']}/risk-decision", {"level": "moderate", "rationale": "Judgement"}
    )
    assert response.status_code == 201
    assert response.json()["risk_level"] == "moderate"
    assert RiskDecision.objects.get().suggested_level == "significant"
    pathways = [p["code"] for p in response.json()["pathways"]]
    decisions = [{"code": c, "taken": True} for c in pathways]
    response = client.post(f"/concerns/{created['id']}/pathways", {"decisions": decisions})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "complete"
    other = api_as(users["hub_chair"])
    assert (
        other.post(f"/concerns/{created['id']}/pathways", {"decisions": decisions}).status_code
        == 403
    )


def test_only_the_reporter_decides_the_risk_level_on_both_channels(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    """Seeing a concern is not enough to decide its risk level (and so notify the PPU):
    the web allows the reporter only, and so does the API."""
    from django.test import Client

    from cairn.notifications.models import Notification

    created = api_as(users["social_worker"]).post("/concerns", body(child.pk)).json()
    decision = {"level": "significant", "rationale": "Judgement"}
    for role in ("hub_chair", "mash_screener", "ppu_coordinator"):
        other = users[role]
        assert api_as(other).get(f"/concerns/{created['id']}").status_code == 200
        response = api_as(other).post(f"/concerns/{created['id']}/risk-decision", decision)
        assert response.status_code == 403, (role, response.content)
        web = Client()
        web.force_login(other)
        assert web.post(f"/concerns/{created['id']}/screening/", decision).status_code == 404
    assert not RiskDecision.objects.exists()
    assert not Notification.objects.filter(kind="risk.raised").exists()
    response = api_as(users["social_worker"]).post(
        f"/concerns/{created['id']}/risk-decision", decision
    )
    assert response.status_code == 201


def test_no_to_immediate_danger_against_danger_now_text_needs_confirming(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    """As the web check page asks: a narrative read as danger now with
    `immediate_danger: false` is refused (422, nothing recorded) unless confirmed."""
    danger = (
        "She rang me whispering from a flat above the chip shop: two men won't let her leave "
        "and they have taken her phone. Please send someone now."
    )
    client = api_as(users["social_worker"])
    refused = client.post("/concerns", body(child.pk, narrative=danger, immediate_danger="no"))
    assert refused.status_code == 422
    locs = {tuple(e["loc"]): e["msg"] for e in refused.json()["detail"]}
    assert "tick the box to say you have checked" in locs[("body", "no_danger_now")]
    assert not Concern.objects.exists()

    confirmed = client.post(
        "/concerns",
        {**body(child.pk, narrative=danger, immediate_danger="no"), "no_danger_now": True},
    )
    assert confirmed.status_code == 201
    row = AuditEvent.objects.get(event="concern.submitted")
    assert row.details["danger_now"] is True and row.details["no_danger_confirmed"] is True
    # Saying yes needs nothing more.
    said = client.post("/concerns", body(child.pk, narrative=danger, immediate_danger="yes"))
    assert said.status_code == 201
