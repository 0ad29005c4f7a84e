"""Every referral sent to another agency records the lawful basis it relied on: chosen by
Cairn when one agreement with one basis covers the two agencies, chosen by the sender
otherwise, or an exceptional basis with its reason; the NRM rests on the Modern Slavery
Act; a referral within the sender's own agency discloses nothing to another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.api_auth import services as token_services
from cairn.pole.models import Person
from cairn.referrals import services
from cairn.referrals.models import Referral, ReferralStatus
from cairn.sharing.models import AgreementState, Disclosure, SharingAgreement
from cairn.sharing.services import Claim

from ..api.conftest import ApiClient
from ..factories import SharingAgreementFactory
from .conftest import ppu_details

pytestmark = pytest.mark.django_db


def _withdraw_all() -> None:
    SharingAgreement.objects.update(state=AgreementState.WITHDRAWN)


def test_ppu_referral_to_the_police_relies_on_the_only_agreement(
    send: Callable[..., Referral], users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    referral = send("ppu")
    assert referral.disclosure is not None
    d = referral.disclosure
    assert (d.kind, d.reference, d.lawful_basis) == ("referral", referral.reference, "ca2004_s11")
    assert d.from_agency == agencies["trust"] and d.to_agency == agencies["police"]
    assert d.agreement is not None and d.exceptional_reason == ""
    # The child's share with the police relies on the referral's basis.
    share = referral.child.entity.shares.get(agency=agencies["police"], basis="referral")
    assert share.disclosure_id == d.pk


def test_nrm_rests_on_the_modern_slavery_act_and_mash_inside_the_agency_on_nothing(
    send: Callable[..., Referral],
) -> None:
    nrm = send("nrm")
    assert nrm.disclosure is not None
    assert nrm.disclosure.lawful_basis == "msa2015_nrm" and nrm.disclosure.agreement is None
    assert nrm.disclosure.to_agency is None
    mash = send("mash")  # the Trust's social worker to the Trust's MASH
    assert mash.disclosure is None


def test_two_agreements_covering_the_agencies_need_a_choice(
    send: Callable[..., Referral], users: dict[str, Any], agencies: dict[str, Any], child: Person
) -> None:
    second = SharingAgreementFactory(
        parties=[agencies["trust"], agencies["police"]], bases=["cda1998_s115", "ca2004_s10"]
    )
    with pytest.raises(ValidationError) as exc:
        send("ppu")
    assert "Choose the agreement and lawful basis" in str(exc.value)
    with pytest.raises(ValidationError, match="Choose one of the lawful bases"):
        services.referral_create(
            actor=users["social_worker"],
            kind="ppu",
            child=child,
            details=ppu_details(),
            claim=Claim(agreement_id=second.pk, lawful_basis="ca2004_s11"),
        )
    sent = services.referral_create(
        actor=users["social_worker"],
        kind="ppu",
        child=child,
        details=ppu_details(),
        claim=Claim(agreement_id=second.pk, lawful_basis="cda1998_s115"),
    )
    assert sent.disclosure is not None and sent.disclosure.agreement == second
    assert sent.disclosure.lawful_basis == "cda1998_s115"


def test_no_agreement_refused_without_a_reason_and_sent_with_an_exceptional_one(
    users: dict[str, Any], child: Person
) -> None:
    _withdraw_all()
    sw = users["social_worker"]
    with pytest.raises(ValidationError, match="No active information-sharing agreement"):
        services.referral_create(actor=sw, kind="ppu", child=child, details=ppu_details())
    assert not Referral.objects.filter(status=ReferralStatus.SUBMITTED).exists()
    with pytest.raises(ValidationError, match="Choose a safeguarding or vital-interests basis"):
        services.referral_create(
            actor=sw,
            kind="ppu",
            child=child,
            details=ppu_details(),
            claim=Claim(
                exceptional=True, lawful_basis="cda1998_s115", exceptional_reason="Missing now"
            ),
        )
    sent = services.referral_create(
        actor=sw,
        kind="ppu",
        child=child,
        details=ppu_details(),
        claim=Claim(exceptional=True, exceptional_reason="Missing tonight, seen with adults"),
    )
    assert sent.disclosure is not None and sent.disclosure.agreement is None
    assert sent.disclosure.lawful_basis == "dpa_sch8_p4"
    assert sent.disclosure.exceptional_reason == "Missing tonight, seen with adults"


def test_the_web_form_offers_the_agreements_and_keeps_what_was_typed(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    client = Client()
    client.force_login(sw)
    referral = services.referral_start(actor=sw, kind="ppu", child=child)
    url = reverse("referrals:edit", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "Testshire Exploitation Hub information-sharing agreement" in page
    assert reverse("sharing:list") in page
    _withdraw_all()
    police = users["ppu_coordinator"].agency_id
    post = {**ppu_details(), "recipient_agency": str(police), "action": "submit"}
    refused = client.post(url, post)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "No active information-sharing agreement covers" in html
    assert "Older men picking her up" in html  # nothing typed is lost
    sent = client.post(
        url,
        {
            **post,
            "sharing_basis": "exceptional",
            "exceptional_basis": "dpa_sch8_p3",
            "exceptional_reason": "She is with them now",
        },
    )
    assert sent.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.disclosure is not None
    assert referral.disclosure.lawful_basis == "dpa_sch8_p3"
    assert referral.disclosure.exceptional_reason == "She is with them now"
    # The referral page shows the basis relied on, never the form's stored values.
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Lawful basis for sharing" in page and "She is with them now" in page
    assert "exceptional:" in page and "dpa_sch8_p3" not in page


def test_the_api_takes_the_basis_in_the_body(
    users: dict[str, Any], child: Person, agencies: dict[str, Any]
) -> None:
    sw = ApiClient(token_services.token_create(actor=users["social_worker"], name="t").secret)
    other = SharingAgreementFactory(parties=[agencies["trust"], agencies["school"]])
    wrong = sw.post(
        "/referrals",
        {"kind": "ppu", "child_id": child.pk, "details": ppu_details(), "agreement_id": other.pk},
    )
    assert wrong.status_code == 422
    assert "not an active agreement covering" in wrong.content.decode()
    hub = SharingAgreement.objects.get(title__startswith="Testshire Exploitation Hub")
    sent = sw.post(
        "/referrals",
        {
            "kind": "ppu",
            "child_id": child.pk,
            "details": ppu_details(),
            "agreement_id": hub.pk,
            "lawful_basis": "ca2004_s11",
        },
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["disclosure_basis"] == {
        "agreement_id": hub.pk,
        "lawful_basis": "ca2004_s11",
        "exceptional_reason": "",
    }
    assert Disclosure.objects.filter(kind="referral").count() == 1


def test_the_referral_page_names_the_agreement_not_a_stored_code(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    client = Client()
    client.force_login(sw)
    referral = services.referral_start(actor=sw, kind="ppu", child=child)
    police = users["ppu_coordinator"].agency_id
    hub = SharingAgreement.objects.get(title__startswith="Testshire Exploitation Hub")
    sent = client.post(
        reverse("referrals:edit", args=[referral.pk]),
        {
            **ppu_details(),
            "recipient_agency": str(police),
            "action": "submit",
            "sharing_basis": f"{hub.pk}:ca2004_s11",
        },
    )
    assert sent.status_code == 302
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert f"{hub.pk}:ca2004_s11" not in page
    assert f"{hub.title}: Children Act 2004 s.11" in page
    assert "Exceptional lawful basis" not in page
