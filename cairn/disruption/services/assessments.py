"""Contextual Safeguarding location assessments and their actions (done, or reopened)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cairn.audit import services as audit
from cairn.core.concurrency import Conflict, lock
from cairn.core.http import require
from cairn.core.types import Actor
from cairn.disruption.access import can_change_assessment
from cairn.disruption.models import LocationAction, LocationAssessment
from cairn.pole.access import access_entity_by_id
from cairn.pole.models import EntityKind

from ._common import _today


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    location_entity_id: int,
    assessed_on: dt.date,
    summary: str,
    actions: list[tuple[str, str, dt.date | None]],
) -> LocationAssessment:
    """A Contextual Safeguarding location assessment with its actions
    ((description, who, due date))."""
    require(actor, "disruption.add_tactic", agency=True)
    entity = access_entity_by_id(actor, location_entity_id)
    if entity.kind != EntityKind.LOCATION:
        raise ValidationError({"location": "Choose a location"})
    errors: dict[str, str] = {}
    if assessed_on is None or assessed_on > _today():
        errors["assessed_on"] = "Date of the assessment must be today or in the past"
    if not summary.strip():
        errors["summary"] = "Enter what the assessment found"
    if errors:
        raise ValidationError(errors)
    assert actor.agency is not None  # refused above (require, agency=True) otherwise
    assessment = LocationAssessment.objects.create(
        location=entity.location,
        assessed_on=assessed_on,
        summary=summary.strip(),
        assessed_by=actor,
        owning_agency=actor.agency,
        police_only=False,
    )
    LocationAction.objects.bulk_create(
        LocationAction(
            assessment=assessment, description=desc.strip(), owner_name=who.strip(), due_on=due
        )
        for desc, who, due in actions
        if desc.strip()
    )
    audit.record(
        actor=actor,
        event="location_assessment.recorded",
        obj=assessment,
        justification="Location assessment recorded",
        details={"location": entity.pk, "actions": len(actions)},
    )
    return assessment


def _location_action_audit(actor: Actor, event: str, action: LocationAction, why: str) -> None:
    audit.record(
        actor=actor,
        event=event,
        obj=action.assessment,
        justification=why,
        details={
            "action": action.pk,
            "location": action.assessment.location_id,
            "done_on": action.done_on.isoformat() if action.done_on else None,
        },
    )


@transaction.atomic
def location_action_complete(
    *, actor: Actor, action: LocationAction, done_on: dt.date | None = None
) -> LocationAction:
    """Mark an action of a location assessment done (today unless `done_on` is given)."""
    if not can_change_assessment(actor, action.assessment):
        raise PermissionDenied("You cannot change this location assessment.")
    done_on = done_on or _today()
    if done_on > _today():
        raise ValidationError({"done_on": "The date it was done must be today or in the past"})
    if done_on < action.assessment.assessed_on:
        raise ValidationError(
            {"done_on": "The date it was done must be on or after the date of the assessment"}
        )
    lock(action)
    if action.done_on is not None:
        raise Conflict(f"This action was already marked as done ({action.done_on:%-d %B %Y}).")
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    _location_action_audit(actor, "location_action.done", action, "Location action done")
    return action


@transaction.atomic
def location_action_reopen(*, actor: Actor, action: LocationAction) -> LocationAction:
    """Reopen an action marked done by mistake (or that needs doing again)."""
    if not can_change_assessment(actor, action.assessment):
        raise PermissionDenied("You cannot change this location assessment.")
    lock(action)
    if action.done_on is None:
        raise Conflict("This action has already been reopened: it is not done.")
    action.done_on = None
    action.save(update_fields=["done_on"])
    _location_action_audit(actor, "location_action.reopened", action, "Location action reopened")
    return action
