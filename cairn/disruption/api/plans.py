"""Disruption plans: list, read, create."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.types import Actor
from cairn.disruption import selectors
from cairn.disruption.access import view_plan, visible_plans
from cairn.disruption.models import DisruptionPlan
from cairn.disruption.services import plans
from cairn.pole.access import access_person_by_id

from ._common import SOURCE, Id, TacticSummaryOut, _summary

router = Router()


class PlanIn(InputSchema):
    person_of_concern_id: int = Field(ge=1, le=MAX_ID)
    objectives: str = Field(max_length=8000)
    review_on: dt.date
    tactic_ids: list[int] = Field(default_factory=list, max_length=100)


class PlanOut(Schema):
    id: int
    person_of_concern_id: int
    objectives: str
    review_on: dt.date
    owner: str
    owning_agency: str
    tactics: list[TacticSummaryOut]


class PlanPage(Page[PlanOut]):
    pass


def _plan_out(actor: Actor, plan: DisruptionPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "person_of_concern_id": plan.person_of_concern_id,
        "objectives": plan.objectives,
        "review_on": plan.review_on,
        "owner": str(plan.owner),
        "owning_agency": plan.owning_agency.name,
        "tactics": [_summary(t) for t in selectors.plan_tactics(actor, plan)],
    }


@router.get(
    "/disruption/plans",
    response={200: PlanPage, **error_responses(404)},
    operation_id="cairn_disruption_api_plan_list",
)
def plan_list(
    request: HttpRequest,
    person_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: PageNo = 1,
    page_size: int = page_size_query(100),
) -> dict[str, Any]:
    """Disruption plans you may see, optionally for one person of concern."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    qs = visible_plans(actor).select_related("owner", "owning_agency")
    if person_id is not None:
        qs = qs.filter(person_of_concern=access_person_by_id(actor, person_id))
    return paginate(
        qs.order_by("-updated_at", "-pk"),
        page,
        page_size,
        lambda p: _plan_out(actor, p),
        consult=lambda shown: selectors.consult_plans(actor, list(shown), person_id=person_id),
    )


@router.get(
    "/disruption/plans/{plan_id}",
    response={200: PlanOut, **error_responses(404)},
    operation_id="cairn_disruption_api_plan_detail",
)
def plan_detail(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    plan = view_plan(actor, plan_id, justification="Plan read through the API", source=SOURCE)
    return _plan_out(actor, plan)


@router.post(
    "/disruption/plans",
    response={201: PlanOut, **error_responses(404, 422)},
    operation_id="cairn_disruption_api_plan_create",
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    require(actor, "disruption.manage_plan")
    plan = plans.plan_save(
        actor=actor,
        person_of_concern=access_person_by_id(actor, payload.person_of_concern_id),
        objectives=payload.objectives,
        review_on=payload.review_on,
        tactic_ids=payload.tactic_ids,
    )
    return Status(201, _plan_out(actor, plan))
