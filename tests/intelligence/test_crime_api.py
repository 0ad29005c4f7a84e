"""The crime route through the API: the FIB's crime decision, the submitter's resubmission
and withdrawal, and the crime recorder's queue, referral, record and return; the same
rules as the pages (access layer), allowed and denied users, 422 not 500 on bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.intelligence import services
from cairn.intelligence.models import CrimeReferralStatus, Status, Submission

from ..api.conftest import ApiClient
from .conftest import CRIME, REASON
from .test_api import body

pytestmark = pytest.mark.django_db
Api = Callable[[Any], ApiClient]


def test_create_refuses_a_placeholder_reason(api_as: Api, partner: Any) -> None:
    response = api_as(partner).post(
        "/intelligence/submissions", body(what=CRIME, intel_only_reason="n/a")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "intel_only_reason"]
    assert not Submission.objects.exclude(status=Status.DRAFT).exists()
    ok = api_as(partner).post(
        "/intelligence/submissions", body(what=CRIME, intel_only_reason=REASON)
    )
    assert ok.status_code == 201 and ok.json()["outcome"] == "With the FIB"


def test_crime_decision_allowed_and_denied(
    api_as: Api, flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    path = f"/intelligence/submissions/{flagged.pk}/crime-decision"
    good = {"decision": "refer", "note": "Assault disclosed to a teacher."}
    for user in (partner, users["ppu_coordinator"], users["analyst"], users["social_worker"]):
        assert api_as(user).post(path, good).status_code == 403
    assert api_as(users["ig_admin"]).post(path, good).status_code == 403
    assert ApiClient().post(path, good).status_code == 401
    fib = api_as(users["fib_officer"])
    assert fib.post("/intelligence/submissions/999999/crime-decision", good).status_code == 404
    assert fib.post(path, {"decision": "nonsense", "note": "x"}).status_code == 422
    assert fib.post(path, {"decision": "refer"}).status_code == 422
    response = fib.post(path, good)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "crime_referred" and data["crime_judgement"] == "crime"
    event = AuditEvent.objects.get(event="intel.crime_referred")
    assert event.source == "api" and event.recipient
    # Acting on a stale status is a 422 with a clear message.
    again = fib.post(path, {"decision": "return", "note": "Please add detail."})
    assert (
        again.status_code == 422 and "Someone else has changed" in again.json()["detail"][0]["msg"]
    )


def test_accept_reason_through_api(api_as: Api, flagged: Submission, users: dict[str, Any]) -> None:
    path = f"/intelligence/submissions/{flagged.pk}/crime-decision"
    response = api_as(users["fib_officer"]).post(path, {"decision": "accept"})
    assert response.status_code == 200 and response.json()["crime_judgement"] == "not_crime"


def test_returned_entry_resubmit_and_withdraw(
    api_as: Api, flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    base = f"/intelligence/submissions/{flagged.pk}"
    fib = api_as(users["fib_officer"])
    mine = api_as(partner)
    # Not returned yet: nothing to resubmit or withdraw.
    assert mine.post(base + "/withdraw", {}).status_code == 404
    returned = fib.post(
        base + "/crime-decision",
        {"decision": "return_crime", "note": "Report it on 101 and add the reference."},
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    detail = mine.get(base).json()
    assert detail["return_note"] == "Report it on 101 and add the reference."
    assert detail["outcome"] == "Returned to you by the FIB"
    assert detail["crime_judgement"] is None  # the FIB's judgement is not the submitter's
    for user in (users["fib_officer"], users["social_worker"], users["ppu_coordinator"]):
        assert api_as(user).post(base + "/resubmit", body(what=CRIME)).status_code == 404
        assert api_as(user).post(base + "/withdraw", {}).status_code == 404
    # Resubmitted with a placeholder reference: refused, and still returned.
    bad = mine.post(base + "/resubmit", body(what=CRIME, crime_reference="n/a"))
    assert bad.status_code == 422
    assert Submission.objects.get(pk=flagged.pk).status == Status.RETURNED
    ok = mine.post(base + "/resubmit", body(what=CRIME, crime_reference="43/2468/26"))
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    # Typed by the submitter: theirs, unchecked, until police record one (crime route).
    assert ok.json()["outcome"] == (
        "The submitter gave crime reference 43/2468/26 (not yet checked by the FIB)"
    )
    fib.post(base + "/crime-decision", {"decision": "return", "note": "Please add detail."})
    withdrawn = mine.post(base + "/withdraw", {"reason": "Reported to the police."})
    assert withdrawn.status_code == 200 and withdrawn.json()["outcome"] == "Withdrawn"


def test_crime_recording_through_api(
    api_as: Api,
    flagged: Submission,
    partner: Any,
    concern: Concern,
    users: dict[str, Any],
) -> None:
    referral = services.submission_refer_crime(
        actor=users["fib_officer"], submission=flagged, note="Assault disclosed to a teacher."
    )
    ppu = api_as(users["ppu_coordinator"])
    listed = ppu.get("/intelligence/crime-referrals")
    assert listed.status_code == 200 and listed.json()["results"][0]["id"] == referral.pk
    assert ppu.get("/intelligence/crime-referrals", status="bogus").status_code == 422
    path = f"/intelligence/crime-referrals/{referral.pk}"
    for user in (users["fib_officer"], partner, users["analyst"], users["social_worker"]):
        client = api_as(user)
        refused = client.get("/intelligence/crime-referrals")
        assert refused.status_code == 403
        # Plain words, not the internal permission name.
        assert refused.json()["detail"] == (
            "You cannot record crimes referred by the Force Intelligence Bureau: "
            "your role does not allow it."
        )
        # A referral they may not see is not there (404), as on the web page.
        assert client.get(path).status_code == 404
        web = Client()
        web.force_login(user)
        assert web.get(f"/intelligence/crime-recording/{referral.pk}/").status_code == 404
        assert client.post(path + "/record", {"crime_reference": "43/1/26"}).status_code == 404
        assert client.post(path + "/return", {"note": "Not ours to record."}).status_code == 404
    assert ppu.get("/intelligence/crime-referrals/999999").status_code == 404
    detail = ppu.get(path).json()
    assert detail["what"] == flagged.what and detail["concern_id"] == concern.pk
    assert "Petra" not in str(detail)
    for bad in ("", "n/a", "<b>", "x" * 61):
        assert ppu.post(path + "/record", {"crime_reference": bad}).status_code == 422
    recorded = ppu.post(path + "/record", {"crime_reference": "43/12345/26"})
    assert recorded.status_code == 200
    assert recorded.json()["status"] == CrimeReferralStatus.RECORDED
    assert ppu.post(path + "/record", {"crime_reference": "43/9/26"}).status_code == 422
    assert ppu.post(path + "/return", {"note": "Changed my mind now."}).status_code == 422
    concern.refresh_from_db()
    assert concern.crime_reference == "43/12345/26"
    mine = api_as(partner).get(f"/intelligence/submissions/{flagged.pk}").json()
    assert mine["outcome"] == "Crime reported, reference 43/12345/26"


def test_crime_referral_return_through_api(
    api_as: Api, flagged: Submission, users: dict[str, Any]
) -> None:
    referral = services.submission_refer_crime(
        actor=users["fib_officer"], submission=flagged, note="Assault disclosed to a teacher."
    )
    path = f"/intelligence/crime-referrals/{referral.pk}/return"
    ppu = api_as(users["ppu_coordinator"])
    assert ppu.post(path, {"note": ""}).status_code == 422
    response = ppu.post(path, {"note": "Already recorded under 43/5/26."})
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_detail_says_when_the_reference_differs_from_the_texts(
    api_as: Api, partner: Any, users: dict[str, Any]
) -> None:
    """The FIB is told, in the API too, when the submitter gave a reference other than the
    one the entry's text gives; a viewer of the sanitised version alone is not."""
    further = "Mum reported it to police the same night, crime ref 44/12345/26."
    created = api_as(partner).post(
        "/intelligence/submissions",
        body(what=CRIME, further_information=further, crime_reference="44/12354/26"),
    )
    assert created.status_code == 201
    path = f"/intelligence/submissions/{created.json()['id']}"
    for user in (users["fib_officer"], partner):
        data = api_as(user).get(path).json()
        assert data["crime_reference"] == "44/12354/26"
        assert data["crime_reference_in_text"] == "44/12345/26"
        assert data["crime_reference_differs"] is True
    assert api_as(users["social_worker"]).get(path).status_code == 404
    same = api_as(partner).post(
        "/intelligence/submissions",
        body(what=CRIME, further_information=further, crime_reference="44/12345/26"),
    )
    data = api_as(users["fib_officer"]).get(f"/intelligence/submissions/{same.json()['id']}")
    assert data.json()["crime_reference_differs"] is False


def test_a_sanitised_only_viewer_is_not_told_the_reference(
    api_as: Api, partner: Any, users: dict[str, Any]
) -> None:
    further = "Mum reported it to police the same night, crime ref 44/12345/26."
    sent = services.submission_create(
        actor=partner,
        data={**body(what=CRIME, further_information=further), "crime_reference": "44/12354/26"},
    )
    fib = users["fib_officer"]
    services.submission_triage(actor=fib, submission=sent, priority="routine")
    services.submission_evaluate(
        actor=fib, submission=sent, source_grade="1", intel_grade="A", handling="P"
    )
    services.submission_sanitise(actor=fib, submission=sent, text="An assault was reported.")
    data = api_as(users["analyst"]).get(f"/intelligence/submissions/{sent.pk}")
    assert data.status_code == 200 and data.json()["sanitised_text"]
    assert data.json()["crime_reference_in_text"] is None
    assert data.json()["crime_reference_differs"] is None
