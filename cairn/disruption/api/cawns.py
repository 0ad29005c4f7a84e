"""CAWNs: eligibility of a child, issue, service and breaches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.http import actor_of, require
from cairn.core.types import Actor
from cairn.disruption import selectors
from cairn.disruption.access import access_tactic_by_id
from cairn.disruption.models import AuthorisedBy, TacticType
from cairn.disruption.services import cawns
from cairn.pole.access import access_person_by_id, view_person

from ._common import SOURCE, Id, TacticOut, _tactic_out

router = Router()


class EligibilityOut(Schema):
    eligible: bool
    basis: str
    explanation: str
    alternative: str


class CawnIn(InputSchema):
    child_id: int = Field(ge=1, le=MAX_ID)
    person_of_concern_id: int = Field(ge=1, le=MAX_ID)
    authorised_by: AuthorisedBy
    authorised_by_name: str = Field(max_length=200)
    review_on: dt.date
    notes: str = Field("", max_length=4000)
    # Needed when the recipient's full name or date of birth is not recorded.
    recipient_description: str = Field("", max_length=4000)
    recipient_unknown_reason: str = Field("", max_length=4000)


class ServiceIn(InputSchema):
    served_by_name: str = Field(max_length=200)
    served_at: dt.datetime
    served_place: str = Field(max_length=300)
    copied_to_social_care_on: dt.date | None = None
    social_care_contact: str = Field("", max_length=200)


class BreachIn(InputSchema):
    occurred_on: dt.date
    evidence: str = Field(max_length=4000)


@router.get(
    "/disruption/cawn-eligibility/{person_id}",
    response={200: EligibilityOut, **error_responses(404)},
    operation_id="cairn_disruption_api_cawn_eligibility",
)
def cawn_eligibility(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    """Whether a CAWN can be issued for this child, and why (or the alternative)."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    person = view_person(
        actor, person_id, justification="CAWN eligibility checked through the API", source=SOURCE
    )
    result = selectors.cawn_check(person)
    return result.__dict__


@router.post(
    "/disruption/cawns",
    response={201: TacticOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_cawn_issue",
)
def cawn_issue(request: HttpRequest, payload: CawnIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    cawn = cawns.cawn_issue(
        actor=actor,
        child=access_person_by_id(actor, payload.child_id),
        person_of_concern=access_person_by_id(actor, payload.person_of_concern_id),
        authorised_by=payload.authorised_by,
        authorised_by_name=payload.authorised_by_name,
        review_on=payload.review_on,
        notes=payload.notes,
        recipient_description=payload.recipient_description,
        recipient_unknown_reason=payload.recipient_unknown_reason,
    )
    return Status(201, _tactic_out(actor, cawn.tactic))


def _cawn_of(actor: Actor, tactic_id: int) -> Any:
    tactic = access_tactic_by_id(actor, tactic_id)
    if tactic.tactic_type != TacticType.CAWN:
        raise Http404("No CAWN found.")
    return tactic.cawn


@router.post(
    "/disruption/cawns/{tactic_id}/service",
    response={201: TacticOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_cawn_service",
)
def cawn_service(request: HttpRequest, tactic_id: Id, payload: ServiceIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    cawn = _cawn_of(actor, tactic_id)
    cawns.cawn_record_service(actor=actor, cawn=cawn, **payload.model_dump())
    return Status(201, _tactic_out(actor, cawn.tactic))


@router.post(
    "/disruption/cawns/{tactic_id}/breaches",
    response={201: TacticOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_cawn_breach",
)
def cawn_breach(request: HttpRequest, tactic_id: Id, payload: BreachIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    cawn = _cawn_of(actor, tactic_id)
    cawns.cawn_breach_record(
        actor=actor, cawn=cawn, occurred_on=payload.occurred_on, evidence=payload.evidence
    )
    return Status(201, _tactic_out(actor, cawn.tactic))
