"""Danger now raises a concern's suggested risk level to the top (issue 12): the
suggestion read the indicators only, so a concern whose text says a child is being kept in
a flat right now, with one background vulnerability recorded, was suggested "none"."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client

from cairn.concerns import selectors, services
from cairn.concerns.models import RiskDecision
from cairn.concerns.screening import Observation, screen, with_danger_now
from cairn.pole.models import Person

from .conftest import complete_payload

TODAY = dt.date(2026, 11, 29)
DANGER = (
    "She rang me whispering from a flat above the chip shop: two men won't let her leave "
    "and they have taken her phone. Please send someone now."
)
PLAIN = "Seems low in mood at school; mum says she is finding the move hard."


def low_payload(child_id: int, **overrides: Any) -> dict[str, Any]:
    """A complete concern whose indicators alone suggest no current risk: one background
    vulnerability, nothing else."""
    data = complete_payload(child_id, **overrides)
    data["indicators"] = [
        {
            "code": "family_breakdown",
            "observed_on": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
            "evidence": "Parents separated in the summer",
        }
    ]
    data["mentions"] = []
    return data


def test_danger_now_raises_none_to_the_top_level_with_the_reason_first() -> None:
    vulnerability = Observation("family_breakdown", "Family breakdown", "vulnerability", 1, TODAY)
    base = screen([vulnerability], today=TODAY, age=15)
    assert base.suggested_level == "none"

    quoted = with_danger_now(base, said=False, quote="two men won't let her leave")
    assert quoted.suggested_level == "significant"
    assert "danger now" in quoted.reasons[0] and "two men won't let her leave" in quoted.reasons[0]
    assert any("indicators alone would suggest none" in r for r in quoted.reasons)

    said = with_danger_now(base, said=True)
    assert said.suggested_level == "significant"
    assert said.reasons[0].startswith("You said someone is in immediate danger now")

    # Neither: the indicators' suggestion, untouched.
    assert with_danger_now(base, said=False, quote="") == base


def test_already_at_the_top_keeps_the_indicators_reasons() -> None:
    strong = [
        Observation("a", "A", "significant", 5, TODAY),
        Observation("b", "B", "county_lines_cce", 5, TODAY),
    ]
    base = screen(strong, today=TODAY, age=15)
    assert base.suggested_level == "significant"
    raised = with_danger_now(base, said=True)
    assert raised.suggested_level == "significant"
    assert raised.reasons[1:] == base.reasons


@pytest.mark.django_db
def test_screening_page_suggests_the_top_level_for_danger_now_text(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    client = Client()
    client.force_login(sw)
    danger = services.concern_create(
        actor=sw,
        data=low_payload(child.pk, narrative=DANGER, immediate_danger="no"),
        no_danger_now=True,
    )
    indicators_only, _ = selectors.screening_for_child(child)
    assert indicators_only.suggested_level == "none"

    page = html.unescape(client.get(f"/concerns/{danger.pk}/screening/").content.decode())
    reasons = page[page.index('data-testid="reasons"') :]
    assert "cairn-risk--significant" in page
    assert "reads as someone in danger now" in reasons
    assert "won't let her leave" in reasons
    # The level form starts at the suggestion.
    assert 'value="significant" checked' in page

    # The stored decision records the raised suggestion beside the level chosen.
    response = client.post(
        f"/concerns/{danger.pk}/screening/",
        {"level": "significant", "rationale": "Kept in a flat now; police called"},
    )
    assert response.status_code == 302
    decision = RiskDecision.objects.get(concern=danger)
    assert decision.suggested_level == "significant"
    assert "reads as someone in danger now" in decision.suggested_reasons[0]


@pytest.mark.django_db
def test_a_yes_to_danger_now_raises_it_and_plain_text_does_not(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    said = services.concern_create(
        actor=sw, data=low_payload(child.pk, narrative=PLAIN, immediate_danger="yes")
    )
    result, _ = selectors.concern_screening(said, child)
    assert result.suggested_level == "significant"
    assert result.reasons[0].startswith("You said someone is in immediate danger now")

    plain = services.concern_create(
        actor=sw, data=low_payload(child.pk, narrative=PLAIN, immediate_danger="no")
    )
    result, _ = selectors.concern_screening(plain, child)
    assert result.suggested_level == "none"
    assert not any("danger now" in r for r in result.reasons)


@pytest.mark.django_db
def test_preview_raises_the_suggestion_for_danger_now_text(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    danger = selectors.preview(sw, low_payload(child.pk, narrative=DANGER, immediate_danger="no"))
    assert danger.screening.suggested_level == "significant"
    assert "won't let her leave" in danger.screening.reasons[0]
    plain = selectors.preview(sw, low_payload(child.pk, narrative=PLAIN, immediate_danger="no"))
    assert plain.screening.suggested_level == "none"


@pytest.mark.django_db
def test_no_to_immediate_danger_against_danger_now_text_must_be_confirmed(
    users: dict[str, Any], child: Person
) -> None:
    """Found by an outside tester: the concern's "Immediate danger: No" went through
    unquestioned against a narrative the check reads as danger now (the FIB form asks). The
    check page asks to confirm nobody is in danger, keeps the draft, and records the answer."""
    from cairn.audit.models import AuditEvent
    from cairn.concerns.models import ConcernStatus

    sw = users["social_worker"]
    concern = services.concern_start(actor=sw, child=child)
    concern.draft = low_payload(child.pk, narrative=DANGER, immediate_danger="no")
    concern.save(update_fields=["draft"])
    client = Client()
    client.force_login(sw)
    url = f"/concerns/{concern.pk}/check/"
    page = html.unescape(client.get(url).content.decode())
    assert 'data-testid="ask-no-danger"' in page
    assert "won't let her leave" in page[page.index('data-testid="ask-no-danger"') :]
    assert 'name="no_danger_now"' in page

    refused = client.post(url)
    assert refused.status_code == 200
    text = html.unescape(refused.content.decode())
    assert "govuk-error-summary" in text
    assert 'href="#id_no_danger_now"' in text
    assert "tick the box to say you have checked" in text
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DRAFT
    assert concern.draft["narrative"] == DANGER  # nothing typed is lost

    sent = client.post(url, {"no_danger_now": "on"})
    assert sent.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED
    row = AuditEvent.objects.get(event="concern.submitted", object_id=str(concern.pk))
    assert row.details["danger_now"] is True
    assert row.details["no_danger_confirmed"] is True


@pytest.mark.django_db
def test_the_confirmation_is_asked_only_for_no_against_danger_now_text(
    users: dict[str, Any], child: Person
) -> None:
    from cairn.audit.models import AuditEvent

    sw = users["social_worker"]
    client = Client()
    client.force_login(sw)
    for narrative, answer in ((DANGER, "yes"), (PLAIN, "no")):
        concern = services.concern_start(actor=sw, child=child)
        concern.draft = low_payload(child.pk, narrative=narrative, immediate_danger=answer)
        concern.save(update_fields=["draft"])
        url = f"/concerns/{concern.pk}/check/"
        assert 'data-testid="ask-no-danger"' not in client.get(url).content.decode()
        assert client.post(url).status_code == 302
        row = AuditEvent.objects.get(event="concern.submitted", object_id=str(concern.pk))
        assert row.details["no_danger_confirmed"] is False
