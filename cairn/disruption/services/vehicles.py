"""Vehicle sightings: a vehicle report tactic for each sighting, with a marker request
when asked for."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core.types import Actor
from cairn.core.wording import place_phrase
from cairn.disruption.access import can_record_sighting
from cairn.disruption.models import SubjectRole, TacticStatus, TacticType, VehicleSighting
from cairn.pole import services as pole
from cairn.pole.access import access_entity_by_id, access_person_by_id
from cairn.pole.models import EntityKind, Location, Vehicle
from cairn.pole.selectors import find_visible_object

from . import markers, tactics
from ._common import _audit


@transaction.atomic
def sighting_record(
    *,
    actor: Actor,
    registration: str,
    seen_at: dt.datetime,
    place: str,
    occupants: str = "",
    direction: str = "",
    location_id: int | None = None,
    child_ids: list[int] | None = None,
    marker_requested: bool = False,
) -> VehicleSighting:
    """A sighting of a vehicle (found by registration among visible vehicles, or created),
    optionally at a known location and near named children. Only police users who may
    record tactics may record one (`can_record_sighting`), checked here before anything
    is looked up or created, whoever calls."""
    if not can_record_sighting(actor):
        raise PermissionDenied("Only police can record a vehicle sighting.")
    errors: dict[str, str] = {}
    if seen_at is None:
        errors["seen_at"] = "Enter when the vehicle was seen"
    elif seen_at > timezone.now():
        errors["seen_at"] = "The sighting must be in the past"
    if not place.strip():
        errors["place"] = "Enter where the vehicle was seen"
    if errors:
        raise ValidationError(errors)
    vehicle_id = find_visible_object(actor, "vehicle", {"registration": registration})
    if vehicle_id is None:
        vehicle = pole.vehicle_create(actor=actor, registration=registration, police_only=True)
    else:
        vehicle = Vehicle.objects.get(pk=vehicle_id)
    subjects: list[tuple[int, str]] = [(vehicle.pk, SubjectRole.VEHICLE)]
    location: Location | None = None
    if location_id:
        entity = access_entity_by_id(actor, location_id)
        if entity.kind != EntityKind.LOCATION:
            raise ValidationError({"location_id": "Choose a location"})
        location = entity.location
        subjects.append((entity.pk, SubjectRole.LOCATION))
    for child_id in child_ids or []:
        subjects.append((access_person_by_id(actor, child_id).pk, SubjectRole.PROTECTED_CHILD))
    local = timezone.localtime(seen_at)
    tactic = tactics.tactic_create(
        actor=actor,
        tactic_type=TacticType.VEHICLE_REPORT,
        title=f"{vehicle.registration_key} seen {place_phrase(place)}"[:200],
        subjects=subjects,
        status=TacticStatus.DONE,
        started_on=local.date(),
        completed_on=local.date(),
        outcome="Sighting recorded" + ("; marker requested" if marker_requested else ""),
        _audit_event=False,
    )
    sighting = VehicleSighting.objects.create(
        tactic=tactic,
        vehicle=vehicle,
        registration_seen=registration.strip().upper(),
        seen_at=seen_at,
        place=place.strip(),
        location=location,
        occupants=occupants.strip(),
        direction=direction.strip(),
        marker_requested=marker_requested,
    )
    _audit(actor, "sighting.recorded", tactic, "Vehicle sighting recorded")
    if marker_requested:
        markers.marker_request_create(actor=actor, sighting=sighting)
    return sighting
