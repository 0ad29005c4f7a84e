"""Markers on a person, place or vehicle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.http import actor_of
from cairn.disruption.models import MarkerType
from cairn.disruption.services import markers

from ._common import TacticOut, _tactic_out

router = Router()


class MarkerIn(InputSchema):
    entity_id: int = Field(ge=1, le=MAX_ID)
    marker_type: MarkerType
    reason: str = Field(max_length=4000)
    review_on: dt.date


@router.post(
    "/disruption/markers",
    response={201: TacticOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_marker_add",
)
def marker_add(request: HttpRequest, payload: MarkerIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    marker = markers.marker_add(
        actor=actor,
        entity_id=payload.entity_id,
        marker_type=payload.marker_type,
        reason=payload.reason,
        review_on=payload.review_on,
    )
    return Status(201, _tactic_out(actor, marker.tactic))
