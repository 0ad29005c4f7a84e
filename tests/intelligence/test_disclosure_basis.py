"""A dissemination that leaves the police records the lawful basis it relied on: to a
partner agency (an agreement covering the police and it), to the Hub (an agreement
covering every Hub member); to the PPU it stays inside the police and records none."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.intelligence import services
from cairn.intelligence.models import Dissemination, Submission
from cairn.sharing.models import AgreementState, SharingAgreement
from cairn.sharing.services import Claim

from ..factories import SharingAgreementFactory

pytestmark = pytest.mark.django_db


def test_each_recipient_kind_records_its_basis(
    graded: Submission, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    ppu = services.submission_disseminate(
        actor=fib, submission=graded, recipient_kind="ppu", reason="Safeguarding plan"
    )
    assert ppu.disclosure is None
    trust = services.submission_disseminate(
        actor=fib,
        submission=graded,
        recipient_kind="agency",
        agency=agencies["trust"],
        reason="Open to children's social care",
    )
    assert trust.disclosure is not None
    assert trust.disclosure.kind == "dissemination"
    assert trust.disclosure.reference == graded.reference
    assert trust.disclosure.to_agency == agencies["trust"]
    assert trust.disclosure.lawful_basis == "ca2004_s11"
    hub = services.submission_disseminate(
        actor=fib, submission=graded, recipient_kind="hub", reason="For the MACE meeting"
    )
    assert hub.disclosure is not None and hub.disclosure.to_agency is None
    assert hub.disclosure.agreement is not None


def test_the_hub_needs_an_agreement_covering_every_member(
    graded: Submission, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    SharingAgreement.objects.update(state=AgreementState.WITHDRAWN)
    SharingAgreementFactory(parties=[agencies["police"], agencies["trust"]])  # not the school
    fib = users["fib_officer"]
    with pytest.raises(ValidationError, match="No active information-sharing agreement"):
        services.submission_disseminate(
            actor=fib, submission=graded, recipient_kind="hub", reason="For the MACE meeting"
        )
    # The Trust alone is covered.
    services.submission_disseminate(
        actor=fib,
        submission=graded,
        recipient_kind="agency",
        agency=agencies["trust"],
        reason="Open to children's social care",
    )
    row = services.submission_disseminate(
        actor=fib,
        submission=graded,
        recipient_kind="hub",
        reason="For the MACE meeting",
        claim=Claim(exceptional=True, exceptional_reason="Meeting tonight; child missing"),
    )
    assert row.disclosure is not None and row.disclosure.is_exceptional


def test_the_web_form_records_the_chosen_basis(
    graded: Submission, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    second = SharingAgreementFactory(
        parties=[agencies["police"], agencies["trust"]], bases=["cda1998_s115"]
    )
    client = Client()
    client.force_login(users["fib_officer"])
    url = reverse("intelligence:disseminate", args=[graded.pk])
    page = client.get(url).content.decode()
    assert second.title in page and "Testshire Exploitation Hub" in page
    post = {"recipient_kind": "agency", "agency": agencies["trust"].pk, "reason": "Need to know"}
    ambiguous = client.post(url, post)
    assert ambiguous.status_code == 200
    assert "Choose the agreement and lawful basis" in ambiguous.content.decode()
    done = client.post(url, {**post, "sharing_basis": f"{second.pk}:cda1998_s115"})
    assert done.status_code == 302
    row = Dissemination.objects.get()
    assert row.disclosure is not None and row.disclosure.agreement == second
    assert row.disclosure.lawful_basis == "cda1998_s115"
