"""Outside tester 9, finding 14: the FIB form's wording and options. A yes to danger with
a no to crime says "Call 999 first", not "report the crime ... write down the crime
reference"; "Make a MASH referral" is a link where the user may make one for a known
child; the FIB is offered "accept the submitter's reason" only when there is a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.intelligence import services
from cairn.intelligence.models import Status, Submission

from .conftest import REASON, start_crime

pytestmark = pytest.mark.django_db


def test_danger_yes_crime_no_says_call_999_not_report_a_crime(partner: Any, child: Any) -> None:
    """Finding 14: the "yes, danger; no, crime" page spoke of a crime reference; the MASH
    referral is a link for a user who may make one, about a known child."""
    draft = start_crime(partner, anyone_in_danger="yes")
    draft.subject = child
    draft.save(update_fields=["subject"])
    client = Client()
    client.force_login(partner)
    page = client.get(reverse("intelligence:report-crime", args=[draft.pk])).content.decode()
    assert "Call 999 first" in page and "write down the crime reference" not in page
    assert "I have called 999" in page
    assert 'data-testid="mash-link"' in page and f"?child={child.pk}" in page
    draft.crime_described = "yes"
    draft.save(update_fields=["crime_described"])
    page = client.get(reverse("intelligence:report-crime", args=[draft.pk])).content.decode()
    assert "Report it to the police first" in page and "write down the crime reference" in page


def test_the_mash_step_is_plain_text_with_no_child_to_refer(partner: Any) -> None:
    draft = start_crime(partner, anyone_in_danger="yes")
    client = Client()
    client.force_login(partner)
    page = client.get(reverse("intelligence:report-crime", args=[draft.pk])).content.decode()
    assert 'data-testid="mash-link"' not in page and "<strong>MASH referral</strong>" in page


def test_no_reason_to_accept_when_the_submitter_gave_only_a_reference(
    partner: Any, users: dict[str, Any]
) -> None:
    """Finding 14: "accept the submitter's reason" was offered with no reason given."""
    referenced = services.submission_submit(
        actor=partner, submission=start_crime(partner), crime_reference="NM/26/555123"
    )
    with_reason = services.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    fib = Client()
    fib.force_login(users["fib_officer"])
    accept = "Intelligence only: accept the submitter&#x27;s reason"
    page = fib.get(reverse("intelligence:crime-decision", args=[referenced.pk])).content.decode()
    assert accept not in page and "refer it for crime recording" in page
    other = fib.get(reverse("intelligence:crime-decision", args=[with_reason.pk])).content.decode()
    assert accept in other
    forged = fib.post(
        reverse("intelligence:crime-decision", args=[referenced.pk]), {"decision": "accept"}
    )
    assert forged.status_code == 200 and "govuk-error-summary" in forged.content.decode()
    with pytest.raises(ValidationError):
        services.submission_accept_reason(actor=users["fib_officer"], submission=referenced)
    assert Submission.objects.get(pk=referenced.pk).crime_judgement == ""
    assert Submission.objects.get(pk=referenced.pk).status == Status.NEW


def test_an_entry_about_the_adult_refers_the_concerns_child(
    partner: Any, concern: Any, child: Any, make_person: Any
) -> None:
    """Outside tester 12: an entry from a concern, about the adult it names, linked to a
    MASH referral about the adult, which the referral form then refused."""
    adult = make_person(given_name="Kyle", family_name="Testdanvers", category="person_of_concern")
    draft = start_crime(partner, concern=concern, anyone_in_danger="yes")
    draft.subject = adult
    draft.save(update_fields=["subject"])
    client = Client()
    client.force_login(partner)
    for url in ("intelligence:report-crime", "intelligence:check"):
        page = client.get(reverse(url, args=[draft.pk])).content.decode()
        assert f"?child={child.pk}" in page, url
        assert f"?child={adult.pk}" not in page, url
