"""Police markers on a person, place or vehicle: add, review, remove; and requests for a
marker on a sighted vehicle, sent to the Hub's marker owners."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import AgencyKind, Role
from cairn.core.concurrency import Conflict, lock
from cairn.core.http import require
from cairn.core.types import Actor
from cairn.core.wording import place_phrase
from cairn.disruption.access import can_change_tactic, is_police_user
from cairn.disruption.models import (
    REMOVAL_REASON_MAX,
    Marker,
    MarkerRequest,
    MarkerRequestStatus,
    SubjectRole,
    TacticStatus,
    TacticType,
    VehicleSighting,
)
from cairn.notifications import services as notifications
from cairn.pole.access import access_entity_by_id
from cairn.pole.models import EntityKind

from . import tactics
from ._common import _audit, _day, _today, _who

ROLE_FOR_KIND = {
    EntityKind.LOCATION: SubjectRole.LOCATION,
    EntityKind.VEHICLE: SubjectRole.VEHICLE,
}


@transaction.atomic
def marker_add(
    *,
    actor: Actor,
    entity_id: int,
    marker_type: str,
    reason: str,
    review_on: dt.date,
) -> Marker:
    entity = access_entity_by_id(actor, entity_id)
    if entity.kind not in (EntityKind.PERSON, EntityKind.LOCATION, EntityKind.VEHICLE):
        raise ValidationError({"entity": "Markers go on a person, a location or a vehicle"})
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for the marker"
    if review_on is None:
        errors["review_on"] = "Enter a review date"
    if errors:
        raise ValidationError(errors)
    role = ROLE_FOR_KIND.get(EntityKind(entity.kind), SubjectRole.TARGET)
    person = getattr(entity, "person", None) if entity.kind == EntityKind.PERSON else None
    if person is not None and person.category == "child":
        role = SubjectRole.PROTECTED_CHILD
    tactic = tactics.tactic_create(
        actor=actor,
        tactic_type=TacticType.MARKER,
        title=f"Marker on {entity.label}",
        subjects=[(entity.pk, role)],
        status=TacticStatus.IN_PROGRESS,
        started_on=_today(),
        review_on=review_on,
        _audit_event=False,
    )
    marker = Marker(tactic=tactic, entity=entity, marker_type=marker_type, reason=reason.strip())
    marker.full_clean(exclude=["tactic"])
    marker.save()
    answered: list[int] = []
    if entity.kind == EntityKind.VEHICLE:
        # The marker answers any open request for one on this vehicle.
        requests = MarkerRequest.objects.select_for_update().filter(
            vehicle_id=entity.pk, status=MarkerRequestStatus.REQUESTED
        )
        answered = list(requests.values_list("pk", flat=True))
        MarkerRequest.objects.filter(pk__in=answered).update(status=MarkerRequestStatus.ADDED)
    _audit(
        actor,
        "marker.added",
        tactic,
        reason.strip()[:200],
        marker_type=marker_type,
        answered_requests=answered,
    )
    return marker


def _lock_active_marker(marker: Marker) -> None:
    lock(marker)
    if not marker.active:
        raise Conflict(
            f"This marker was already removed by {_who(marker.removed_by)}. "
            "Nothing has been changed."
        )


@transaction.atomic
def marker_review(
    *,
    actor: Actor,
    marker: Marker,
    next_review_on: dt.date,
    note: str,
    version: str | None = None,
) -> Marker:
    """The marker was reviewed and is still needed: set the next review date. `version` is
    the tactic's `version` when the form was shown: a review recorded since is refused,
    saying what the other person recorded, rather than silently replaced."""
    if not can_change_tactic(actor, marker.tactic):
        raise PermissionDenied("You cannot review this marker.")
    _lock_active_marker(marker)
    tactic = lock(marker.tactic)
    if version is not None and version != tactic.version:
        reviews = [line for line in tactic.notes.splitlines() if line.startswith("Reviewed ")]
        said = f" ({reviews[-1]})" if reviews else ""
        raise Conflict(
            "Someone else changed this marker while you were reviewing it: its next review "
            f"is now {_day(tactic.review_on)}{said}. Nothing has been changed; open it again "
            "to see their review."
        )
    errors: dict[str, str] = {}
    if next_review_on is None or next_review_on <= _today():
        errors["next_review_on"] = "Next review date must be in the future"
    if not note.strip():
        errors["note"] = "Say why the marker is still needed"
    if errors:
        raise ValidationError(errors)
    tactic.review_on = next_review_on
    tactic.notes = (tactic.notes + f"\nReviewed {_today():%-d %B %Y}: {note.strip()}").strip()
    tactic.save(update_fields=["review_on", "notes", "updated_at"])
    _audit(actor, "marker.reviewed", tactic, note.strip()[:200])
    return marker


@transaction.atomic
def marker_remove(*, actor: Actor, marker: Marker, reason: str) -> Marker:
    if not can_change_tactic(actor, marker.tactic):
        raise PermissionDenied("You cannot remove this marker.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for removing the marker"})
    if len(reason.strip()) > REMOVAL_REASON_MAX:
        raise ValidationError(
            {"reason": f"Reason must be {REMOVAL_REASON_MAX:,} characters or fewer"}
        )
    _lock_active_marker(marker)
    marker.removed_at = timezone.now()
    marker.removed_by = actor
    marker.removal_reason = reason.strip()
    marker.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    tactic = marker.tactic
    tactic.status = TacticStatus.DONE
    tactic.completed_on = _today()
    tactic.outcome = f"Removed: {reason.strip()}"
    tactic.review_on = None  # a removed marker is never reviewed again
    tactic.save(update_fields=["status", "completed_on", "outcome", "review_on", "updated_at"])
    _audit(actor, "marker.removed", tactic, reason.strip()[:200])
    return marker


def marker_owners() -> list[Any]:
    """Who decides on police markers: the Hub's FIB officers (police intelligence owns
    markers under MoPI), or its police PPU co-ordinators when there is no FIB officer."""

    police = User.objects.filter(is_active=True, agency__kind=AgencyKind.POLICE)
    owners = list(police.filter(role=Role.FIB_OFFICER).order_by("pk"))
    return owners or list(police.filter(role=Role.PPU_COORDINATOR).order_by("pk"))


@transaction.atomic
def marker_request_create(*, actor: Actor, sighting: VehicleSighting) -> MarkerRequest:
    """Ask the marker owners to put a marker on the sighted vehicle: a request in status
    "requested" and an inbox item for each owner. One request per sighting: the sighting
    row is locked, so a repeated or concurrent request returns the first."""
    require(actor, "disruption.add_tactic", agency=True)
    if not is_police_user(actor):
        raise PermissionDenied("Only police can request a marker.")
    locked = VehicleSighting.objects.select_for_update().get(pk=sighting.pk)
    existing = MarkerRequest.objects.filter(sighting=locked).first()
    if existing is not None:
        return existing
    request = MarkerRequest.objects.create(
        sighting=locked, vehicle_id=locked.vehicle_id, requested_by=actor
    )
    if not locked.marker_requested:
        locked.marker_requested = True
        locked.save(update_fields=["marker_requested"])
    vehicle_url = reverse("disruption:vehicle", args=[locked.vehicle_id])
    local = timezone.localtime(locked.seen_at)
    notifications.notify(
        sender=actor,
        recipients=marker_owners(),
        kind="disruption.marker_requested",
        title=f"Marker requested on vehicle {locked.registration_seen}",
        body=(
            f"{actor} asked for a marker on {locked.registration_seen} after it was seen "
            f"{place_phrase(locked.place)} on {local:%-d %B %Y at %H:%M}. Add the marker from the "
            "vehicle page."
        ),
        url=vehicle_url,
        obj=request,
    )
    _audit(
        actor,
        "marker.requested",
        locked.tactic,
        "Marker requested on a sighted vehicle",
        marker_request=request.pk,
        vehicle=locked.vehicle_id,
    )
    return request
