"""The check step never offers to send an entry that lacks an answer it cannot be sent
without (what, where, when, how the source knows, who it is about): opened directly, or
after the draft was changed elsewhere (another tab), it sends the submitter back to the details
page, where each missing answer has its error beside its field and in the summary, and
everything already written is still in the boxes."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from cairn.intelligence import services
from cairn.intelligence.models import Status, Submission

from .conftest import intel_data

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _draft(partner: Any, **data: Any) -> Submission:
    draft = services.submission_start(actor=partner)
    answers = intel_data(mentions=[], anyone_in_danger="no", crime_described="no")
    answers.update(data)
    services.submission_save_draft(actor=partner, submission=draft, data=answers)
    return draft


def test_check_with_empty_required_answers_goes_back_to_the_fields(partner: Any) -> None:
    draft = _draft(partner)
    # What and where cleared (saved as a draft from another tab), the rest kept.
    services.submission_save_draft(actor=partner, submission=draft, data={"what": "", "where": ""})
    client = client_for(partner)
    response = client.get(f"/intelligence/{draft.pk}/check/")
    assert response.status_code == 302
    assert response.url == f"/intelligence/{draft.pk}/edit/?check=1"
    page = html.unescape(client.get(response.url).content.decode())
    summary = page[page.index('class="govuk-error-summary"') : page.index("<h1")]
    assert '<a href="#id_what">Describe what was seen or heard</a>' in summary
    assert '<a href="#id_where">Say where it was seen or heard</a>' in summary
    assert "Enter the date" not in summary  # only what is missing
    assert page.count("govuk-error-message") == 2  # beside each field too
    # Nothing typed is lost: the other answers are in their boxes.
    assert 'value="Skye Examplewood, born 14 February 2012, Year 9"' in page
    assert "<title>Error: Intelligence details" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_check_posted_with_a_missing_answer_sends_nothing_and_keeps_the_reference(
    partner: Any,
) -> None:
    """The draft lost an answer between the check page and the submit (another tab, the
    API): nothing is sent, the summary links to the field, the typed reference stays."""
    draft = _draft(partner)
    services.submission_save_draft(actor=partner, submission=draft, data={"how_known": ""})
    response = client_for(partner).post(
        f"/intelligence/{draft.pk}/check/", {"crime_reference": "TP/9/26"}
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert (
        f'<a href="/intelligence/{draft.pk}/edit/?check=1#id_how_known_0">'
        "Select how the source knows this</a>"
    ) in page
    assert "<title>Error: Check before submitting" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_complete_draft_is_checked_as_before(partner: Any) -> None:
    draft = _draft(partner)
    client = client_for(partner)
    page = client.get(f"/intelligence/{draft.pk}/check/")
    assert page.status_code == 200 and b"Check before submitting" in page.content
    assert b"govuk-error-summary" not in page.content
    # The details page without the flag shows no errors, even for an incomplete draft.
    services.submission_save_draft(actor=partner, submission=draft, data={"what": ""})
    edit = client.get(f"/intelligence/{draft.pk}/edit/")
    assert b"govuk-error-summary" not in edit.content
    response = client.post(f"/intelligence/{draft.pk}/check/", {})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_continuing_from_an_empty_details_page_comes_back_with_errors(partner: Any) -> None:
    """The usual way there: "Check before submitting" with boxes left empty."""
    draft = _draft(partner, what="", where="", when_on=None, how_known="")
    client = client_for(partner)
    response = client.post(
        f"/intelligence/{draft.pk}/edit/",
        {"subject_description": "Skye Examplewood, Year 9", "action": "check"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/intelligence/{draft.pk}/edit/?check=1"
    page = html.unescape(response.content.decode())
    for anchor in ("id_what", "id_where", "id_when_on_0", "id_how_known_0"):
        assert f'<a href="#{anchor}">' in page, anchor
    assert 'value="Skye Examplewood, Year 9"' in page
