"""Referral pages: start from the child (pre-filled), the form with a draft, detail with
actions, lists, MASH decision and strategy discussion, PDF and export; allowed and
denied users (forbidden and missing both 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.pole.models import Person
from cairn.referrals import services
from cairn.referrals.models import Referral, ReferralStatus

from ..concerns.conftest import complete_payload
from .conftest import mash_details

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_post(details: dict[str, Any], recipient: int, action: str = "submit") -> dict[str, Any]:
    return {**details, "recipient_agency": str(recipient), "action": action}


def test_start_from_the_child_prefills_the_form(users: dict[str, Any], child: Person) -> None:
    sw = client_for(users["social_worker"])
    page = sw.get(reverse("referrals:new"), {"child": child.pk, "kind": "mash"})
    assert page.status_code == 200
    assert b"National Referral Mechanism" in page.content  # Trust is a first responder
    response = sw.post(reverse("referrals:new"), {"child": child.pk, "kind": "mash"})
    referral = Referral.objects.get()
    assert response.url == reverse("referrals:edit", args=[referral.pk])
    form = sw.get(response.url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="English"' in html  # first language from the child's record
    assert "Testshire Children&#x27;s Trust" in html


def test_nrm_not_offered_to_non_first_responders(
    make_user: Callable[..., Any], child: Person, users: dict[str, Any]
) -> None:
    teacher = make_user("social_worker", agency="school", username="school_sw2")
    from cairn.pole import services as pole_services

    pole_services.entity_share(
        actor=users["social_worker"], entity_id=child.pk, agency=teacher.agency, reason="DSL"
    )
    client = client_for(teacher)
    page = client.get(reverse("referrals:new"), {"child": child.pk})
    assert page.status_code == 200
    assert b"Only first-responder organisations can make an NRM referral" in page.content
    assert b'value="nrm"' not in page.content
    client.post(reverse("referrals:new"), {"child": child.pk, "kind": "nrm"})
    assert not Referral.objects.exists()


def test_start_from_a_concern(users: dict[str, Any], child: Person) -> None:
    sw = users["social_worker"]
    concern = concern_services.concern_create(actor=sw, data=complete_payload(child.pk))
    client = client_for(sw)
    client.post(
        reverse("referrals:new"), {"child": child.pk, "concern": concern.pk, "kind": "mash"}
    )
    referral = Referral.objects.get()
    assert referral.concern == concern
    assert referral.details["concern_summary"] == concern.narrative


def test_form_errors_keep_answers_then_submit(users: dict[str, Any], child: Person) -> None:
    sw_user = users["social_worker"]
    referral = services.referral_start(actor=sw_user, kind="mash", child=child)
    client = client_for(sw_user)
    url = reverse("referrals:edit", args=[referral.pk])
    recipient = users["mash_screener"].agency_id
    bad = form_post(mash_details(child_views=""), recipient)
    page = client.post(url, bad)
    assert page.status_code == 200
    assert b"Enter the child&#x27;s views" in page.content
    assert b"Seen getting into a silver car" in page.content
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.details["concern_summary"].startswith("Seen getting")  # saved as draft
    done = client.post(url, form_post(mash_details(), recipient))
    assert done.url == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_save_as_draft(users: dict[str, Any], child: Person) -> None:
    referral = services.referral_start(actor=users["social_worker"], kind="ppu", child=child)
    client = client_for(users["social_worker"])
    url = reverse("referrals:edit", args=[referral.pk])
    client.post(url, {"summary": "Half written", "action": "save"})
    referral.refresh_from_db()
    assert referral.details["summary"] == "Half written"
    assert referral.status == ReferralStatus.DRAFT
    # Someone else's draft is not there for them.
    assert client_for(users["ppu_coordinator"]).get(url).status_code == 404


def test_detail_visible_to_sender_and_recipient_only(
    send: Callable[..., Referral], users: dict[str, Any], outsider: Any
) -> None:
    referral = send("mash")
    url = reverse("referrals:detail", args=[referral.pk])
    child_url = reverse("pole:person-detail", args=[referral.child_id])
    for allowed in (users["social_worker"], users["mash_screener"]):
        page = client_for(allowed).get(url)
        assert page.status_code == 200
        assert referral.reference.encode() in page.content
        # The receiver opens the child from the referral, not by searching for them.
        assert f'data-testid="referral-child" href="{child_url}"'.encode() in page.content
    for denied in (outsider, users["practitioner"], users["ppu_coordinator"], users["analyst"]):
        assert client_for(denied).get(url).status_code == 404, denied.role
    assert client_for(users["system_admin"]).get(url).status_code == 404
    missing = reverse("referrals:detail", args=[referral.pk + 999])
    assert client_for(users["social_worker"]).get(missing).status_code == 404
    assert (
        AuditEvent.objects.filter(event="referral.viewed", object_id=str(referral.pk)).count() == 2
    )


def test_team_members_see_their_teams_referrals(
    send: Callable[..., Referral], users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    from tests.factories import TeamFactory

    team = TeamFactory(agency=users["social_worker"].agency, name="Exploitation Team")
    sw = users["social_worker"]
    sw.team = team
    sw.save()
    colleague = make_user("practitioner", username="colleague", team=team)
    referral = send("mash", actor=sw)
    page = client_for(colleague).get(reverse("referrals:team"))
    assert referral.reference.encode() in page.content
    assert (
        client_for(colleague).get(reverse("referrals:detail", args=[referral.pk])).status_code
        == 200
    )
    assert (
        referral.reference.encode()
        not in client_for(users["practitioner"]).get(reverse("referrals:team")).content
    )


def test_lists_and_mash_dashboard_show_overdue(
    send: Callable[..., Referral], users: dict[str, Any], outsider: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    overdue = send("mash")
    Referral.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    fresh = send("mash")
    inbox = client_for(users["mash_screener"]).get(reverse("referrals:inbox"))
    html = inbox.content.decode()
    assert "MASH dashboard" in html and "1 overdue referral" in html
    assert overdue.reference in html and fresh.reference in html
    # Overdue work is news, not a form error: a notification banner before the h1 (GOV.UK),
    # linking to the overdue table; the error summary is for a form's errors only.
    assert "govuk-error-summary" not in html
    banner = html.index('data-testid="overdue-banner"')
    assert 'class="govuk-notification-banner"' in html[banner - 200 : banner]
    assert banner < html.index('<h1 class="govuk-heading-l">Referrals</h1>')
    assert 'href="#overdue-referrals"' in html and 'id="overdue-referrals"' in html
    sent = client_for(users["social_worker"]).get(reverse("referrals:sent")).content.decode()
    assert "Follow up with them" in sent and overdue.reference in sent
    assert "govuk-error-summary" not in sent and 'data-testid="overdue-banner"' in sent
    assert (
        overdue.reference
        not in client_for(outsider).get(reverse("referrals:inbox")).content.decode()
    )
    assert client_for(users["system_admin"]).get(reverse("referrals:inbox")).status_code == 403
    detail = client_for(users["social_worker"]).get(reverse("referrals:detail", args=[overdue.pk]))
    assert b"Follow up with" in detail.content


def test_decline_needs_a_reason_on_the_page(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send("mash")
    client = client_for(users["mash_screener"])
    url = reverse("referrals:action", args=[referral.pk, "decline"])
    page = client.post(url, {"reason": ""})
    assert page.status_code == 200 and b"Give a reason" in page.content
    client.post(url, {"reason": "Open to another local authority"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    # The sender cannot decline, and nobody can decline twice.
    assert client_for(users["social_worker"]).get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_acknowledge_by_the_ppu(send: Callable[..., Referral], users: dict[str, Any]) -> None:
    referral = send("ppu")
    url = reverse("referrals:action", args=[referral.pk, "acknowledge"])
    assert client_for(users["social_worker"]).post(url).status_code == 404
    assert client_for(users["ppu_coordinator"]).post(url).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED


def test_mash_decision_and_strategy_pages(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send("mash")
    decide = reverse("referrals:decide", args=[referral.pk])
    assert client_for(users["social_worker"]).get(decide).status_code == 404
    screener = client_for(users["mash_screener"])
    response = screener.post(decide, {"outcome": "s47", "rationale": "Risk of significant harm"})
    strategy = reverse("referrals:strategy", args=[referral.pk])
    assert response.url == strategy
    from django.utils import timezone

    today = timezone.localdate()
    page = screener.post(
        strategy,
        {
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "attendees": "Police: DS Example",
            "decisions": "Joint visit",
        },
    )
    assert b"at least two agencies" in page.content
    screener.post(
        strategy,
        {
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "attendees": "Police: DS Example\nChildren's Trust: S Worker",
            "decisions": "Joint visit today",
            "actions": "Visit (S Worker, today)",
        },
    )
    detail = client_for(users["social_worker"]).get(reverse("referrals:detail", args=[referral.pk]))
    html = detail.content.decode()
    assert "Section 47 enquiry with a strategy discussion" in html
    assert "Joint visit today" in html and "DS Example" in html
    assert client_for(users["social_worker"]).get(strategy).status_code == 404


def test_pdf_download_is_logged(
    send: Callable[..., Referral], users: dict[str, Any], outsider: Any
) -> None:
    referral = send("mash")
    url = reverse("referrals:pdf", args=[referral.pk])
    response = client_for(users["mash_screener"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="referral.pdf_downloaded").count() == 1
    assert client_for(outsider).get(url).status_code == 404
    printable = client_for(users["social_worker"]).get(
        reverse("referrals:print", args=[referral.pk])
    )
    assert b"OFFICIAL-SENSITIVE" in printable.content and b"@page" in printable.content


def test_nrm_pages(send: Callable[..., Referral], users: dict[str, Any]) -> None:
    referral = send("nrm")
    sw = client_for(users["social_worker"])
    sw.post(reverse("referrals:nrm-reference", args=[referral.pk]), {"reference": "HO-42"})
    from django.utils import timezone

    today = timezone.localdate()
    sw.post(
        reverse("referrals:nrm-decision", args=[referral.pk]),
        {
            "stage": "reasonable",
            "outcome": "positive",
            "decided_on_day": today.day,
            "decided_on_month": today.month,
            "decided_on_year": today.year,
        },
    )
    referral.refresh_from_db()
    assert referral.home_office_reference == "HO-42"
    assert referral.status == ReferralStatus.ACCEPTED
    export = sw.get(reverse("referrals:nrm-export", args=[referral.pk]))
    assert export.json()["home_office_reference"] == "HO-42"
    screener = client_for(users["mash_screener"])
    assert screener.get(reverse("referrals:nrm-export", args=[referral.pk])).status_code == 404
    assert screener.get(reverse("referrals:nrm-reference", args=[referral.pk])).status_code == 404


def test_profile_section_lists_referrals_and_offers_a_referral(
    send: Callable[..., Referral], users: dict[str, Any], child: Person
) -> None:
    referral = send("mash")
    page = client_for(users["social_worker"]).get(reverse("pole:person-detail", args=[child.pk]))
    html = page.content.decode()
    assert 'data-testid="child-referrals"' in html
    assert referral.reference in html and "Make a referral" in html
    # The analyst may see the child but not the referral, and may not refer.
    analyst = client_for(users["analyst"]).get(reverse("pole:person-detail", args=[child.pk]))
    assert referral.reference not in analyst.content.decode()
    assert "Make a referral" not in analyst.content.decode()


def test_next_steps_links_start_prefilled_referrals(users: dict[str, Any], child: Person) -> None:
    sw = users["social_worker"]
    concern = concern_services.concern_create(
        actor=sw,
        data=complete_payload(child.pk, exploitation_types=["cse", "modern_slavery"]),
    )
    concern_services.risk_decision_record(
        actor=sw, concern=concern, level="significant", rationale="Serious"
    )
    html = client_for(sw).get(reverse("concerns:next-steps", args=[concern.pk])).content.decode()
    for code in ("mash", "ppu"):
        assert f'data-testid="start-referral-{code}"' in html
        assert f"concern={concern.pk}&amp;kind={code}" in html


def test_list_query_count_is_bounded(
    send: Callable[..., Referral], users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for kind in ("mash", "mash", "mash", "ppu", "nrm", "mash"):
        send(kind)
    client = client_for(users["mash_screener"])
    client.get(reverse("referrals:inbox"))  # warm the session
    # 18, plus at most two for which children and concerns the reader may see.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("referrals:inbox"))
    assert response.content.decode().count('data-testid="referral-row"') == 4
    sender = client_for(users["social_worker"])
    with django_assert_max_num_queries(20):
        response = sender.get(reverse("referrals:sent"))
    assert response.content.decode().count('data-testid="referral-row"') == 6


@pytest.mark.parametrize("kind", ["mash", "nrm", "ppu"])
def test_every_kind_renders_its_answers_and_pdf(
    kind: str, send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send(kind)
    client = client_for(users["social_worker"])
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    expected = {
        "mash": "At home with her mother",
        "nrm": "Criminal exploitation",
        "ppu": "Older men picking her up",
    }[kind]
    assert expected in page.content.decode()
    pdf = client.get(reverse("referrals:pdf", args=[referral.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_clearing_a_required_answer_and_saving_the_draft_keeps_it_cleared(
    users: dict[str, Any], child: Person
) -> None:
    sw_user = users["social_worker"]
    referral = services.referral_start(actor=sw_user, kind="mash", child=child)
    client = client_for(sw_user)
    url = reverse("referrals:edit", args=[referral.pk])
    recipient = users["mash_screener"].agency_id
    client.post(url, form_post(mash_details(child_views="Says she is fine."), recipient, "save"))
    referral.refresh_from_db()
    assert referral.details["child_views"] == "Says she is fine."

    # Clear the required answer (and one checked in the form's clean()) and save again.
    cleared = mash_details(child_views="", first_hand="no", information_source="")
    saved = client.post(url, form_post(cleared, recipient, "save"))
    assert saved.url == url
    referral.refresh_from_db()
    assert referral.details["child_views"] == ""
    assert referral.details["first_hand"] == "no"
    assert referral.details["information_source"] == ""
    assert referral.details["concern_summary"].startswith("Seen getting")  # the rest kept
    page = client.get(url).content.decode()
    assert "Says she is fine." not in page
    assert 'name="child_views"' in page

    # Submitting the draft as it stands names the missing answers.
    submitted = client.post(url, form_post(cleared, recipient))
    assert submitted.status_code == 200
    html = submitted.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_child_views"' in html
    assert "Enter the child&#x27;s views" in html
    assert "Say where the information came from" in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    with pytest.raises(ValidationError) as exc:
        services.referral_submit(actor=sw_user, referral=referral)
    assert "child_views" in exc.value.message_dict


def test_draft_keeps_a_half_typed_date_as_typed(users: dict[str, Any], child: Person) -> None:
    sw_user = users["social_worker"]
    referral = services.referral_start(actor=sw_user, kind="nrm", child=child)
    client = client_for(sw_user)
    url = reverse("referrals:edit", args=[referral.pk])
    post = {"date_of_birth_day": "14", "date_of_birth_month": "", "date_of_birth_year": "2011"}
    client.post(url, {**post, "full_name": "", "action": "save"})
    referral.refresh_from_db()
    assert referral.details["date_of_birth"] == ["14", "", "2011"]
    assert referral.details["full_name"] == ""
    html = client.get(url).content.decode()
    assert 'name="date_of_birth_day" type="text" inputmode="numeric" value="14"' in html
    with pytest.raises(ValidationError) as exc:
        services.referral_submit(actor=sw_user, referral=referral)
    assert exc.value.message_dict["date_of_birth"] == ["Date of birth must include a month"]
    assert "full_name" in exc.value.message_dict


def test_sending_again_after_it_was_sent_goes_to_the_referral(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send("mash")
    url = reverse("referrals:edit", args=[referral.pk])
    recipient = users["mash_screener"].agency_id
    again = client_for(users["social_worker"]).post(url, form_post(mash_details(), recipient))
    assert again.status_code == 302
    assert again["Location"] == reverse("referrals:detail", args=[referral.pk])
    # Someone else posting to it still finds nothing there.
    assert client_for(users["mash_screener"]).post(url, {}).status_code == 404
