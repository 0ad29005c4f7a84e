"""Tactics: list (optionally of one type, status or record), overdue reviews, read one,
record one (other than a CAWN or marker, which have their own endpoints)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.disruption import selectors
from cairn.disruption.access import view_tactic
from cairn.disruption.models import SubjectRole, TacticStatus, TacticType
from cairn.disruption.services import tactics
from cairn.pole.access import access_entity_by_id

from ._common import SOURCE, Id, TacticOut, TacticSummaryOut, _summary, _tactic_out

router = Router()


class TacticPage(Page[TacticSummaryOut]):
    pass


class SubjectIn(InputSchema):
    entity_id: int = Field(ge=1, le=MAX_ID)
    role: SubjectRole


class TacticIn(InputSchema):
    tactic_type: TacticType
    title: str = Field(max_length=200)
    subjects: list[SubjectIn] = Field(max_length=20)
    legal_basis: str = Field("", max_length=300)
    status: TacticStatus = TacticStatus.PLANNED
    planned_on: dt.date | None = None
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    review_on: dt.date | None = None
    outcome: str = Field("", max_length=4000)
    notes: str = Field("", max_length=4000)
    detail: dict[str, Any] = Field(
        default_factory=dict,
        description="Type-specific fields, e.g. address/applied_on/granted_on/executed_on/"
        "result for a drugs warrant; starts_on/expires_on/court_or_authority/conditions "
        "for an order; premises/visited_on/found for a visit; person_id/checked_on/result/"
        "referred_to_immigration_enforcement/referred_on for an immigration check.",
    )


@router.get(
    "/disruption/tactics",
    response={200: TacticPage, **error_responses(404)},
    operation_id="cairn_disruption_api_tactic_list",
)
def tactic_list(
    request: HttpRequest,
    tactic_type: TacticType | None = None,
    status: TacticStatus | None = None,
    entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Tactics you may see, newest first; optionally of one type, status or record."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    qs = selectors.tactic_list(actor, tactic_type=tactic_type, status=status)
    if entity_id is not None:
        access_entity_by_id(actor, entity_id)
        qs = qs.filter(subjects__entity_id=entity_id).distinct()
    return paginate(
        qs,
        page,
        page_size,
        _summary,
        consult=lambda shown: selectors.consult_tactics(
            actor,
            shown,
            justification="Tactics listed through the API",
            details={"page": shown.number, "type": tactic_type, "entity": entity_id},
        ),
    )


@router.get(
    "/disruption/reviews/overdue",
    response={200: TacticPage, **error_responses()},
    operation_id="cairn_disruption_api_overdue",
)
def overdue(
    request: HttpRequest, page: PageNo = 1, page_size: int = page_size_query(100)
) -> dict[str, Any]:
    """Open tactics you may see whose review date has passed, oldest first."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    return paginate(
        selectors.overdue_reviews(actor),
        page,
        page_size,
        _summary,
        consult=lambda shown: selectors.consult_tactics(
            actor, shown, justification="Overdue reviews listed through the API"
        ),
    )


@router.get(
    "/disruption/tactics/{tactic_id}",
    response={200: TacticOut, **error_responses(404)},
    operation_id="cairn_disruption_api_tactic_detail",
)
def tactic_detail(request: HttpRequest, tactic_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    tactic = view_tactic(
        actor, tactic_id, justification="Tactic read through the API", source=SOURCE
    )
    return _tactic_out(actor, tactic)


@router.post(
    "/disruption/tactics",
    response={201: TacticOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_tactic_create",
)
def tactic_create(request: HttpRequest, payload: TacticIn) -> Status[dict[str, Any]]:
    """Record a tactic (other than a CAWN or marker, which have their own endpoints)."""
    actor = actor_of(request)
    if payload.tactic_type in (TacticType.CAWN, TacticType.MARKER):
        raise ValidationError({"tactic_type": "Use the CAWN or marker endpoint"})
    # The service checks the type-specific fields (dates, text, person id) for both the
    # web form and this body.
    detail = dict(payload.detail)
    tactic = tactics.tactic_create(
        actor=actor,
        tactic_type=payload.tactic_type,
        title=payload.title,
        subjects=[(s.entity_id, s.role) for s in payload.subjects],
        legal_basis=payload.legal_basis,
        status=payload.status,
        planned_on=payload.planned_on,
        started_on=payload.started_on,
        completed_on=payload.completed_on,
        review_on=payload.review_on,
        outcome=payload.outcome,
        notes=payload.notes,
        detail=detail,
    )
    return Status(201, _tactic_out(actor, tactic))
