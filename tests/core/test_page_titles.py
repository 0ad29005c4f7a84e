"""A page with errors is titled "Error: <title> - Cairn" (an en dash), once (GOV.UK's validation
pattern): base.html adds the prefix for any bound form with errors in the page's context,
however many forms the page has, or when the view says the page has errors; templates
write only their title."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django import forms
from django.template import RequestContext, Template
from django.test import Client, RequestFactory

from cairn.intelligence import services as intel

from ..intelligence.conftest import REASON, start_crime

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def t(*parts: str) -> str:
    """A title: its parts joined by the en dash the pages use."""
    return " \u2013 ".join(parts)


def title_of(content: bytes | str) -> str:
    text = content.decode() if isinstance(content, bytes) else content
    found = TITLE.search(text)
    assert found is not None
    return html.unescape(found.group(1)).strip()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class NameForm(forms.Form):
    name = forms.CharField()


def render_page(user: Any, title: str, **context: Any) -> str:
    template = Template('{% extends "base.html" %}{% block title %}' + title + "{% endblock %}")
    request = RequestFactory().get("/")
    request.user = user
    return template.render(RequestContext(request, context))


def test_an_error_page_says_error_once_at_the_start(users: dict[str, Any]) -> None:
    partner = users["practitioner"]
    draft = intel.submission_start(actor=partner)
    client = client_for(partner)
    page = client.post(f"/intelligence/{draft.pk}/questions/", {})
    assert title_of(page.content) == t("Error: Before you start", "Submit intelligence", "Cairn")
    # The same page without errors has no prefix.
    page = client.get(f"/intelligence/{draft.pk}/questions/")
    assert title_of(page.content) == t("Before you start", "Submit intelligence", "Cairn")


def test_a_page_with_two_forms_says_error_when_either_has_one(
    users: dict[str, Any],
) -> None:
    """The crime referral page has a record form and a return form (as the SAR item page
    has a redaction and a withholding form): the second form's errors count too."""
    partner = users["practitioner"]
    entry = intel.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    referral = intel.submission_refer_crime(
        actor=users["fib_officer"], submission=entry, note="Assault disclosed to a teacher."
    )
    client = client_for(users["ppu_coordinator"])
    url = f"/intelligence/crime-recording/{referral.pk}/"
    page = client.post(url, {"action": "return", "note": ""})
    assert page.status_code == 200
    assert title_of(page.content) == t(f"Error: Crime referral {referral.reference}", "Cairn")
    assert title_of(client.get(url).content) == t(f"Crime referral {referral.reference}", "Cairn")


def test_base_counts_every_bound_form_and_the_views_flag(users: dict[str, Any]) -> None:
    user = users["practitioner"]
    clean, broken = NameForm({"name": "Skye"}), NameForm({})
    assert title_of(render_page(user, "Items", a=NameForm(), b=clean)) == t("Items", "Cairn")
    assert title_of(render_page(user, "Items", redact_form=clean, withhold_form=broken)) == t(
        "Error: Items", "Cairn"
    )
    # Problems that are not a form's (a check step's list of missing answers).
    assert title_of(render_page(user, "Check", page_has_errors=True)) == t("Error: Check", "Cairn")
    # A template that still writes the prefix itself gets it once.
    assert title_of(render_page(user, "Error: Visit", form=broken)) == t("Error: Visit", "Cairn")
    page = render_page(user, "Items", form=broken)
    assert "(error)" not in page and page.count("Error: ") == 1
