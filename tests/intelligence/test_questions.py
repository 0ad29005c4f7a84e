"""The FIB form's two plain questions before the free text, "Call 999 now" first, and the
check's new fields on the page and the API (ADR 0019)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.intelligence import services
from cairn.intelligence.models import Status, Submission

from .conftest import intel_data

pytestmark = pytest.mark.django_db

DANGER_TEXT = (
    "Skye rang me from the flat on Dock Street: the man there is hitting her right now and "
    "will not let her leave."
)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def main_of(page: str) -> str:
    return page[page.index('<main class="govuk-main-wrapper"') :]


def draft_for(user: Any, **data: Any) -> Submission:
    draft = services.submission_start(actor=user)
    services.submission_save_draft(
        actor=user, submission=draft, data=intel_data(mentions=[], **data)
    )
    return draft


def test_questions_are_required_and_keep_what_was_chosen(partner: Any) -> None:
    draft = services.submission_start(actor=partner)
    client = client_for(partner)
    response = client.post(f"/intelligence/{draft.pk}/questions/", {"anyone_in_danger": "no"})
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Select yes if anyone has described something that could be a crime" in page
    assert 'value="no" checked' in page
    draft.refresh_from_db()
    assert draft.anyone_in_danger == "" and draft.crime_described == ""


def test_two_noes_go_to_the_details(partner: Any) -> None:
    draft = services.submission_start(actor=partner)
    response = client_for(partner).post(
        f"/intelligence/{draft.pk}/questions/", {"anyone_in_danger": "no", "crime_described": "no"}
    )
    assert response.url == f"/intelligence/{draft.pk}/edit/"
    draft.refresh_from_db()
    assert (draft.anyone_in_danger, draft.crime_described) == ("no", "no")
    saved = AuditEvent.objects.filter(event="intel.draft_saved", object_id=str(draft.pk)).last()
    assert saved is not None and "anyone_in_danger" in saved.details["fields"]


def test_danger_yes_shows_999_first_then_the_crime_steps(partner: Any) -> None:
    draft = services.submission_start(actor=partner)
    client = client_for(partner)
    response = client.post(
        f"/intelligence/{draft.pk}/questions/", {"anyone_in_danger": "yes", "crime_described": "no"}
    )
    assert response.url == f"/intelligence/{draft.pk}/report-crime/"
    main = main_of(text(client.get(response.url)))
    assert main.index('data-testid="call-999"') < main.index("<h1")
    assert "Call 999 now." in main and "You said someone is in danger right now." in main
    assert "101" in main and "MASH referral" in main


def test_crime_yes_routes_to_the_crime_steps_and_flags_the_entry(partner: Any) -> None:
    draft = draft_for(partner, anyone_in_danger="no", crime_described="yes")
    client = client_for(partner)
    route = text(client.get(f"/intelligence/{draft.pk}/report-crime/"))
    assert 'data-testid="crime-steps"' in route and 'data-testid="call-999"' not in route
    # The entry is plain intelligence, but the answer is a flag of its own.
    page = text(client.get(f"/intelligence/{draft.pk}/check/"))
    assert "This looks like a crime, not intelligence" in page
    assert "You said someone has described something" in page
    response = client.post(f"/intelligence/{draft.pk}/check/", {})
    assert "Give the crime reference" in text(response)
    response = client.post(f"/intelligence/{draft.pk}/check/", {"crime_reference": "TP/77/26"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.crime_reference == "TP/77/26"
    assert draft.check_result["crime_disclosure"] is True


def test_report_crime_page_without_a_yes_goes_to_the_details(partner: Any) -> None:
    draft = draft_for(partner, anyone_in_danger="no", crime_described="no")
    response = client_for(partner).get(f"/intelligence/{draft.pk}/report-crime/")
    assert response.url == f"/intelligence/{draft.pk}/edit/"


def test_check_page_asks_the_questions_first(partner: Any) -> None:
    draft = draft_for(partner)
    client = client_for(partner)
    response = client.get(f"/intelligence/{draft.pk}/check/")
    assert response.url == f"/intelligence/{draft.pk}/questions/"
    response = client.post(f"/intelligence/{draft.pk}/check/", {})
    page = text(response)
    assert "Answer the two questions about danger and crimes" in page
    assert f'href="/intelligence/{draft.pk}/questions/"' in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_danger_now_text_puts_999_first_on_the_check_page(partner: Any) -> None:
    draft = draft_for(partner, what=DANGER_TEXT, anyone_in_danger="no", crime_described="no")
    client = client_for(partner)
    main = main_of(text(client.get(f"/intelligence/{draft.pk}/check/")))
    assert main.index('data-testid="call-999"') < main.index("<h1")
    assert "the man there is hitting her right now" in main
    # After a submit attempt, the banner still comes before the error summary.
    main = main_of(text(client.post(f"/intelligence/{draft.pk}/check/", {})))
    assert main.index('data-testid="call-999"') < main.index("There is a problem")
    edit = main_of(text(client.get(f"/intelligence/{draft.pk}/edit/")))
    assert edit.index('data-testid="call-999"') < edit.index("<h1")
    checked = AuditEvent.objects.filter(event="intel.checked", object_id=str(draft.pk)).last()
    assert checked is not None and checked.details["danger_now"] is True


def test_plain_intelligence_shows_no_banner(partner: Any) -> None:
    draft = draft_for(partner, anyone_in_danger="no", crime_described="no")
    page = text(client_for(partner).get(f"/intelligence/{draft.pk}/check/"))
    assert 'data-testid="call-999"' not in page
    assert "This looks like a crime" not in page


def test_question_pages_are_the_authors_only(partner: Any, users: dict[str, Any]) -> None:
    draft = services.submission_start(actor=partner)
    for user in (users["fib_officer"], users["practitioner"]):
        client = client_for(user)
        assert client.get(f"/intelligence/{draft.pk}/questions/").status_code == 404
        assert client.get(f"/intelligence/{draft.pk}/report-crime/").status_code == 404
        assert (
            client.post(
                f"/intelligence/{draft.pk}/questions/",
                {"anyone_in_danger": "no", "crime_described": "no"},
            ).status_code
            == 404
        )
    draft.refresh_from_db()
    assert draft.anyone_in_danger == ""


def test_api_check_adds_danger_now_and_offence_families(partner: Any, api_as: Any) -> None:
    api = api_as(partner)
    response = api.post("/intelligence/check", {"text": DANGER_TEXT})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "crime_disclosure",
        "danger_now",
        "offence_families",
        "reasons",
        "quality_issues",
    }
    assert body["crime_disclosure"] is True and body["danger_now"] is True
    assert body["offence_families"] and body["reasons"][0].startswith("Someone may be in danger")
    plain = api.post("/intelligence/check", {"text": intel_data()["what"]}).json()
    assert plain["crime_disclosure"] is False and plain["danger_now"] is False
    assert plain["offence_families"] == []
    said = api.post(
        "/intelligence/check", {"text": intel_data()["what"], "anyone_in_danger": True}
    ).json()
    assert said["danger_now"] is True and said["crime_disclosure"] is True


def test_api_submission_with_a_yes_needs_the_crime_reference(partner: Any, api_as: Any) -> None:
    from .test_api import body as _body  # the API body the other API tests send

    api = api_as(partner)
    response = api.post("/intelligence/submissions", {**_body(), "crime_described": True})
    assert response.status_code == 422, response.content
    response = api.post(
        "/intelligence/submissions",
        {**_body(), "crime_described": True, "crime_reference": "TP/78/26"},
    )
    assert response.status_code == 201, response.content
    created = Submission.objects.get(pk=response.json()["id"])
    assert created.crime_described == "yes" and created.crime_reference == "TP/78/26"


def test_the_check_page_asks_to_confirm_nobody_is_in_danger_before_a_reason_sends_it(
    partner: Any,
) -> None:
    draft = draft_for(partner, what=DANGER_TEXT, anyone_in_danger="no", crime_described="no")
    client = client_for(partner)
    url = f"/intelligence/{draft.pk}/check/"
    page = text(client.get(url))
    assert "I have checked: nobody is in danger right now" in page
    # The h1 is the first heading, before the FIB rules' box (outside tester).
    assert page.index("<h1") < page.index("FIB forms: the rules")
    reason = "The school has already called 999 and the police are at the flat now."
    page = text(client.post(url, {"intel_only_reason": reason}))
    assert "If nobody is in danger now, tick the box" in page
    assert 'href="#id_no_danger_now"' in page and reason in page  # nothing typed is lost
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    sent = client.post(url, {"intel_only_reason": reason, "no_danger_now": "on"})
    assert sent.status_code == 302
    draft.refresh_from_db()
    assert draft.status != Status.DRAFT and draft.no_danger_confirmed
    # About a child the submitter may refer: the MASH step is a link to start the referral.
    from cairn.pole import services as pole_services

    child = pole_services.person_create(
        actor=partner, given_name="Skye", family_name="Examplewood", category="child"
    )
    about = draft_for(
        partner, what=DANGER_TEXT, subject_id=child.pk, anyone_in_danger="no", crime_described="no"
    )
    assert f'/referrals/new/?child={child.pk}"' in text(
        client.get(f"/intelligence/{about.pk}/check/")
    )
    # Plain intelligence never shows the box.
    plain = draft_for(partner, anyone_in_danger="no", crime_described="no")
    assert "nobody is in danger right now" not in text(
        client.get(f"/intelligence/{plain.pk}/check/")
    )


def test_api_submission_read_as_danger_now_needs_the_confirmation(
    partner: Any, api_as: Any
) -> None:
    from .test_api import body as _body

    api = api_as(partner)
    reason = "The school has already called 999 and the police are at the flat now."
    data = {**_body(), "what": DANGER_TEXT, "intel_only_reason": reason}
    refused = api.post("/intelligence/submissions", data)
    assert refused.status_code == 422, refused.content
    assert "tick the box" in refused.content.decode()
    created = api.post("/intelligence/submissions", {**data, "no_danger_now": True})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["crime_flagged"] is True and body["danger_now"] is True
    assert body["no_danger_confirmed"] is True


@pytest.mark.parametrize(
    ("typed", "reason_error"),
    [
        ({}, "Give the crime reference, or say why this is intelligence only"),
        ({"intel_only_reason": "not a crime"}, services.REASON_TOO_THIN),
    ],
)
def test_the_check_page_asks_for_the_reason_and_the_danger_box_at_once(
    partner: Any, typed: dict[str, str], reason_error: str
) -> None:
    """Outside tester: the box "nobody is in danger right now" was asked for only on the
    second try, after the reason; both errors now come together, in the error summary and
    beside their fields, and what was typed stays."""
    draft = draft_for(partner, what=DANGER_TEXT, anyone_in_danger="no", crime_described="no")
    page = text(client_for(partner).post(f"/intelligence/{draft.pk}/check/", typed))
    summary = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    assert reason_error in summary and "If nobody is in danger now, tick the box" in summary
    assert 'href="#id_no_danger_now"' in summary
    assert page.count("If nobody is in danger now, tick the box") == 2  # and beside the box
    assert typed.get("intel_only_reason", "") in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
