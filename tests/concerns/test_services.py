"""Concern services: drafts keep everything typed, submission creates observations and
POLE links, risk decisions need a rationale and respect local rules, rises notify the
PPU, recommended pathways not taken need a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.audit.models import AuditEvent
from cairn.concerns import payload, services
from cairn.concerns.models import ConcernStatus, IndicatorObservation, RiskDecision
from cairn.notifications.models import Notification
from cairn.pole.models import Link, Person, Vehicle

from .conftest import complete_payload

pytestmark = pytest.mark.django_db


def test_draft_keeps_invalid_input_and_reports_errors(users: dict[str, Any], child: Person) -> None:
    actor = users["social_worker"]
    concern = services.concern_start(actor=actor)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    errors = services.concern_save_draft(
        actor=actor,
        concern=concern,
        data={
            "narrative": "Typed text",
            "observed_on": future,
            "indicators": [{"code": "no_such_code", "observed_on": "2026-01-01"}],
        },
    )
    assert errors["observed_on"] == ["Date observed must be today or in the past"]
    assert errors["indicators.0.code"] == ["Unknown indicator code 'no_such_code'"]
    concern.refresh_from_db()
    assert concern.draft["narrative"] == "Typed text"
    assert concern.draft["observed_on"] == future
    assert AuditEvent.objects.filter(event="concern.draft_saved").count() == 1


def test_only_reporter_edits_draft(users: dict[str, Any]) -> None:
    concern = services.concern_start(actor=users["social_worker"])
    with pytest.raises(PermissionDenied):
        services.concern_save_draft(actor=users["mash_screener"], concern=concern, data={})


def test_submit_requires_complete_answers(users: dict[str, Any]) -> None:
    concern = services.concern_start(actor=users["social_worker"])
    with pytest.raises(ValidationError) as exc:
        services.concern_submit(actor=users["social_worker"], concern=concern)
    assert set(exc.value.message_dict) >= {
        "child_id",
        "observed_on",
        "narrative",
        "immediate_danger",
        "crime_disclosed",
    }


def test_submit_says_what_is_missing_in_the_order_of_the_steps(users: dict[str, Any]) -> None:
    concern = services.concern_start(actor=users["social_worker"])
    with pytest.raises(ValidationError) as exc:
        services.concern_submit(actor=users["social_worker"], concern=concern)
    assert exc.value.message_dict == {
        "child_id": ["Choose or add the child this concern is about"],
        "observed_on": ["Enter the date you observed this"],
        "narrative": ["Describe what you saw or were told"],
        "immediate_danger": ["Select yes if the child is in immediate danger"],
        "crime_disclosed": ["Select yes if the child or anyone else disclosed a crime"],
    }
    assert list(exc.value.message_dict)[-2:] == ["immediate_danger", "crime_disclosed"]


def test_a_draft_is_checked_with_the_step_pages_rules(users: dict[str, Any]) -> None:
    """The stored draft and the API body are bound to the forms the step pages use."""
    actor = users["social_worker"]
    concern = services.concern_start(actor=actor)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    errors = services.concern_save_draft(
        actor=actor,
        concern=concern,
        data={
            "observed_on": "2026-13-45",
            "observed_time": "14:30:00",
            "exploitation_model": "not_known",
            "boyfriend_stage": 2,
            "immediate_danger": True,
            "indicators": [{"code": "getting_into_cars", "observed_on": future}],
        },
    )
    assert errors == {
        "observed_on": ["Date observed must be a real date"],
        "indicators.0.observed_on": [
            "Date 'Getting into cars with unknown adults ('cruising')' was observed must be "
            "today or in the past"
        ],
    }
    concern.refresh_from_db()
    assert concern.draft["observed_on"] == "2026-13-45"  # kept as typed
    # A stage with another model is dropped, not an error (outside tester: the error could
    # only be cleared by choosing the boyfriend model again).
    assert (
        payload.clean(concern.draft, today=dt.date.today(), require_complete=False)[
            0
        ].boyfriend_stage
        is None
    )
    clean, errors = payload.clean(
        {"observed_time": "14:30:00", "immediate_danger": True, "crime_disclosed": "no"},
        today=dt.date.today(),
        require_complete=False,
    )
    assert errors == {}
    assert (clean.observed_time, clean.immediate_danger, clean.crime_disclosed) == (
        dt.time(14, 30),
        True,
        False,
    )


def test_submit_creates_observations_and_mentions(users: dict[str, Any], child: Person) -> None:
    actor = users["social_worker"]
    concern = services.concern_create(actor=actor, data=complete_payload(child.pk))
    assert concern.status == ConcernStatus.SUBMITTED
    assert IndicatorObservation.objects.filter(child=child).count() == 2
    assert Vehicle.objects.get().registration_key == "NM12XYZ"
    dean = Person.objects.get(given_name="Dean")
    assert dean.names.filter(given_name="Deano").exists()
    links = Link.objects.filter(from_entity_id=child.pk)
    assert {link.link_type for link in links} == {"seen_in_vehicle", "associate"}
    assert all(
        [(s.source_type, s.source_id) for s in link.sources.all()]
        == [("concerns.concern", str(concern.pk))]
        for link in links
    )
    assert AuditEvent.objects.filter(event="concern.submitted", subject_id=child.pk).exists()
    # Each detail keeps the record it became (an entry started from the concern offers
    # the people it names as its subject).
    records = {m["kind"]: m["record_id"] for m in concern.draft["mentions"]}
    assert records == {"person": dean.pk, "vehicle": Vehicle.objects.get().pk}


def test_a_concern_submitted_twice_adds_no_second_link(
    users: dict[str, Any], child: Person
) -> None:
    actor = users["social_worker"]
    first = services.concern_create(actor=actor, data=complete_payload(child.pk))
    second = services.concern_create(actor=actor, data=complete_payload(child.pk))
    vehicle = Vehicle.objects.get()
    # The vehicle is the same record, and the child seen in it is one fact with a source
    # for each concern (the person mentioned is made afresh each time: a new record).
    (link,) = Link.objects.filter(from_entity_id=child.pk, to_entity_id=vehicle.pk)
    assert sorted(s.source_id for s in link.sources.all()) == sorted(
        [str(first.pk), str(second.pk)]
    )


def test_mentioned_vehicle_reuses_existing_record(users: dict[str, Any], child: Person) -> None:
    from cairn.pole import services as pole

    existing = pole.vehicle_create(actor=users["social_worker"], registration="nm12xyz")
    services.concern_create(actor=users["social_worker"], data=complete_payload(child.pk))
    assert Vehicle.objects.count() == 1
    assert Link.objects.filter(to_entity_id=existing.pk).exists()


def test_concern_must_be_about_a_child(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    adult = make_person(given_name="Al", category="person_of_concern")
    with pytest.raises(ValidationError) as exc:
        services.concern_create(actor=users["social_worker"], data=complete_payload(adult.pk))
    assert "child_id" in exc.value.message_dict


def test_cannot_record_concern_about_invisible_child(
    users: dict[str, Any], make_user: Callable[..., Any], child: Person
) -> None:
    from django.http import Http404

    teacher = make_user("practitioner", agency="school", username="teacher")
    with pytest.raises(Http404):
        services.concern_create(actor=teacher, data=complete_payload(child.pk))


@pytest.mark.parametrize("role", ["system_admin", "ig_admin"])
def test_admins_cannot_start_concerns(role: str, users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.concern_start(actor=users[role])


def test_risk_decision_needs_rationale_and_records_suggestion(
    users: dict[str, Any], child: Person
) -> None:
    actor = users["social_worker"]
    concern = services.concern_create(actor=actor, data=complete_payload(child.pk))
    with pytest.raises(ValidationError) as exc:
        services.risk_decision_record(actor=actor, concern=concern, level="moderate", rationale=" ")
    assert "rationale" in exc.value.message_dict
    decision = services.risk_decision_record(
        actor=actor, concern=concern, level="moderate", rationale="Agree with the suggestion"
    )
    assert decision.suggested_level == "significant"
    assert decision.overridden
    assert any("significant indicators" in r for r in decision.suggested_reasons)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SCREENED


def test_local_rule_forbids_none_for_under_13(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    young = make_person(
        given_name="Tia", date_of_birth=dt.date.today() - dt.timedelta(days=365 * 11)
    )
    actor = users["social_worker"]
    concern = services.concern_create(actor=actor, data=complete_payload(young.pk))
    with pytest.raises(ValidationError) as exc:
        services.risk_decision_record(actor=actor, concern=concern, level="none", rationale="x")
    assert "under 13" in exc.value.message_dict["level"][0]


def test_significant_notifies_ppu_without_personal_data_in_email(
    users: dict[str, Any], child: Person
) -> None:
    ppu = users["ppu_coordinator"]
    ppu.email = "ppu@example.invalid"
    ppu.save()
    actor = users["social_worker"]
    concern = services.concern_create(actor=actor, data=complete_payload(child.pk))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        services.risk_decision_record(
            actor=actor, concern=concern, level="significant", rationale="Clear risk"
        )
    note = Notification.objects.get(recipient=ppu)
    assert concern.reference in note.title
    assert note.url == f"/concerns/{concern.pk}/"
    assert len(mail.outbox) == 1
    assert "Amber" not in mail.outbox[0].body and "Testcase" not in mail.outbox[0].body


def test_rise_in_level_notifies_and_steady_level_does_not(
    users: dict[str, Any], child: Person
) -> None:
    actor = users["social_worker"]
    first = services.concern_create(actor=actor, data=complete_payload(child.pk))
    services.risk_decision_record(
        actor=actor, concern=first, level="emerging", rationale="Early days"
    )
    assert Notification.objects.count() == 0
    second = services.concern_create(actor=actor, data=complete_payload(child.pk))
    services.risk_decision_record(
        actor=actor, concern=second, level="moderate", rationale="More signs"
    )
    assert Notification.objects.filter(kind="risk.raised").count() == 1
    assert RiskDecision.objects.filter(child=child).count() == 2


def test_pathways_recommended_not_taken_need_reason(users: dict[str, Any], child: Person) -> None:
    actor = users["social_worker"]
    concern = services.concern_create(actor=actor, data=complete_payload(child.pk))
    services.risk_decision_record(
        actor=actor, concern=concern, level="significant", rationale="Clear"
    )
    # Recommended: fib (mentions), ppu (cse), mash (significant).
    with pytest.raises(ValidationError) as exc:
        services.pathway_decisions_record(
            actor=actor,
            concern=concern,
            decisions={
                "fib": (True, ""),
                "ppu": (False, ""),
            },
        )
    assert exc.value.message_dict["ppu"] == ["Explain why you did not do this"]
    assert "mash" in exc.value.message_dict
    rows = services.pathway_decisions_record(
        actor=actor,
        concern=concern,
        decisions={
            "fib": (True, ""),
            "ppu": (True, "Phoned the co-ordinator"),
            "mash": (False, "Child already open to the Trust; social worker informed"),
        },
    )
    assert {r.code: r.recommended for r in rows} == {"fib": True, "ppu": True, "mash": True}
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.COMPLETE


def test_nrm_only_by_first_responder(
    users: dict[str, Any], child: Person, early_help_worker: Any
) -> None:
    from cairn.pole import services as pole

    pole.entity_share(
        actor=users["social_worker"],
        entity_id=child.pk,
        agency=early_help_worker.agency,
        reason="Early help involved",
    )
    data = complete_payload(
        child.pk,
        exploitation_types=["county_lines"],
        mentions=[],
        exploitation_model="gang",
        boyfriend_stage=None,
    )
    concern = services.concern_create(actor=early_help_worker, data=data)
    services.risk_decision_record(
        actor=early_help_worker, concern=concern, level="significant", rationale="Clear"
    )
    with pytest.raises(ValidationError) as exc:
        services.pathway_decisions_record(
            actor=early_help_worker,
            concern=concern,
            decisions={
                "mash": (True, ""),
                "nrm": (True, ""),
            },
        )
    assert "first-responder" in exc.value.message_dict["nrm"][0]
