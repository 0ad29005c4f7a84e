"""Disruption API: tactics (list, read, record), CAWN eligibility, issue, service and
breaches, markers, overdue reviews, disruption plans and Contextual Safeguarding location
assessments with their actions. Scoped by the access layer:
records you may not see and records that do not exist both give 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.http import actor_of, require
from cairn.core.types import Actor
from cairn.pole.access import access_entity_by_id, access_person_by_id, view_person
from cairn.pole.models import EntityKind

from . import selectors, services
from .access import (
    access_location_action_by_id,
    access_tactic_by_id,
    can_change_assessment,
    view_plan,
    view_tactic,
    visible_assessments,
    visible_plans,
)
from .models import (
    AuthorisedBy,
    DisruptionPlan,
    LocationAction,
    LocationAssessment,
    MarkerType,
    SubjectRole,
    Tactic,
    TacticStatus,
    TacticType,
)

router = Router(tags=["disruption"])
SOURCE = "api"
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class SubjectIn(InputSchema):
    entity_id: int = Field(ge=1, le=MAX_ID)
    role: SubjectRole


class SubjectOut(Schema):
    entity_id: int
    kind: str
    label: str
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


class TacticSummaryOut(Schema):
    id: int
    reference: str
    tactic_type: TacticType
    title: str
    status: TacticStatus
    police_only: bool
    owning_agency: str
    review_on: dt.date | None
    overdue: bool


class TacticOut(TacticSummaryOut):
    legal_basis: str
    owner: str
    planned_on: dt.date | None
    started_on: dt.date | None
    completed_on: dt.date | None
    outcome: str
    subjects: list[SubjectOut]
    detail: dict[str, Any]


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


class MarkerIn(InputSchema):
    entity_id: int = Field(ge=1, le=MAX_ID)
    marker_type: MarkerType
    reason: str = Field(max_length=4000)
    review_on: dt.date


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


def _summary(t: Tactic) -> dict[str, Any]:
    return {
        "id": t.pk,
        "reference": t.reference,
        "tactic_type": t.tactic_type,
        "title": t.title,
        "status": t.status,
        "police_only": t.police_only,
        "owning_agency": t.owning_agency.name,
        "review_on": t.review_on,
        "overdue": selectors.is_overdue(t),
    }


# Free text that repeats a hidden record (the registration typed for a hidden vehicle).
HIDDEN_WITH = {
    "vehicle": ("registration_seen",),
    "person_of_concern": ("recipient_description", "recipient_unknown_reason"),
}


def _detail_dict(detail: Any, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    if detail is None:
        return {}
    out: dict[str, Any] = {}
    withheld: set[str] = set()
    for name in hidden:
        withheld |= {name, *HIDDEN_WITH.get(name, ())}
    for f in detail._meta.concrete_fields:
        if f.name == "tactic":
            continue
        value = None if f.name in withheld else getattr(detail, f.attname)
        out[f.attname] = value.isoformat() if isinstance(value, dt.date) else value
    if hasattr(detail, "breaches"):
        out["breaches"] = [
            {"occurred_on": b.occurred_on.isoformat(), "evidence": b.evidence}
            for b in detail.breaches.all()
        ]
    return out


def _tactic_out(actor: Actor, tactic: Tactic) -> dict[str, Any]:
    view = selectors.tactic_detail(actor, tactic)
    return {
        **_summary(tactic),
        "legal_basis": tactic.legal_basis,
        "owner": str(tactic.owner),
        "planned_on": tactic.planned_on,
        "started_on": tactic.started_on,
        "completed_on": tactic.completed_on,
        "outcome": tactic.outcome,
        "subjects": [
            {
                "entity_id": s.entity_id,
                "kind": s.entity.kind,
                "label": s.entity.label,
                "role": s.role,
            }
            for s in view.subjects
        ],
        "detail": _detail_dict(view.detail, view.hidden),
    }


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


@router.get("/disruption/tactics", response={200: dict[str, Any], **error_responses(404)})
def tactic_list(
    request: HttpRequest,
    tactic_type: TacticType | None = None,
    status: TacticStatus | None = None,
    entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> dict[str, Any]:
    """Tactics you may see, newest first; optionally of one type, status or record."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    qs = selectors.tactic_list(actor, tactic_type=tactic_type, status=status)
    if entity_id is not None:
        access_entity_by_id(actor, entity_id)
        qs = qs.filter(subjects__entity_id=entity_id).distinct()
    current = Paginator(qs, 25).get_page(page)
    selectors.consult_tactics(
        actor,
        current,
        justification="Tactics listed through the API",
        details={"page": current.number, "type": tactic_type, "entity": entity_id},
    )
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "results": [_summary(t) for t in current],
    }


