"""The crime check on a concern (ADR 0019): the narrative and the signs' evidence go through
the same check as a FIB entry. When what was written reads like a disclosure and "crime
disclosed" is not yes, the practitioner is asked (questions and check steps) and the crime
report is recommended with the sentence quoted; danger now puts "Call 999 now" first."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from cairn.concerns import pathways, selectors, services
from cairn.concerns.models import Concern
from cairn.pole.models import Person

from .conftest import complete_payload

pytestmark = pytest.mark.django_db

DISCLOSURE = "She told me that her mum's boyfriend hit her with a belt last night."
DANGER = "She texted me that the man in the flat hit her and he is still there with her right now."
PLAIN = "Seen getting into a silver car with two older men; a new phone she would not explain."


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


def draft_with(user: Any, child: Person, **overrides: Any) -> Concern:
    concern = services.concern_start(actor=user, child=child)
    services.concern_save_draft(
        actor=user, concern=concern, data=complete_payload(child.pk, **overrides)
    )
    return concern


def test_questions_step_asks_when_the_narrative_reads_like_a_disclosure(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    concern = draft_with(sw, child, narrative=DISCLOSURE, crime_disclosed="no")
    page = page_text(client_for(sw).get(f"/concerns/{concern.pk}/questions/"))
    assert 'data-testid="reads-like-crime"' in page
    assert DISCLOSURE in page
    # Not an emergency: no 999 banner.
    assert 'data-testid="call-999"' not in page
    check = page_text(client_for(sw).get(f"/concerns/{concern.pk}/check/"))
    assert 'data-testid="reads-like-crime"' in check
    assert "Change your answer about crimes" in check


def test_no_question_when_crime_disclosed_is_already_yes_or_nothing_reads_like_one(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    ticked = draft_with(sw, child, narrative=DISCLOSURE, crime_disclosed="yes")
    assert 'data-testid="reads-like-crime"' not in page_text(
        client_for(sw).get(f"/concerns/{ticked.pk}/questions/")
    )
    plain = draft_with(sw, child, narrative=PLAIN)
    page = page_text(client_for(sw).get(f"/concerns/{plain.pk}/questions/"))
    assert 'data-testid="reads-like-crime"' not in page
    assert 'data-testid="call-999"' not in page


def test_sign_evidence_is_checked_too(users: dict[str, Any], child: Person) -> None:
    sw = users["social_worker"]
    payload = complete_payload(child.pk)
    payload["indicators"][0]["evidence"] = DISCLOSURE
    concern = services.concern_start(actor=sw, child=child)
    services.concern_save_draft(actor=sw, concern=concern, data=payload)
    found = selectors.draft_text_check(concern)
    assert found.crime and found.sentence == DISCLOSURE
    page = page_text(client_for(sw).get(f"/concerns/{concern.pk}/questions/"))
    assert DISCLOSURE in page


def test_danger_now_puts_call_999_first(users: dict[str, Any], child: Person) -> None:
    sw = users["social_worker"]
    concern = draft_with(sw, child, narrative=DANGER, immediate_danger="no")
    page = page_text(client_for(sw).get(f"/concerns/{concern.pk}/questions/"))
    main = page[page.index('<main class="govuk-main-wrapper"') :]
    assert main.index('data-testid="call-999"') < main.index("<h1")
    assert "Call 999 now." in main


def test_call_999_shows_on_the_step_right_after_what_happened(
    users: dict[str, Any], child: Person
) -> None:
    """Not only from the questions step on: every step after the narrative carries it."""
    sw = users["social_worker"]
    concern = draft_with(sw, child, narrative=DANGER, immediate_danger="no")
    for step in ("indicators", "mentions"):
        response = client_for(sw).get(f"/concerns/{concern.pk}/{step}/")
        assert response.status_code == 200, (step, response.status_code, response.get("Location"))
        page = page_text(response)
        main = page[page.index('<main class="govuk-main-wrapper"') :]
        assert 'data-testid="call-999"' in main, step
        assert main.index('data-testid="call-999"') < main.index("<h1"), step
    plain = draft_with(sw, child, narrative=PLAIN)
    page = page_text(client_for(sw).get(f"/concerns/{plain.pk}/indicators/"))
    assert 'data-testid="call-999"' not in page


def test_next_steps_recommend_the_crime_report_with_the_sentence(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    concern = services.concern_create(
        actor=sw, data=complete_payload(child.pk, narrative=DISCLOSURE, crime_disclosed="no")
    )
    assert concern.crime_disclosed is False
    recs = {r.code: r for r in selectors.pathways_for(concern, sw)}
    assert "crime_report" in recs and "mash" in recs
    assert DISCLOSURE in recs["crime_report"].reason
    assert "was not ticked" in recs["crime_report"].reason
    plain = services.concern_create(actor=sw, data=complete_payload(child.pk))
    assert "crime_report" not in {r.code for r in selectors.pathways_for(plain, sw)}


def test_pathways_put_the_answers_before_the_text() -> None:
    facts = pathways.PathwayFacts(
        immediate_danger=False,
        crime_disclosed=True,
        level="none",
        exploitation_types=frozenset(),
        indicator_codes=frozenset(),
        mentions=0,
        first_responder=False,
        text_crime="He hit her.",
        text_danger="He is hitting her right now.",
    )
    recs = {r.code: r for r in pathways.recommend(facts)}
    # Ticked: the standard reason, not the text's; the danger sentence still asks for 999.
    assert recs["crime_report"].reason.startswith("A crime was disclosed")
    assert "He is hitting her right now." in recs["emergency"].reason
    assert next(iter(recs)) == "emergency"


def test_next_steps_say_how_to_call_999_and_report_the_crime(
    users: dict[str, Any], child: Person
) -> None:
    """Every recommended step says what to do; nothing reads as unfinished."""
    sw = users["social_worker"]
    concern = services.concern_create(
        actor=sw,
        data=complete_payload(
            child.pk, narrative=DANGER, immediate_danger="yes", crime_disclosed="yes"
        ),
    )
    client = client_for(sw)
    decided = client.post(
        f"/concerns/{concern.pk}/screening/",
        {"level": "significant", "rationale": "Danger now and a crime disclosed"},
    )
    assert decided.status_code == 302
    page = page_text(client.get(f"/concerns/{concern.pk}/next-steps/"))
    assert 'data-testid="how-emergency"' in page and 'data-testid="how-crime-report"' in page
    assert "when that part of Cairn is ready" not in page


def test_screening_keeps_call_999_first(users: dict[str, Any], child: Person) -> None:
    """Between a submitted concern and its next steps, the risk-level page keeps the
    banner first, for danger in the text or a yes to the question; never for plain text."""
    sw = users["social_worker"]
    client = client_for(sw)
    for data in (
        {"narrative": DANGER, "immediate_danger": "no"},
        {"narrative": PLAIN, "immediate_danger": "yes"},
    ):
        concern = services.concern_create(
            actor=sw, data=complete_payload(child.pk, **data), no_danger_now=True
        )
        page = page_text(client.get(f"/concerns/{concern.pk}/screening/"))
        main = page[page.index('<main class="govuk-main-wrapper"') :]
        assert 'data-testid="call-999"' in main, data
        assert main.index('data-testid="call-999"') < main.index("<h1"), data
    plain = services.concern_create(actor=sw, data=complete_payload(child.pk, narrative=PLAIN))
    assert 'data-testid="call-999"' not in page_text(client.get(f"/concerns/{plain.pk}/screening/"))
