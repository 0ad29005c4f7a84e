"""Network API: match, candidates, merges (+ undo), neighbourhood, exports; allowed and
denied callers."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest

from cairn.audit.models import AuditEvent
from cairn.network.models import CandidatePair
from cairn.pole.models import Person

from ..api.conftest import ApiClient
from .conftest import Ring

pytestmark = pytest.mark.django_db


def test_match(api_as: Callable[[Any], ApiClient], users: dict[str, Any], make_person: Any) -> None:
    child = make_person(
        given_name="Jason", family_name="Exampleby", date_of_birth=dt.date(2011, 5, 5)
    )
    response = api_as(users["social_worker"]).post(
        "/network/match",
        {"given_name": "Jay", "family_name": "Examplebey", "date_of_birth": "2011-05-05"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body[0]["person"]["id"] == child.pk and body[0]["probability"] > 0.9
    assert "first name a known nickname" in body[0]["reasons"]
    assert AuditEvent.objects.filter(event="person.matched").exists()
    assert (
        api_as(users["ig_admin"]).post("/network/match", {"given_name": "Jay"}).status_code == 403
    )
    bad = api_as(users["social_worker"]).post("/network/match", {"sex": "robot"})
    assert bad.status_code == 422


def test_neighbourhood_and_export(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], ring: Ring
) -> None:
    analyst = api_as(users["analyst"])
    response = analyst.get(f"/network/people/{ring.adult.pk}/neighbourhood", hops=3)
    assert response.status_code == 200
    body = response.json()
    assert len(body["nodes"]) == 6 and len(body["links"]) == 7 and body["groups"] == 1
    windowed = analyst.get(
        f"/network/people/{ring.adult.pk}/neighbourhood", hops=3, until="2026-02-01"
    )
    assert len(windowed.json()["links"]) == 1
    export = analyst.get(f"/network/people/{ring.adult.pk}/export", format="anx", hops=3)
    assert export.status_code == 200
    assert len(ET.fromstring(export.content).findall(".//Link")) == 7  # noqa: S314 (our own export)
    assert AuditEvent.objects.filter(event="network.exported", source="api").exists()
    assert analyst.get(f"/network/people/{ring.adult.pk}/neighbourhood", hops=4).status_code == 422
    assert analyst.get("/network/people/999999/neighbourhood").status_code == 404
    sw = api_as(users["social_worker"])
    assert sw.get(f"/network/people/{ring.adult.pk}/export", format="csv").status_code == 403
    assert (
        api_as(users["practitioner"])
        .get(f"/network/people/{ring.adult.pk}/neighbourhood")
        .status_code
        == 403
    )


def test_candidates_merge_and_unmerge(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], make_person: Any
) -> None:
    a = make_person(given_name="Remy", family_name="Testwell")
    b = make_person(given_name="Remi", family_name="Testwell")
    low, high = sorted((a.pk, b.pk))
    CandidatePair.objects.create(
        person_a_id=low,
        person_b_id=high,
        match_weight=7.0,
        match_probability=0.99,
        model_version="v1",
    )
    fib = api_as(users["fib_officer"])
    listed = fib.get("/network/candidates")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert api_as(users["social_worker"]).get("/network/candidates").status_code == 403
    denied = api_as(users["social_worker"]).post(
        "/network/merges", {"survivor_id": a.pk, "absorbed_id": b.pk, "reason": "Same"}
    )
    assert denied.status_code == 403
    response = fib.post(
        "/network/merges", {"survivor_id": a.pk, "absorbed_id": b.pk, "reason": "Same"}
    )
    assert response.status_code == 201, response.content
    merge = response.json()
    assert merge["active"] and merge["moved"]["pole.personname.person_id"] == 1
    assert not Person.objects.filter(pk=b.pk).exists()
    # Merging the merged-away record again (either way round) is a conflict, not a 500.
    for body in (
        {"survivor_id": a.pk, "absorbed_id": b.pk},
        {"survivor_id": b.pk, "absorbed_id": a.pk},
    ):
        again = fib.post("/network/merges", {**body, "reason": "Same"})
        assert again.status_code == 409 and "already been merged" in again.json()["detail"]
    assert fib.get("/network/candidates").json()["count"] == 0
    undone = fib.post(f"/network/merges/{merge['id']}/unmerge", {"reason": "Not the same"})
    assert undone.status_code == 200 and not undone.json()["active"]
    assert Person.objects.filter(pk=b.pk).exists()
    again = fib.post(f"/network/merges/{merge['id']}/unmerge", {"reason": "Again"})
    assert again.status_code == 409
    assert fib.post("/network/merges/999999/unmerge", {"reason": "x"}).status_code == 404
