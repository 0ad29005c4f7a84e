"""Risk travels (Hub hand-offs issue, item 5): a referral carries the child's risk level
and its reasons as they stood when it was sent (on the page, the print/PDF document and
the API); the receiving inbox lists the highest risk first, then the soonest due, with a
risk column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.api_auth import services as token_services
from cairn.concerns.models import RiskDecision
from cairn.pole.models import Person
from cairn.referrals import documents, services
from cairn.referrals.models import Referral

from ..api.conftest import ApiClient
from .conftest import DETAILS

pytestmark = pytest.mark.django_db

REASONS = "Missing overnight twice; seen getting into cars with older men."


def decide(child: Person, user: Any, level: str, rationale: str = REASONS) -> RiskDecision:
    return RiskDecision.objects.create(
        child=child,
        suggested_level=level,
        suggested_reasons=[],
        level=level,
        rationale=rationale,
        decided_by=user,
    )


def send(actor: Any, child: Person, kind: str = "mash") -> Referral:
    return services.referral_create(actor=actor, kind=kind, child=child, details=DETAILS[kind]())


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["mash", "ppu"])
def test_referral_carries_the_risk_level_and_reasons_as_sent(
    users: dict[str, Any], child: Person, kind: str
) -> None:
    sw = users["social_worker"]
    decide(child, sw, "significant")
    referral = send(sw, child, kind)
    assert (referral.risk_level, referral.risk_reasons) == ("significant", REASONS)
    assert referral.risk_decided_at is not None
    # A later decision does not rewrite what the recipient was told.
    decide(child, sw, "moderate", "Calmer since the plan started.")
    referral.refresh_from_db()
    assert referral.risk_level == "significant"

    receiver = users["mash_screener" if kind == "mash" else "ppu_coordinator"]
    page = client_for(receiver).get(reverse("referrals:detail", args=[referral.pk]))
    html = page.content.decode()
    assert "Child's risk level when sent" in html
    assert "Significant" in html and REASONS in html
    printed = client_for(receiver).get(reverse("referrals:print", args=[referral.pk]))
    assert "Significant" in printed.content.decode()
    assert REASONS in printed.content.decode()
    assert "Calmer since" not in printed.content.decode()
    # The PDF is rendered from the same HTML.
    assert REASONS in documents.render_html(referral)

    api = ApiClient(token_services.token_create(actor=receiver, name="t").secret)
    body = api.get(f"/referrals/{referral.pk}").json()
    assert (body["risk_level"], body["risk_reasons"]) == ("significant", REASONS)
    assert body["risk_decided_at"]


def test_a_child_never_assessed_says_so(users: dict[str, Any], child: Person) -> None:
    referral = send(users["social_worker"], child)
    assert referral.risk_level == ""
    html = client_for(users["mash_screener"]).get(reverse("referrals:detail", args=[referral.pk]))
    assert "No risk level had been decided for this child." in html.content.decode()
    api = ApiClient(token_services.token_create(actor=users["mash_screener"], name="t").secret)
    assert api.get(f"/referrals/{referral.pk}").json()["risk_level"] is None


def test_inbox_lists_highest_risk_first_then_soonest_due(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw = users["social_worker"]
    now = timezone.now()
    sent = {}
    # (name, risk level or None, hours until due): the significant-risk child is due last.
    for name, level, hours in (
        ("Nolan", "none", 1),
        ("Unset", None, 2),
        ("Emmy", "emerging", 3),
        ("Sigrid", "significant", 9),
        ("Monty", "moderate", 5),
        ("Sadie", "significant", 8),
    ):
        child = make_person(given_name=name, family_name="Testcase")
        if level:
            decide(child, sw, level)
        referral = send(sw, child)
        Referral.objects.filter(pk=referral.pk).update(due_at=now + dt.timedelta(hours=hours))
        sent[name] = referral
    expected = ["Sadie", "Sigrid", "Monty", "Emmy", "Unset", "Nolan"]

    page = client_for(users["mash_screener"]).get(reverse("referrals:inbox"))
    html = page.content.decode()
    assert "Risk when sent" in html
    positions = [html.index(sent[name].reference) for name in expected]
    assert positions == sorted(positions)
    assert html.count('data-testid="risk-level"') == len(expected)

    api = ApiClient(token_services.token_create(actor=users["mash_screener"], name="t").secret)
    results = api.get("/referrals", box="inbox").json()["results"]
    assert [r["id"] for r in results] == [sent[name].pk for name in expected]
    assert [r["risk_level"] for r in results] == [
        "significant",
        "significant",
        "moderate",
        "emerging",
        None,
        "none",
    ]
