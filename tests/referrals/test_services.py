"""The referral lifecycle and decisions through the services: who may do what, the
validation, the clocks, and an audit row (a disclosure with its recipient) for every
transition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import LinkType, Person
from cairn.referrals import selectors, services
from cairn.referrals.models import MashOutcome, Referral, ReferralStatus

from ..concerns.conftest import complete_payload
from .conftest import mash_details, nrm_details

pytestmark = pytest.mark.django_db


def events(referral: Referral) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="referrals.referral", object_id=str(referral.pk)
        ).order_by("chain_index")
    )


def test_draft_then_submit_is_audited_as_a_disclosure_to_the_mash(
    users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    referral = services.referral_start(actor=sw, kind="mash", child=child)
    assert referral.status == ReferralStatus.DRAFT
    # Pre-filled from the child's record and the referrer.
    assert referral.details["ethnicity"] == "white_british"
    assert referral.details["language"] == "English"
    assert referral.details["referrer_agency"] == "Testshire Children's Trust"
    with pytest.raises(ValidationError) as exc:
        services.referral_submit(actor=sw, referral=referral)
    assert "concern_summary" in exc.value.message_dict
    assert "child_views" in exc.value.message_dict
    services.referral_save_draft(actor=sw, referral=referral, details=mash_details())
    services.referral_submit(actor=sw, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.recipient_agency == users["mash_screener"].agency
    assert referral.due_at is not None and referral.due_at > timezone.now()
    submitted = [e for e in events(referral) if e.event == "referral.submitted"]
    assert len(submitted) == 1
    assert submitted[0].action == "disclosure"
    assert submitted[0].recipient == "Testshire Children's Trust"
    assert submitted[0].subject_id == child.pk
    assert Notification.objects.filter(
        recipient=users["mash_screener"], kind="referral.mash"
    ).exists()


def test_every_transition_is_audited_with_its_recipient(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    screener, sw = users["mash_screener"], users["social_worker"]
    acked = send("mash")
    services.referral_transition(actor=screener, referral=acked, action="acknowledge")
    services.referral_transition(actor=screener, referral=acked, action="accept")
    declined = send("mash")
    services.referral_transition(
        actor=screener, referral=declined, action="decline", reason="Already open to the MASH"
    )
    withdrawn = send("mash")
    services.referral_transition(
        actor=sw, referral=withdrawn, action="withdraw", reason="Sent in error"
    )
    expected = {
        acked.pk: ["referral.submitted", "referral.acknowledged", "referral.accepted"],
        declined.pk: ["referral.submitted", "referral.declined"],
        withdrawn.pk: ["referral.submitted", "referral.withdrawn"],
    }
    for referral in (acked, declined, withdrawn):
        rows = [e for e in events(referral) if e.action == "disclosure"]
        assert [e.event for e in rows] == expected[referral.pk]
        assert all(e.recipient for e in rows)
    by_screener = AuditEvent.objects.get(event="referral.declined")
    assert by_screener.recipient.startswith(str(sw))  # disclosed back to the referrer
    assert by_screener.details["referral_recipient"] == "Testshire Children's Trust"
    assert AuditEvent.objects.get(event="referral.withdrawn").recipient == (
        "Testshire Children's Trust"
    )
    declined.refresh_from_db()
    assert declined.decline_reason == "Already open to the MASH"
    assert declined.clock_stopped_at is not None


def test_declining_needs_a_reason(send: Callable[..., Referral], users: dict[str, Any]) -> None:
    referral = send("mash")
    with pytest.raises(ValidationError) as exc:
        services.referral_transition(
            actor=users["mash_screener"], referral=referral, action="decline", reason="  "
        )
    assert "reason" in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_only_the_right_side_may_act(
    send: Callable[..., Referral], users: dict[str, Any], outsider: Any
) -> None:
    referral = send("mash")
    for user in (users["social_worker"], users["practitioner"], outsider, users["ppu_coordinator"]):
        with pytest.raises(PermissionDenied):
            services.referral_transition(actor=user, referral=referral, action="accept")
    with pytest.raises(PermissionDenied):
        services.referral_transition(
            actor=users["mash_screener"], referral=referral, action="withdraw", reason="x"
        )
    services.referral_transition(actor=users["mash_screener"], referral=referral, action="accept")
    with pytest.raises(ValidationError):
        services.referral_transition(
            actor=users["mash_screener"], referral=referral, action="decline", reason="Too late"
        )


def test_nrm_only_from_first_responders(
    make_user: Callable[..., Any], users: dict[str, Any], child: Person
) -> None:
    teacher = make_user("social_worker", agency="school", username="school_sw")
    assert not teacher.agency.is_first_responder
    with pytest.raises(PermissionDenied):
        services.referral_start(actor=teacher, kind="nrm", child=child)
    with pytest.raises(PermissionDenied):
        services.referral_create(actor=teacher, kind="nrm", child=child, details=nrm_details())
    assert not Referral.objects.filter(kind="nrm").exists()
    referral = services.referral_create(
        actor=users["social_worker"], kind="nrm", child=child, details=nrm_details()
    )
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.recipient_agency is None
    assert referral.recipient_name == "Single Competent Authority (Home Office)"


def test_child_nrm_needs_no_consent_but_the_child_safeguarded_first(
    users: dict[str, Any], child: Person
) -> None:
    from cairn.referrals.payload import NrmForm

    assert not any("consent" in name for name in NrmForm.base_fields)
    assert next(iter(NrmForm.base_fields)) == "child_safeguarded"
    sw = users["social_worker"]
    with pytest.raises(ValidationError) as exc:
        services.referral_create(
            actor=sw, kind="nrm", child=child, details=nrm_details(child_safeguarded="no")
        )
    assert "safe first" in exc.value.message_dict["child_safeguarded"][0]
    referral = services.referral_create(actor=sw, kind="nrm", child=child, details=nrm_details())
    assert referral.details["child_safeguarded"] == "yes"
    assert "consent" not in " ".join(referral.details)


def test_nrm_prefilled_from_observations_and_concern(users: dict[str, Any], child: Person) -> None:
    sw = users["social_worker"]
    concern = concern_services.concern_create(
        actor=sw, data=complete_payload(child.pk, exploitation_types=["cse", "county_lines"])
    )
    referral = services.referral_start(actor=sw, kind="nrm", child=child, concern=concern)
    d = referral.details
    assert d["full_name"] == "Amber Testcase"
    assert d["date_of_birth"] == "2011-06-01"
    assert set(d["indicators"]) == {"getting_into_cars", "unexplained_items"}
    assert d["exploitation_types"] == ["criminal", "sexual"]
    assert d["account"].startswith("Seen getting into a silver car")
    assert d["fr_organisation"] == "Testshire Children's Trust"


def test_mash_prefilled_from_links_and_concern(
    users: dict[str, Any], child: Person, make_person: Callable[..., Person]
) -> None:
    sw = users["social_worker"]
    mum = make_person(given_name="Jo", family_name="Testcase", category="other")
    pole_services.link_record(
        actor=sw,
        from_entity_id=mum.pk,
        to_entity_id=child.pk,
        link_type=LinkType.PARENT,
        source_note="Told by the school",
    )
    home = pole_services.location_create(
        actor=sw, address_line_1="1 Example Row", town="Testtown", postcode="TE1 1ST"
    )
    pole_services.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=home.pk,
        link_type=LinkType.LIVES_AT,
        source_note="Home address",
    )
    concern = concern_services.concern_create(actor=sw, data=complete_payload(child.pk))
    referral = services.referral_start(actor=sw, kind="mash", child=child, concern=concern)
    d = referral.details
    assert "Jo Testcase" in d["parental_responsibility"]
    assert "1 Example Row" in d["child_address"]
    assert d["concern_summary"] == concern.narrative
    assert concern.reference in d["how_arose"]


def test_concern_about_another_child_is_refused(
    users: dict[str, Any], child: Person, make_person: Callable[..., Person]
) -> None:
    sw = users["social_worker"]
    other = make_person(given_name="Bea", family_name="Othercase")
    concern = concern_services.concern_create(actor=sw, data=complete_payload(other.pk))
    with pytest.raises(ValidationError):
        services.referral_start(actor=sw, kind="mash", child=child, concern=concern)


def test_mash_decision_s47_and_strategy_discussion(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    screener, sw = users["mash_screener"], users["social_worker"]
    referral = send("mash")
    with pytest.raises(PermissionDenied):
        services.mash_decision_record(actor=sw, referral=referral, outcome="s47", rationale="x")
    with pytest.raises(ValidationError) as exc:
        services.mash_decision_record(
            actor=screener, referral=referral, outcome="s47", rationale=""
        )
    assert "rationale" in exc.value.message_dict
    decision = services.mash_decision_record(
        actor=screener, referral=referral, outcome=MashOutcome.S47, rationale="Significant harm"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.clock_stopped_at is not None and decision.within_timescale
    assert not referral.is_overdue(timezone.now() + dt.timedelta(days=30))
    with pytest.raises(ValidationError):
        services.mash_decision_record(
            actor=screener, referral=referral, outcome="nfa", rationale="x"
        )
    with pytest.raises(ValidationError) as exc:
        services.strategy_discussion_record(
            actor=screener,
            referral=referral,
            held_on=timezone.localdate(),
            attendees=[{"agency": "Police", "names": "DS Example"}],
            decisions="",
            actions=[],
        )
    assert {"attendees", "decisions"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as before:  # a discussion cannot precede the decision
        services.strategy_discussion_record(
            actor=screener,
            referral=referral,
            held_on=timezone.localdate() - dt.timedelta(days=3),
            attendees=services.parse_attendees("Police: DS Example\nChildren's Trust: S Worker"),
            decisions="Single-agency s47 enquiry led by the Trust.",
            actions=[],
        )
    assert "on or after the MASH decision" in before.value.message_dict["held_on"][0]
    discussion = services.strategy_discussion_record(
        actor=screener,
        referral=referral,
        held_on=timezone.localdate(),
        attendees=services.parse_attendees("Police: DS Example\nChildren's Trust: S Worker"),
        decisions="Single-agency s47 enquiry led by the Trust.",
        actions=["Visit the child today (S Worker)", ""],
    )
    assert discussion.actions == ["Visit the child today (S Worker)"]
    assert [a["agency"] for a in discussion.attendees] == ["Police", "Children's Trust"]
    decided = AuditEvent.objects.get(event="referral.mash_decided")
    assert decided.action == "disclosure" and decided.recipient.startswith(str(sw))
    assert AuditEvent.objects.filter(event="referral.strategy_recorded").count() == 1
    assert Notification.objects.filter(recipient=sw, kind="referral.mash_decided").exists()


def test_strategy_discussion_only_after_s47(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send("mash")
    services.mash_decision_record(
        actor=users["mash_screener"], referral=referral, outcome="early_help", rationale="EH"
    )
    with pytest.raises(PermissionDenied):
        services.strategy_discussion_record(
            actor=users["mash_screener"],
            referral=referral,
            held_on=timezone.localdate(),
            attendees=[{"agency": "A", "names": "x"}, {"agency": "B", "names": "y"}],
            decisions="x",
            actions=[],
        )


def test_nrm_reference_and_grounds_decisions(
    send: Callable[..., Referral], users: dict[str, Any], outsider: Any
) -> None:
    sw = users["social_worker"]
    referral = send("nrm")
    with pytest.raises(PermissionDenied):
        services.nrm_reference_record(actor=outsider, referral=referral, reference="X")
    services.nrm_reference_record(actor=sw, referral=referral, reference="NRM-HO-123456")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.nrm_decision_record(
            actor=sw, referral=referral, stage="conclusive", outcome="positive", decided_on=today
        )
    services.nrm_decision_record(
        actor=sw, referral=referral, stage="reasonable", outcome="positive", decided_on=today
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.clock_stopped_at
    services.nrm_decision_record(
        actor=sw, referral=referral, stage="conclusive", outcome="positive", decided_on=today
    )
    assert [d.stage for d in selectors.nrm_decisions(referral)] == ["reasonable", "conclusive"]
    assert AuditEvent.objects.filter(event="referral.nrm_decided").count() == 2
    assert AuditEvent.objects.filter(event="referral.accepted", object_id=str(referral.pk)).exists()


def test_negative_reasonable_grounds_declines(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send("nrm")
    services.nrm_decision_record(
        actor=users["social_worker"],
        referral=referral,
        stage="reasonable",
        outcome="negative",
        decided_on=timezone.localdate(),
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason


def test_ppu_due_time_follows_the_childs_risk_level(
    send: Callable[..., Referral], users: dict[str, Any], child: Person
) -> None:
    ppu = users["ppu_coordinator"]
    unassessed = send("ppu")
    assert unassessed.assignee == ppu
    hours = (unassessed.due_at - unassessed.submitted_at).total_seconds() / 3600
    assert hours == services.PPU_ACK_HOURS_UNASSESSED
    concern = concern_services.concern_create(
        actor=users["social_worker"], data=complete_payload(child.pk)
    )
    concern_services.risk_decision_record(
        actor=users["social_worker"], concern=concern, level="significant", rationale="Serious"
    )
    urgent = send("ppu")
    assert (urgent.due_at - urgent.submitted_at) == dt.timedelta(hours=1)
    services.referral_transition(actor=ppu, referral=urgent, action="acknowledge")
    urgent.refresh_from_db()
    assert urgent.clock_stopped_at is not None and urgent.status == ReferralStatus.ACKNOWLEDGED


def test_timers_escalate_ppu_and_flag_overdue_once(
    send: Callable[..., Referral], users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    chair = users["hub_chair"]
    ppu = send("ppu")
    mash = send("mash")
    done = send("mash")
    services.mash_decision_record(
        actor=users["mash_screener"], referral=done, outcome="nfa", rationale="No role"
    )
    later = timezone.now() + dt.timedelta(days=10)
    assert services.referrals_run_timers(now=later) == {"flagged": 1, "escalated": 1}
    assert services.referrals_run_timers(now=later) == {"flagged": 0, "escalated": 0}
    assert Notification.objects.filter(recipient=chair, kind="referral.escalated").count() == 1
    assert (
        Notification.objects.filter(
            recipient=users["social_worker"], kind="referral.overdue"
        ).count()
        == 1
    )
    mash.refresh_from_db()
    ppu.refresh_from_db()
    assert mash.overdue_notified_at and ppu.escalated_at
    system = AuditEvent.objects.get(event="referral.escalated")
    assert system.details["referrals"] == [ppu.pk]


def test_command_runs_the_timers(send: Callable[..., Referral]) -> None:
    from io import StringIO

    from django.core.management import call_command

    send("ppu")
    out = StringIO()
    call_command("referrals_escalate", stdout=out)
    assert "escalated 0" in out.getvalue()


def test_pdf_is_a_disclosure_and_holds_the_fields(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    from weasyprint import HTML

    from cairn.referrals import documents

    referral = send("mash")
    pdf = services.referral_document(actor=users["mash_screener"], referral=referral)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    row = AuditEvent.objects.get(event="referral.pdf_downloaded")
    assert row.action == "disclosure" and "as a PDF" in row.recipient
    text = " ".join(
        box.text
        for page in HTML(string=documents.render_html(referral)).render().pages
        for box in page._page_box.descendants()
        if hasattr(box, "text")
    )
    text = " ".join(text.split())
    for expected in (
        "OFFICIAL-SENSITIVE",
        referral.reference,
        "Amber Testcase",
        "What is the concern?",
        "Seen getting into a silver car",
        "People with parental responsibility",
        "Where is the child now?",
        "At home with her mother",
    ):
        assert expected in text, expected


def test_nrm_export(send: Callable[..., Referral], users: dict[str, Any]) -> None:
    referral = send("nrm")
    data = services.nrm_export(actor=users["social_worker"], referral=referral)
    assert data["potential_victim"]["consent_required"] is False
    assert data["potential_victim"]["safeguarded"] is True
    assert data["exploitation"]["types"] == [{"code": "criminal", "label": "Criminal exploitation"}]
    assert data["exploitation"]["indicators"][0]["code"] == "getting_into_cars"
    assert data["first_responder"]["organisation"] == "Testshire Children's Trust"
    assert AuditEvent.objects.get(event="referral.exported").action == "disclosure"
    with pytest.raises(PermissionDenied):
        services.nrm_export(actor=users["mash_screener"], referral=referral)


def test_nrm_decisions_cannot_predate_the_referral_or_each_other(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    referral = send("nrm")
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=10)
    )
    referral.refresh_from_db()
    sent = timezone.localtime(referral.submitted_at).date()
    with pytest.raises(ValidationError) as early:
        services.nrm_decision_record(
            actor=sw,
            referral=referral,
            stage="reasonable",
            outcome="positive",
            decided_on=sent - dt.timedelta(days=1),
        )
    assert "on or after the referral was sent" in early.value.message_dict["decided_on"][0]
    services.nrm_decision_record(
        actor=sw, referral=referral, stage="reasonable", outcome="positive", decided_on=sent
    )
    with pytest.raises(ValidationError) as before_rg:
        services.nrm_decision_record(
            actor=sw,
            referral=referral,
            stage="conclusive",
            outcome="positive",
            decided_on=sent - dt.timedelta(days=2),
        )
    assert "reasonable-grounds decision" in " ".join(before_rg.value.message_dict["decided_on"])
