"""Disruption services: CAWN issue, service and breaches; markers; orders (s116 limit);
warrants; sightings; plans; location assessments. Each write is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.disruption import selectors
from cairn.disruption.models import (
    CawnBreach,
    Tactic,
    TacticStatus,
    TacticType,
    VehicleSighting,
)
from cairn.disruption.services import assessments, cawns, markers, plans, tactics, vehicles
from cairn.pole.models import Person, Vehicle

from .conftest import future, past

pytestmark = pytest.mark.django_db


def issue(ppu: Any, child: Person, poc: Person, **kw: Any) -> Any:
    data = {
        "authorised_by": "parent",
        "authorised_by_name": "Pat Testcase",
        "review_on": future(90),
    }
    data.update(kw)
    return cawns.cawn_issue(actor=ppu, child=child, person_of_concern=poc, **data)


def test_cawn_issue_for_an_eligible_child(ppu: Any, child: Person, poc: Person) -> None:
    cawn = issue(ppu, child, poc)
    tactic = cawn.tactic
    assert tactic.tactic_type == TacticType.CAWN
    assert tactic.police_only is True
    assert tactic.status == TacticStatus.PLANNED
    assert cawn.basis == "under_16"
    assert "Child Abduction Act 1984" in tactic.legal_basis
    roles = {(s.entity_id, s.role) for s in tactic.subjects.all()}
    assert roles == {(child.pk, "protected_child"), (poc.pk, "target")}
    event = AuditEvent.objects.get(event="cawn.issued")
    assert event.subject_id == child.pk


def test_cawn_for_an_ineligible_child_explains_and_offers_the_letter(
    ppu: Any, older_child: Person, poc: Person
) -> None:
    with pytest.raises(ValidationError) as exc:
        issue(ppu, older_child, poc)
    message = exc.value.message_dict["child"][0]
    assert "Not eligible: the child is 16" in message
    assert "warning letter" in message
    assert not Tactic.objects.exists()


def test_cawn_for_a_16_year_old_on_a_care_order_is_allowed(
    ppu: Any, make_person: Any, poc: Person
) -> None:
    from .conftest import years_ago

    looked_after = make_person(
        given_name="Kit", date_of_birth=years_ago(16), looked_after="care_order"
    )
    cawn = issue(ppu, looked_after, poc, authorised_by="local_authority")
    assert cawn.basis == "care_order"


def test_cawn_needs_police(users: dict[str, Any], child: Person, poc: Person) -> None:
    with pytest.raises(Exception) as exc:
        issue(users["social_worker"], child, poc)
    # The social worker may not even see the police-owned person of concern, or may not
    # record a police tactic: both refuse.
    assert exc.type in (PermissionDenied, type(exc.value)) and not Tactic.objects.exists()


def test_cawn_needs_a_future_review_date(ppu: Any, child: Person, poc: Person) -> None:
    with pytest.raises(ValidationError) as exc:
        issue(ppu, child, poc, review_on=past(1), authorised_by_name=" ")
    assert set(exc.value.message_dict) == {"review_on", "authorised_by_name"}


def test_service_then_breach(ppu: Any, child: Person, poc: Person) -> None:
    cawn = issue(ppu, child, poc)
    with pytest.raises(ValidationError):
        cawns.cawn_breach_record(actor=ppu, cawn=cawn, occurred_on=past(0), evidence="Seen")
    served_at = timezone.now() - dt.timedelta(days=3)
    cawns.cawn_record_service(
        actor=ppu,
        cawn=cawn,
        served_by_name="PC Example",
        served_at=served_at,
        served_place="Testshire police station",
        copied_to_social_care_on=past(2),
    )
    cawn.refresh_from_db()
    assert cawn.served and cawn.tactic.status == TacticStatus.IN_PROGRESS
    with pytest.raises(ValidationError) as exc:
        cawns.cawn_breach_record(actor=ppu, cawn=cawn, occurred_on=past(10), evidence="x")
    assert "on or after the date the notice was served" in exc.value.messages[0]
    cawns.cawn_breach_record(
        actor=ppu, cawn=cawn, occurred_on=past(1), evidence="Seen together at the parade"
    )
    assert CawnBreach.objects.filter(cawn=cawn).count() == 1
    assert AuditEvent.objects.filter(event="cawn.breach_recorded").count() == 1
    served = AuditEvent.objects.get(event="cawn.served")
    assert served.recipient == "Children's social care"


def test_service_in_the_future_is_refused(ppu: Any, child: Person, poc: Person) -> None:
    cawn = issue(ppu, child, poc)
    with pytest.raises(ValidationError) as exc:
        cawns.cawn_record_service(
            actor=ppu,
            cawn=cawn,
            served_by_name="PC Example",
            served_at=timezone.now() + dt.timedelta(days=1),
            served_place="Station",
        )
    assert "served_at" in exc.value.message_dict


def test_marker_add_review_and_remove(ppu: Any, poc: Person) -> None:
    marker = markers.marker_add(
        actor=ppu, entity_id=poc.pk, marker_type="cse", reason="CSE risk", review_on=future(30)
    )
    assert marker.tactic.status == TacticStatus.IN_PROGRESS
    assert marker.tactic.subjects.get().role == "target"
    markers.marker_review(actor=ppu, marker=marker, next_review_on=future(120), note="Still")
    marker.tactic.refresh_from_db()
    assert marker.tactic.review_on == future(120)
    with pytest.raises(ValidationError):
        markers.marker_remove(actor=ppu, marker=marker, reason=" ")
    markers.marker_remove(actor=ppu, marker=marker, reason="No longer needed")
    marker.refresh_from_db()
    assert not marker.active and marker.tactic.status == TacticStatus.DONE
    assert [
        e.event
        for e in AuditEvent.objects.filter(event__startswith="marker.").order_by("chain_index")
    ] == [
        "marker.added",
        "marker.reviewed",
        "marker.removed",
    ]


def test_marker_on_a_child_protects_them(ppu: Any, child: Person) -> None:
    marker = markers.marker_add(
        actor=ppu, entity_id=child.pk, marker_type="vulnerable", reason="R", review_on=future()
    )
    assert marker.tactic.subjects.get().role == "protected_child"


def order(actor: Any, entity_id: int, tactic_type: str, **detail: Any) -> Tactic:
    return tactics.tactic_create(
        actor=actor,
        tactic_type=tactic_type,
        title="Order",
        subjects=[(entity_id, "location")],
        detail=detail,
    )


def test_hotel_notice_lasts_at_most_six_months(ppu: Any, location: Any) -> None:
    start = dt.date(2026, 1, 31)
    with pytest.raises(ValidationError) as exc:
        order(ppu, location.pk, "hotel_notice", starts_on=start, expires_on=dt.date(2026, 8, 1))
    assert "at most 6 months" in exc.value.message_dict["expires_on"][0]
    with pytest.raises(ValidationError):
        order(ppu, location.pk, "hotel_notice", starts_on=start)
    ok = order(ppu, location.pk, "hotel_notice", starts_on=start, expires_on=dt.date(2026, 7, 31))
    assert ok.order.expires_on == dt.date(2026, 7, 31)
    assert "s116" in ok.legal_basis


def test_other_orders_may_run_longer(ppu: Any, location: Any) -> None:
    closure = order(
        ppu,
        location.pk,
        "closure_order",
        starts_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2027, 1, 1),
    )
    assert closure.order.expires_on.year == 2027


def test_drugs_warrant_dates_must_be_in_order(ppu: Any, location: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        tactics.tactic_create(
            actor=ppu,
            tactic_type="drugs_warrant",
            title="Warrant",
            subjects=[(location.pk, "location")],
            detail={"address": "1 Example Parade", "applied_on": past(1), "granted_on": past(5)},
        )
    assert "granted_on" in exc.value.message_dict


def test_done_needs_an_outcome(ppu: Any, location: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        tactics.tactic_create(
            actor=ppu,
            tactic_type="enforcement_visit",
            title="Visit",
            status="done",
            subjects=[(location.pk, "location")],
            detail={"premises": "Takeaway", "visited_on": past(1)},
        )
    assert "outcome" in exc.value.message_dict


def test_non_police_cannot_record_police_tactics_but_can_record_orders(
    users: dict[str, Any], make_person: Any
) -> None:
    sw = users["social_worker"]
    adult = make_person(given_name="Lee", category="person_of_concern", actor=sw)
    with pytest.raises(PermissionDenied):
        tactics.tactic_create(
            actor=sw, tactic_type="drugs_warrant", title="W", subjects=[(adult.pk, "target")]
        )
    cpn = tactics.tactic_create(
        actor=sw, tactic_type="cpn", title="CPN", subjects=[(adult.pk, "target")]
    )
    assert cpn.police_only is False


def test_subjects_must_be_visible(users: dict[str, Any], ppu: Any) -> None:
    from cairn.pole import services as pole_services

    hidden = pole_services.person_create(
        actor=ppu, given_name="Secret", category="person_of_concern", police_only=True
    )
    with pytest.raises(Exception) as exc:
        tactics.tactic_create(
            actor=users["social_worker"],
            tactic_type="cpn",
            title="CPN",
            subjects=[(hidden.pk, "target")],
        )
    assert exc.typename == "Http404"


def test_sightings_reuse_the_vehicle_and_group_near_children(
    ppu: Any, child: Person, location: Any
) -> None:
    seen = timezone.now() - dt.timedelta(days=2)
    first = vehicles.sighting_record(
        actor=ppu,
        registration="ab12 cde",
        seen_at=seen,
        place="Outside the school",
        child_ids=[child.pk],
        location_id=location.pk,
    )
    second = vehicles.sighting_record(
        actor=ppu,
        registration="AB12CDE",
        seen_at=seen + dt.timedelta(hours=5),
        place="Example Parade",
        occupants="Two adult men",
        direction="North",
        child_ids=[child.pk],
        marker_requested=True,
    )
    vehicles.sighting_record(actor=ppu, registration="XY99 ZZZ", seen_at=seen, place="Park")
    assert first.vehicle_id == second.vehicle_id
    groups = selectors.repeated_sightings_near_children(ppu)
    assert len(groups) == 1
    assert groups[0].vehicle_label == "AB12CDE"
    assert [s.pk for s in groups[0].sightings] == [second.pk, first.pk]
    assert [c.pk for c in groups[0].children] == [child.pk]
    profile = selectors.location_profile(ppu, location.entity)
    assert [s.pk for s in profile.sightings] == [first.pk]


@pytest.mark.parametrize("role", ["fib_officer", "ppu_coordinator"])
def test_police_who_record_tactics_may_record_a_sighting(role: str, users: dict[str, Any]) -> None:
    seen = timezone.now() - dt.timedelta(hours=3)
    sighting = vehicles.sighting_record(
        actor=users[role], registration="AB12 CDE", seen_at=seen, place="Example Parade"
    )
    assert sighting.tactic.police_only
    assert AuditEvent.objects.filter(event="sighting.recorded", actor=users[role]).exists()


@pytest.mark.parametrize(
    "role",
    [
        "social_worker",  # records tactics, but is not police
        "practitioner",
        "mash_screener",
        "analyst",  # police, but does not record tactics
        "ig_admin",
        "system_admin",
    ],
)
def test_sighting_record_checks_who_may_record_one_itself(role: str, users: dict[str, Any]) -> None:
    """The service refuses, whoever calls it (not only the page), before it reads the
    answers or looks anything up: a bad date or a child out of sight makes no difference,
    and nothing is created."""
    now = timezone.now()
    # A valid sighting; then a sighting in the future near a child nobody may see.
    attempts = ((now - dt.timedelta(hours=3), []), (now + dt.timedelta(days=1), [9]))
    for seen_at, child_ids in attempts:
        with pytest.raises(PermissionDenied, match="Only police can record a vehicle sighting"):
            vehicles.sighting_record(
                actor=users[role],
                registration="AB12 CDE",
                seen_at=seen_at,
                place="Example Parade",
                child_ids=child_ids,
            )
    assert not VehicleSighting.objects.exists()
    assert not Vehicle.objects.exists()
    assert not AuditEvent.objects.filter(event__in=["sighting.recorded", "entity.created"]).exists()


def test_plan_with_tactics(ppu: Any, child: Person, poc: Person) -> None:
    cawn = issue(ppu, child, poc)
    plan = plans.plan_save(
        actor=ppu,
        person_of_concern=poc,
        objectives="Stop contact with children",
        review_on=future(60),
        tactic_ids=[cawn.tactic_id],
    )
    assert list(plan.tactics.all()) == [cawn.tactic]
    assert selectors.plans_for_person(ppu, poc) == [plan]
    with pytest.raises(ValidationError):
        plans.plan_save(
            actor=ppu, person_of_concern=poc, objectives="x", review_on=past(1), plan=plan
        )


def test_plan_needs_the_permission(users: dict[str, Any], poc: Person) -> None:
    with pytest.raises(PermissionDenied):
        plans.plan_save(
            actor=users["practitioner"],
            person_of_concern=poc,
            objectives="x",
            review_on=future(),
        )


def test_location_assessment_with_actions(ppu: Any, location: Any) -> None:
    assessment = assessments.assessment_record(
        actor=ppu,
        location_entity_id=location.pk,
        assessed_on=past(1),
        summary="Young people gather late; staff give free food.",
        actions=[("Licensing visit", "Licensing team", future(14)), ("", "", None)],
    )
    assert [a.description for a in assessment.actions.all()] == ["Licensing visit"]
    assert selectors.location_profile(ppu, location.entity).assessments == [assessment]


def test_tactic_update_sets_completion(ppu: Any, location: Any) -> None:
    tactic = order(ppu, location.pk, "dispersal")
    tactics.tactic_update(actor=ppu, tactic=tactic, status="done", outcome="Group dispersed")
    tactic.refresh_from_db()
    assert tactic.completed_on == timezone.localdate()
    assert AuditEvent.objects.filter(event="tactic.changed").exists()


def test_intelligence_and_concern_counts_come_from_visible_sourced_links(
    ppu: Any, poc: Person, location: Any, users: dict[str, Any]
) -> None:
    from cairn.pole import services as pole_services

    for source_type, source_id in [
        ("intelligence.submission", "1"),
        ("intelligence.submission", "2"),
        ("concerns.concern", "7"),
    ]:
        pole_services.link_record(
            actor=ppu,
            from_entity_id=poc.pk,
            to_entity_id=location.pk,
            link_type="frequents",
            source_type=source_type,
            source_id=source_id,
        )
    assert selectors.intelligence_count(ppu, poc) == 2
    profile = selectors.location_profile(ppu, location.entity)
    assert profile.intelligence_count == 2
    assert profile.concern_count == 1
    # One fact (the person frequents the place) with its three sources.
    assert profile.people_linked == 1
    # Someone who may not see the links sees no count from them.
    assert selectors.intelligence_count(users["practitioner"], poc) == 0
