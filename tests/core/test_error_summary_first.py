"""The error summary is the first thing in <main> (GOV.UK: at the top of the main
container, above the h1), so a screen reader meets it before anything else on the page:
not after the FIB's rules beside the form, the security marking or the h1. Only a call to
ring 999 may come before it."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.concerns import services as concern_services
from cairn.hub import services as hub_services
from cairn.hub.models import HubMember
from cairn.intelligence import services as intel
from cairn.referrals import services as referral_services

from ..concerns.conftest import complete_payload
from ..intelligence.conftest import REASON, intel_data, start_crime
from ..referrals.conftest import mash_details

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def before_summary(response: Any) -> str:
    """The text a reader meets in <main> before the error summary."""
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    main = page[page.index('<main class="govuk-main-wrapper"') :]
    main = main[main.index(">") + 1 :]
    assert "govuk-error-summary" in main, "no error summary on the page"
    before = main[: main.index('class="govuk-error-summary"')].rsplit("<", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", before)).strip()


def test_intelligence_pages_put_the_summary_before_the_rules_and_the_marking(
    users: dict[str, Any],
) -> None:
    partner = users["practitioner"]
    client = client_for(partner)
    draft = intel.submission_start(actor=partner)
    answers = intel_data(mentions=[], anyone_in_danger="no", crime_described="no")
    intel.submission_save_draft(actor=partner, submission=draft, data=answers)
    # The details page, with the FIB's rules beside the form.
    edit = client.post(f"/intelligence/{draft.pk}/edit/", {"when_on_day": "99", "action": "save"})
    assert before_summary(edit) == ""
    # The check page, with the rules too.
    crime = start_crime(partner)
    check = client.post(f"/intelligence/{crime.pk}/check/", {})
    assert before_summary(check) == ""
    # The crime referral page, with its security marking.
    entry = intel.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    referral = intel.submission_refer_crime(
        actor=users["fib_officer"], submission=entry, note="Assault disclosed to a teacher."
    )
    page = client_for(users["ppu_coordinator"]).post(
        f"/intelligence/crime-recording/{referral.pk}/", {"action": "record"}
    )
    assert before_summary(page) == ""


def test_concern_and_referral_pages_too(users: dict[str, Any], make_person: Any) -> None:
    sw = users["social_worker"]
    child = make_person(actor=sw)
    client = client_for(sw)
    concern = concern_services.concern_create(actor=sw, data=complete_payload(child.pk))
    screening = client.post(f"/concerns/{concern.pk}/screening/", {"level": ""})
    assert before_summary(screening) == ""
    referral = referral_services.referral_start(actor=sw, kind="mash", child=child)
    edit = client.post(
        reverse("referrals:edit", args=[referral.pk]),
        {
            **mash_details(child_views=""),
            "recipient_agency": str(users["mash_screener"].agency_id),
            "action": "submit",
        },
    )
    assert before_summary(edit) == ""


def summary_stands_alone(response: Any) -> bool:
    """The summary is first in <main> in its own row (the base template's error_summary
    block), not at the top of the content's column: the content's row opens after it."""
    if before_summary(response) != "":
        return False
    page = response.content.decode()
    after = page[page.index('class="govuk-error-summary"') : page.index("<h1")]
    return 'class="govuk-grid-row"' in after


def test_hub_and_missing_form_pages_too(users: dict[str, Any], make_person: Any) -> None:
    """The Hub's set-up, member, meeting, attendance and minutes pages and a new missing
    episode had their summary inside the content column (after a security marking or a
    message, had there been one); each now puts it first in <main>, as the other form
    pages do."""
    chair = client_for(users["hub_chair"])
    meeting = hub_services.meeting_schedule(
        actor=users["hub_chair"], starts_at=timezone.now() + dt.timedelta(days=1)
    )
    member = HubMember.objects.create(
        agency=users["ppu_coordinator"].agency, representative=users["ppu_coordinator"]
    )
    invalid = {
        reverse("hub:setup-edit"): {"name": ""},
        reverse("hub:member-add"): {"agency": ""},
        reverse("hub:member-edit", args=[member.pk]): {"representative": ""},
        reverse("hub:meeting-new"): {"meeting_type": ""},
        reverse("hub:attendance", args=[meeting.pk]): {"user": ""},
        reverse("hub:distribute", args=[meeting.pk]): {"agencies": ""},
    }
    for url, data in invalid.items():
        assert summary_stands_alone(chair.post(url, data)), url
    child = make_person(actor=users["social_worker"])
    episode = client_for(users["social_worker"]).post(
        reverse("missing:new", args=[child.pk]), {"reported_by": "Carer"}
    )
    assert summary_stands_alone(episode)
