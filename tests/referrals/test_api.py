"""Referrals API: send (same validation as the web form), scoped list and detail,
actions, decisions and the NRM export; allowed and denied users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.pole.models import Person
from cairn.referrals.models import Referral

from ..api.conftest import ApiClient
from .conftest import mash_details, nrm_details

pytestmark = pytest.mark.django_db


def test_send_a_mash_referral_and_decide_it(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    sw, screener = api_as(users["social_worker"]), api_as(users["mash_screener"])
    bad = sw.post("/referrals", {"kind": "mash", "child_id": child.pk, "details": {}})
    assert bad.status_code == 422
    assert any(e["loc"] == ["body", "child_views"] for e in bad.json()["detail"])
    created = sw.post(
        "/referrals", {"kind": "mash", "child_id": child.pk, "details": mash_details()}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["reference"].startswith("MASH-")
    assert body["recipient"] == "Testshire Children's Trust" and body["due_at"]
    rid = body["id"]
    inbox = screener.get("/referrals", box="inbox").json()
    assert [r["id"] for r in inbox["results"]] == [rid]
    assert sw.get("/referrals", box="sent").json()["count"] == 1
    assert (
        sw.post(f"/referrals/{rid}/mash-decision", {"outcome": "s47", "rationale": "x"}).status_code
        == 403
    )
    decided = screener.post(
        f"/referrals/{rid}/mash-decision", {"outcome": "s47", "rationale": "Significant harm"}
    )
    assert decided.status_code == 200
    assert decided.json()["mash_decision"]["outcome"] == "s47"
    strategy = screener.post(
        f"/referrals/{rid}/strategy-discussions",
        {
            "held_on": timezone.localdate().isoformat(),
            "attendees": [
                {"agency": "Police", "names": "DS Example"},
                {"agency": "Children's Trust", "names": "S Worker"},
            ],
            "decisions": "Joint visit",
            "actions": ["Visit today"],
        },
    )
    assert strategy.status_code == 201
    seen = sw.get(f"/referrals/{rid}").json()
    assert seen["status"] == "accepted"
    assert seen["strategy_discussions"][0]["decisions"] == "Joint visit"


def test_denied_and_hidden(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    child: Person,
    send: Callable[..., Referral],
    outsider: Any,
) -> None:
    referral = send("mash")
    assert api_as(outsider).get(f"/referrals/{referral.pk}").status_code == 404
    assert api_as(users["ppu_coordinator"]).get(f"/referrals/{referral.pk}").status_code == 404
    assert api_as(outsider).get("/referrals", box="inbox").json()["count"] == 0
    assert api_as(users["ig_admin"]).get("/referrals").status_code == 403
    assert api_as(users["system_admin"]).get("/referrals").status_code == 403
    assert ApiClient().get("/referrals").status_code == 401
    assert (
        api_as(outsider).post(f"/referrals/{referral.pk}/actions", {"action": "accept"}).status_code
        == 404
    )
    # An analyst may read referrals in scope but may not send one.
    assert (
        api_as(users["analyst"])
        .post("/referrals", {"kind": "ppu", "child_id": child.pk, "details": {"summary": "x"}})
        .status_code
        == 403
    )


def test_actions(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], send: Callable[..., Referral]
) -> None:
    referral = send("mash")
    screener = api_as(users["mash_screener"])
    no_reason = screener.post(f"/referrals/{referral.pk}/actions", {"action": "decline"})
    assert no_reason.status_code == 422
    declined = screener.post(
        f"/referrals/{referral.pk}/actions", {"action": "decline", "reason": "Known to MASH"}
    )
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "Known to MASH"
    assert (
        api_as(users["social_worker"])
        .post(f"/referrals/{referral.pk}/actions", {"action": "withdraw", "reason": "x"})
        .status_code
        == 409  # already declined: a conflict with the record's state
    )


def test_nrm_first_responders_only_and_export(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    child: Person,
    make_user: Callable[..., Any],
) -> None:
    from cairn.pole import services as pole_services

    school_sw = make_user("social_worker", agency="school", username="school_sw3")
    pole_services.entity_share(
        actor=users["social_worker"], entity_id=child.pk, agency=school_sw.agency, reason="DSL"
    )
    denied = api_as(school_sw).post(
        "/referrals", {"kind": "nrm", "child_id": child.pk, "details": nrm_details()}
    )
    assert denied.status_code == 403
    sw = api_as(users["social_worker"])
    created = sw.post("/referrals", {"kind": "nrm", "child_id": child.pk, "details": nrm_details()})
    assert created.status_code == 201
    rid = created.json()["id"]
    assert (
        sw.post(f"/referrals/{rid}/home-office-reference", {"reference": "HO-1"}).json()["status"]
        == "acknowledged"
    )
    decision = sw.post(
        f"/referrals/{rid}/nrm-decisions",
        {
            "stage": "reasonable",
            "outcome": "positive",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert (
        decision.status_code == 201 and decision.json()["nrm_decisions"][0]["stage"] == "reasonable"
    )
    export = sw.get(f"/referrals/{rid}/nrm-export")
    assert export.status_code == 200
    assert export.json()["potential_victim"]["consent_required"] is False
    assert api_as(users["mash_screener"]).get(f"/referrals/{rid}/nrm-export").status_code == 404