@router.get(
    "/disruption/reviews/overdue", response={200: list[TacticSummaryOut], **error_responses()}
)
def overdue(request: HttpRequest) -> list[dict[str, Any]]:
    """Open tactics you may see whose review date has passed, oldest first."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    tactics = list(selectors.overdue_reviews(actor)[:200])
    selectors.consult_tactics(
        actor, tactics, justification="Overdue reviews listed through the API"
    )
    return [_summary(t) for t in tactics]


@router.get("/disruption/tactics/{tactic_id}", response={200: TacticOut, **error_responses(404)})
def tactic_detail(request: HttpRequest, tactic_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    tactic = view_tactic(
        actor, tactic_id, justification="Tactic read through the API", source=SOURCE
    )
    return _tactic_out(actor, tactic)


@router.post("/disruption/tactics", response={201: TacticOut, **error_responses(404, 422)})
def tactic_create(request: HttpRequest, payload: TacticIn) -> Status[dict[str, Any]]:
    """Record a tactic (other than a CAWN or marker, which have their own endpoints)."""
    actor = actor_of(request)
    if payload.tactic_type in (TacticType.CAWN, TacticType.MARKER):
        raise ValidationError({"tactic_type": "Use the CAWN or marker endpoint"})
    # The service checks the type-specific fields (dates, text, person id) for both the
    # web form and this body.
    detail = dict(payload.detail)
    tactic = services.tactic_create(
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


@router.get(
    "/disruption/cawn-eligibility/{person_id}",
    response={200: EligibilityOut, **error_responses(404)},
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


@router.post("/disruption/cawns", response={201: TacticOut, **error_responses(404, 422)})
def cawn_issue(request: HttpRequest, payload: CawnIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    cawn = services.cawn_issue(
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
    "/disruption/cawns/{tactic_id}/service", response={201: TacticOut, **error_responses(404, 422)}
)
def cawn_service(request: HttpRequest, tactic_id: Id, payload: ServiceIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    cawn = _cawn_of(actor, tactic_id)
    services.cawn_record_service(actor=actor, cawn=cawn, **payload.model_dump())
    return Status(201, _tactic_out(actor, cawn.tactic))


@router.post(
    "/disruption/cawns/{tactic_id}/breaches", response={201: TacticOut, **error_responses(404, 422)}
)
def cawn_breach(request: HttpRequest, tactic_id: Id, payload: BreachIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    cawn = _cawn_of(actor, tactic_id)
    services.cawn_breach_record(
        actor=actor, cawn=cawn, occurred_on=payload.occurred_on, evidence=payload.evidence
    )
    return Status(201, _tactic_out(actor, cawn.tactic))


@router.post("/disruption/markers", response={201: TacticOut, **error_responses(404, 422)})
def marker_add(request: HttpRequest, payload: MarkerIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    marker = services.marker_add(
        actor=actor,
        entity_id=payload.entity_id,
        marker_type=payload.marker_type,
        reason=payload.reason,
        review_on=payload.review_on,
    )
    return Status(201, _tactic_out(actor, marker.tactic))


@router.get("/disruption/plans", response={200: list[PlanOut], **error_responses(404)})
def plan_list(
    request: HttpRequest,
    person_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[dict[str, Any]]:
    """Disruption plans you may see, optionally for one person of concern."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    qs = visible_plans(actor).select_related("owner", "owning_agency")
    if person_id is not None:
        qs = qs.filter(person_of_concern=access_person_by_id(actor, person_id))
    plans = list(qs.order_by("-updated_at")[:100])
    selectors.consult_plans(actor, plans, person_id=person_id)
    return [_plan_out(actor, p) for p in plans]


@router.get("/disruption/plans/{plan_id}", response={200: PlanOut, **error_responses(404)})
def plan_detail(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    plan = view_plan(actor, plan_id, justification="Plan read through the API", source=SOURCE)
    return _plan_out(actor, plan)


@router.post("/disruption/plans", response={201: PlanOut, **error_responses(404, 422)})
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    require(actor, "disruption.manage_plan")
    plan = services.plan_save(
        actor=actor,
        person_of_concern=access_person_by_id(actor, payload.person_of_concern_id),
        objectives=payload.objectives,
        review_on=payload.review_on,
        tactic_ids=payload.tactic_ids,
    )
    return Status(201, _plan_out(actor, plan))


# Contextual Safeguarding location assessments ----------------------------------------


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
    response={200: list[AssessmentOut], **error_responses(404)},
)
def assessment_list(request: HttpRequest, entity_id: Id) -> list[dict[str, Any]]:
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
    assessments = list(
        visible_assessments(actor)
        .filter(location_id=entity.pk)
        .select_related("owning_agency")
        .prefetch_related("actions")[:100]
    )
    return [_assessment_out(actor, a) for a in assessments]


@router.post(
    "/disruption/locations/{entity_id}/assessments",
    response={201: AssessmentOut, **error_responses(404, 422)},
)
def assessment_create(
    request: HttpRequest, entity_id: Id, payload: AssessmentIn
) -> Status[dict[str, Any]]:
    """Record an assessment of a place, with its actions."""
    actor = actor_of(request)
    entity = _location_entity(actor, entity_id)
    assessment = services.assessment_record(
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
)
def location_action_done(
    request: HttpRequest, action_id: Id, payload: ActionDoneIn
) -> dict[str, Any]:
    """Mark an action of a location assessment done (who recorded it, its agency, or a
    Hub-wide role)."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    action = access_location_action_by_id(actor, action_id)
    action = services.location_action_complete(actor=actor, action=action, done_on=payload.done_on)
    return _action_out(action)


@router.post(
    "/disruption/location-actions/{action_id}/reopen",
    response={200: LocationActionOut, **error_responses(404, 422)},
)
def location_action_reopen(request: HttpRequest, action_id: Id) -> dict[str, Any]:
    """Reopen an action marked done by mistake."""
    actor = actor_of(request)
    require(actor, "disruption.view_tactic")
    action = access_location_action_by_id(actor, action_id)
    return _action_out(services.location_action_reopen(actor=actor, action=action))


def _action_out(x: LocationAction) -> dict[str, Any]:
    return {
        "id": x.pk,
        "description": x.description,
        "owner_name": x.owner_name,
        "due_on": x.due_on,
        "done_on": x.done_on,
    }
