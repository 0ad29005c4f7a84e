"""Disruption API: scoped lists and reads (404 for police-only records to partners),
create for each kind, CAWN eligibility/issue/service/breach, markers, plans, overdue;
allowed and denied users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.disruption.models import Tactic

from ..api.conftest import ApiClient
from .conftest import future, past

pytestmark = pytest.mark.django_db


def cawn_body(child: Any, poc: Any, **kw: Any) -> dict[str, Any]:
    body = {
        "child_id": child.pk,
        "person_of_concern_id": poc.pk,
        "authorised_by": "local_authority",
        "authorised_by_name": "Testshire Children's Trust",
        "review_on": future(60).isoformat(),
    }
    body.update(kw)
    return body


def test_cawn_issue_service_breach(api_as: Any, ppu: Any, child: Any, poc: Any) -> None:
    api = api_as(ppu)
    assert api.get(f"/disruption/cawn-eligibility/{child.pk}").json()["eligible"] is True
    response = api.post("/disruption/cawns", cawn_body(child, poc))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["tactic_type"] == "cawn" and data["police_only"] is True
    assert {s["role"] for s in data["subjects"]} == {"protected_child", "target"}
    assert data["detail"]["basis"] == "under_16"
    tid = data["id"]
    served_at = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = api.post(
        f"/disruption/cawns/{tid}/service",
        {"served_by_name": "PC Example", "served_at": served_at, "served_place": "Station"},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "in_progress"
    response = api.post(
        f"/disruption/cawns/{tid}/breaches",
        {"occurred_on": past(0).isoformat(), "evidence": "Seen together"},
    )
    assert response.status_code == 201
    assert response.json()["detail"]["breaches"][0]["evidence"] == "Seen together"


def test_cawn_ineligible_is_422_with_explanation(
    api_as: Any, ppu: Any, older_child: Any, poc: Any
) -> None:
    api = api_as(ppu)
    result = api.get(f"/disruption/cawn-eligibility/{older_child.pk}").json()
    assert result["eligible"] is False and "warning letter" in result["alternative"]
    response = api.post("/disruption/cawns", cawn_body(older_child, poc))
    assert response.status_code == 422
    assert "Not eligible" in response.json()["detail"][0]["msg"]
    assert not Tactic.objects.exists()


def test_cawn_denied_to_partners(
    api_as: Any, users: dict[str, Any], child: Any, poc: Any, make_person: Any
) -> None:
    api = api_as(users["social_worker"])
    # The police's person of concern is hidden from the social worker: 404, as if missing.
    response = api.post("/disruption/cawns", cawn_body(child, poc))
    assert response.status_code == 404
    # One they can see: they may record tactics, but a CAWN is a police tactic (403).
    own = make_person(
        given_name="Dean",
        family_name="Visible",
        category="person_of_concern",
        date_of_birth=dt.date(1995, 3, 4),
    )
    response = api.post("/disruption/cawns", cawn_body(child, own))
    assert response.status_code == 403
    assert not Tactic.objects.exists()


def test_list_and_detail_are_scoped(
    api_as: Any, ppu: Any, users: dict[str, Any], child: Any, poc: Any
) -> None:
    tid = api_as(ppu).post("/disruption/cawns", cawn_body(child, poc)).json()["id"]
    assert api_as(users["fib_officer"]).get("/disruption/tactics").json()["count"] == 1
    assert api_as(users["social_worker"]).get("/disruption/tactics").json()["count"] == 0
    assert api_as(users["social_worker"]).get(f"/disruption/tactics/{tid}").status_code == 404
    assert api_as(users["fib_officer"]).get(f"/disruption/tactics/{tid}").status_code == 200
    assert api_as(users["system_admin"]).get("/disruption/tactics").status_code == 403
    assert ApiClient().get("/disruption/tactics").status_code == 401
    by_entity = api_as(ppu).get("/disruption/tactics", entity_id=child.pk).json()
    assert [t["id"] for t in by_entity["results"]] == [tid]


def test_create_order_and_hotel_notice_limit(api_as: Any, ppu: Any, location: Any) -> None:
    api = api_as(ppu)
    base = {"title": "Hotel notice", "subjects": [{"entity_id": location.pk, "role": "location"}]}
    too_long = {
        **base,
        "tactic_type": "hotel_notice",
        "detail": {"starts_on": "2026-01-01", "expires_on": "2026-07-02"},
    }
    response = api.post("/disruption/tactics", too_long)
    assert response.status_code == 422
    assert "at most 6 months" in response.json()["detail"][0]["msg"]
    ok = {**too_long, "detail": {"starts_on": "2026-01-01", "expires_on": "2026-07-01"}}
    response = api.post("/disruption/tactics", ok)
    assert response.status_code == 201
    assert response.json()["detail"]["expires_on"] == "2026-07-01"
    bad_date = {**too_long, "detail": {"starts_on": "soon"}}
    assert api.post("/disruption/tactics", bad_date).status_code == 422
    cawn = {**base, "tactic_type": "cawn"}
    assert api.post("/disruption/tactics", cawn).status_code == 422


def test_markers_and_overdue(api_as: Any, ppu: Any, poc: Any, users: dict[str, Any]) -> None:
    api = api_as(ppu)
    response = api.post(
        "/disruption/markers",
        {"entity_id": poc.pk, "marker_type": "cse", "reason": "R", "review_on": "2020-01-01"},
    )
    assert response.status_code == 201
    assert response.json()["overdue"] is True
    overdue = api.get("/disruption/reviews/overdue").json()
    assert (overdue["count"], overdue["page"], overdue["pages"], overdue["page_size"]) == (
        1,
        1,
        1,
        100,
    )
    assert [t["id"] for t in overdue["results"]] == [response.json()["id"]]
    none = api_as(users["social_worker"]).get("/disruption/reviews/overdue").json()
    assert (none["count"], none["results"]) == (0, [])


def test_plans(api_as: Any, ppu: Any, poc: Any, users: dict[str, Any], child: Any) -> None:
    api = api_as(ppu)
    tid = api.post("/disruption/cawns", cawn_body(child, poc)).json()["id"]
    response = api.post(
        "/disruption/plans",
        {
            "person_of_concern_id": poc.pk,
            "objectives": "Disrupt contact",
            "review_on": future(30).isoformat(),
            "tactic_ids": [tid],
        },
    )
    assert response.status_code == 201
    plan = response.json()
    assert [t["id"] for t in plan["tactics"]] == [tid]
    assert api.get(f"/disruption/plans/{plan['id']}").status_code == 200
    listed = api.get("/disruption/plans", person_id=poc.pk).json()
    assert listed["count"] == 1 and listed["page_size"] == 100
    assert [p["tactics"][0]["id"] for p in listed["results"]] == [tid]
    assert api_as(users["social_worker"]).get(f"/disruption/plans/{plan['id']}").status_code == 404
    denied = api_as(users["practitioner"]).post(
        "/disruption/plans",
        {"person_of_concern_id": child.pk, "objectives": "x", "review_on": future().isoformat()},
    )
    assert denied.status_code == 403


def test_partner_can_record_a_cpn(api_as: Any, users: dict[str, Any], make_person: Any) -> None:
    sw = users["social_worker"]
    adult = make_person(given_name="Lee", category="person_of_concern", actor=sw)
    body = {
        "tactic_type": "cpn",
        "title": "CPN",
        "subjects": [{"entity_id": adult.pk, "role": "target"}],
    }
    response = api_as(sw).post("/disruption/tactics", body)
    assert response.status_code == 201 and response.json()["police_only"] is False
    warrant = {**body, "tactic_type": "drugs_warrant"}
    assert api_as(sw).post("/disruption/tactics", warrant).status_code == 403


def test_location_assessments_through_the_api(
    api_as: Callable[[Any], ApiClient],
    ppu: Any,
    location: Any,
    users: dict[str, Any],
    make_person: Any,
) -> None:
    from cairn.audit.models import AuditEvent

    api = api_as(ppu)
    url = f"/disruption/locations/{location.pk}/assessments"
    bad = api.post(url, {"assessed_on": future(2).isoformat(), "summary": "", "actions": []})
    assert bad.status_code == 422
    created = api.post(
        url,
        {
            "assessed_on": past(2).isoformat(),
            "summary": "Young people gather late; free food from staff.",
            "actions": [{"description": "Licensing visit", "owner_name": "Licensing team"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["can_change"] is True and body["actions"][0]["done_on"] is None
    action_id = body["actions"][0]["id"]
    listed = api.get(url).json()
    assert listed["count"] == 1 and [a["id"] for a in listed["results"]] == [body["id"]]
    assert AuditEvent.objects.filter(event="location.profile_viewed", source="api").exists()

    done = api.post(f"/disruption/location-actions/{action_id}/done", {})
    assert done.status_code == 200 and done.json()["done_on"] == timezone.localdate().isoformat()
    again = api.post(f"/disruption/location-actions/{action_id}/done", {})
    assert again.status_code == 409  # already done: a conflict with its state
    reopened = api.post(f"/disruption/location-actions/{action_id}/reopen", {})
    assert reopened.status_code == 200 and reopened.json()["done_on"] is None
    assert AuditEvent.objects.filter(event="location_action.reopened").count() == 1

    # Denied: the analyst may read but not change; a social worker cannot see the place.
    analyst = api_as(users["analyst"])
    assert analyst.get(url).json()["results"][0]["can_change"] is False
    assert analyst.post(f"/disruption/location-actions/{action_id}/done", {}).status_code == 403
    social = api_as(users["social_worker"])
    assert social.get(url).status_code == 404
    assert social.post(f"/disruption/location-actions/{action_id}/done", {}).status_code == 404
    # A person is not a place.
    person = make_person(actor=ppu, given_name="Noplace")
    assert api.get(f"/disruption/locations/{person.pk}/assessments").status_code == 404


def test_the_same_subject_twice_is_one_subject(
    api_as: Any, users: dict[str, Any], make_person: Any
) -> None:
    sw = users["social_worker"]
    adult = make_person(given_name="Lee", category="person_of_concern", actor=sw)
    subject = {"entity_id": adult.pk, "role": "target"}
    body = {"tactic_type": "cpn", "title": "CPN", "subjects": [subject, subject]}
    response = api_as(sw).post("/disruption/tactics", body)
    assert response.status_code == 201, response.content
    assert len(response.json()["subjects"]) == 1
