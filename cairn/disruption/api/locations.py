"""Contextual Safeguarding location assessments and their actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from cairn.api_auth.schemas import InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.types import Actor
from cairn.disruption import selectors
from cairn.disruption.access import (
    access_location_action_by_id,
    can_change_assessment,
    visible_assessments,
)
from cairn.disruption.models import LocationAction, LocationAssessment
from cairn.disruption.services import assessments
from cairn.pole.access import access_entity_by_id
from cairn.pole.models import EntityKind

from ._common import SOURCE, Id

router = Router()


class LocationActionIn(InputSchema):
    description: str = Field(min_length=1, max_length=500)
    owner_name: str = Field(min_length=1, max_length=200)
    due_on: dt.date | None = None


class AssessmentIn(InputSchema):
    assessed_on: dt.date
    summary: str = Field(max_length=8000)
    actions: list[LocationActionIn] = Field(default_factory=list, max_length=50)


class ActionDoneIn(InputSchema):
    done_on: dt.date | None = Field(None, description="Today if not given")


class LocationActionOut(Schema):
    id: int
    description: str
    owner_name: str
    due_on: dt.date | None
    done_on: dt.date | None


class AssessmentOut(Schema):
    id: int
    location_id: int
    assessed_on: dt.date
    summary: str
    owning_agency: str
    can_change: bool
    actions: list[LocationActionOut]


class AssessmentPage(Page[AssessmentOut]):
    pass


def _location_entity(actor: Actor, entity_id: int) -> Any:
    require(actor, "disruption.view_tactic")
    entity = access_entity_by_id(actor, entity_id)
    if entity.kind != EntityKind.LOCATION:
        raise Http404("No location found.")
    return entity


def _assessment_out(actor: Actor, a: LocationAssessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "location_id": a.location_id,
        "assessed_on": a.assessed_on,
        "summary": a.summary,
        "owning_agency": a.owning_agency.short_name or a.owning_agency.name,
        "can_change": can_change_assessment(actor, a),
        "actions": [
            {
                "id": x.pk,
                "description": x.description,
                "owner_name": x.owner_name,
                "due_on": x.due_on,
                "done_on": x.done_on,
            }
            for x in a.actions.all()
        ],
    }


@router.get(
    "/disruption/locations/{entity_id}/assessments",
    response={200: AssessmentPage, **error_responses(404)},
    operation_id="cairn_disruption_api_assessment_list",
)
def assessment_list(
    request: HttpRequest,
    entity_id: Id,
    page: PageNo = 1,
    page_size: int = page_size_query(100),
) -> dict[str, Any]:
    """The Contextual Safeguarding assessments of a place you may see, newest first, with
    their actions."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    entity = selectors.view_profile(
        actor,
        entity_id,
        kind=EntityKind.LOCATION,
        justification="Location assessments read through the API",
        source=SOURCE,
    )
    return paginate(
        visible_assessments(actor)
        .filter(location_id=entity.pk)
        .select_related("owning_agency")
        .prefetch_related("actions"),
        page,
        page_size,
        lambda a: _assessment_out(actor, a),
    )


@router.post(
    "/disruption/locations/{entity_id}/assessments",
    response={201: AssessmentOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_assessment_create",
)
def assessment_create(
    request: HttpRequest, entity_id: Id, payload: AssessmentIn
) -> Status[dict[str, Any]]:
    """Record an assessment of a place, with its actions."""
    actor = actor_of(request)
    entity = _location_entity(actor, entity_id)
    assessment = assessments.assessment_record(
        actor=actor,
        location_entity_id=entity.pk,
        assessed_on=payload.assessed_on,
        summary=payload.summary,
        actions=[(a.description, a.owner_name, a.due_on) for a in payload.actions],
    )
    return Status(201, _assessment_out(actor, assessment))


@router.post(
    "/disruption/location-actions/{action_id}/done",
    response={200: LocationActionOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_location_action_done",
)
def location_action_done(
    request: HttpRequest, action_id: Id, payload: ActionDoneIn
) -> dict[str, Any]:
    """Mark an action of a location assessment done (who recorded it, its agency, or a
    Hub-wide role)."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    action = access_location_action_by_id(actor, action_id)
    action = assessments.location_action_complete(
        actor=actor, action=action, done_on=payload.done_on
    )
    return _action_out(action)


@router.post(
    "/disruption/location-actions/{action_id}/reopen",
    response={200: LocationActionOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_location_action_reopen",
)
def location_action_reopen(request: HttpRequest, action_id: Id) -> dict[str, Any]:
    """Reopen an action marked done by mistake."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    action = access_location_action_by_id(actor, action_id)
    return _action_out(assessments.location_action_reopen(actor=actor, action=action))


def _action_out(x: LocationAction) -> dict[str, Any]:
    return {
        "id": x.pk,
        "description": x.description,
        "owner_name": x.owner_name,
        "due_on": x.due_on,
        "done_on": x.done_on,
    }
