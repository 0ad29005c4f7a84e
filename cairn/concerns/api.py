"""Concerns API: the indicator catalogue, recording a concern (stored, screened and with
pathways), a preview that stores nothing (live guidance), risk and next-step decisions,
and scoped lists. Semantic validation is payload.clean's, shared with the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.types import Actor
from cairn.pole.access import access_person_by_id
from cairn.pole.mentions import MentionIn, mentions_payload

from . import selectors, services
from .access import access_concern_by_id, view_concern
from .models import (
    Concern,
    ConcernStatus,
    ExploitationModel,
    ExploitationType,
    IndicatorCategory,
    Pathway,
    RiskLevel,
)
from .pathways import Recommendation
from .screening import Screening

router = Router(tags=["concerns"])
SOURCE = "api"
ConcernId = Annotated[int, Path(ge=1, le=MAX_ID)]


class IndicatorOut(Schema):
    code: str
    label: str
    category: IndicatorCategory
    exploitation_types: list[str]
    weight: int
    guidance: str
    from_seed_deck: bool
    catalogue_version: int


class IndicatorPage(Page[IndicatorOut]):
    pass


class IndicatorIn(InputSchema):
    code: str = Field(max_length=60)
    observed_on: dt.date
    evidence: str = Field("", max_length=2000)


class ConcernIn(InputSchema):
    child_id: int | None = Field(None, ge=1, le=MAX_ID)
    reporter_role: str = Field("", max_length=200)
    observed_on: dt.date | None = None
    observed_time: dt.time | None = None
    observed_where: str = Field("", max_length=300)
    narrative: str = Field("", max_length=10_000)
    exploitation_types: list[ExploitationType] = Field(default_factory=list, max_length=6)
    exploitation_model: ExploitationModel = ExploitationModel.NOT_KNOWN
    boyfriend_stage: int | None = Field(None, ge=1, le=4)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=100)
    mentions: list[MentionIn] = Field(default_factory=list, max_length=50)
    immediate_danger: bool | None = None
    crime_disclosed: bool | None = None
    crime_reference: str = Field("", max_length=60)
    # Needed only when the narrative reads as danger now and `immediate_danger` is false:
    # the reporter has checked that nobody is (otherwise 422 on `no_danger_now`).
    no_danger_now: bool = False

    def to_payload(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude={"no_danger_now"})
        data["mentions"] = mentions_payload(data["mentions"])
        return data


class ScreeningOut(Schema):
    suggested_level: RiskLevel
    reasons: list[str]


class PathwayOut(Schema):
    code: Pathway
    reason: str
    available: bool
    unavailable_reason: str


class ConcernOut(Schema):
    id: int
    reference: str
    status: ConcernStatus
    child_id: int
    reporter: str
    reporter_agency: str
    reporter_role: str
    observed_on: dt.date | None
    observed_time: dt.time | None
    observed_where: str
    narrative: str
    exploitation_types: list[str]
    exploitation_model: ExploitationModel
    boyfriend_stage: int | None
    immediate_danger: bool | None
    crime_disclosed: bool | None
    crime_reference: str
    indicators: list[IndicatorIn]
    submitted_at: dt.datetime | None
    risk_level: RiskLevel | None
    screening: ScreeningOut
    pathways: list[PathwayOut]


class ConcernSummaryOut(Schema):
    id: int
    reference: str
    status: ConcernStatus
    child_id: int
    reporter_agency: str
    observed_on: dt.date | None
    submitted_at: dt.datetime | None


class ConcernPage(Page[ConcernSummaryOut]):
    pass


class PreviewOut(Schema):
    screening: ScreeningOut
    pathways: list[PathwayOut]


class RiskDecisionIn(InputSchema):
    level: RiskLevel
    rationale: str = Field(max_length=4000)


class PathwayDecisionIn(InputSchema):
    code: Pathway
    taken: bool
    note: str = Field("", max_length=1000)


class PathwayDecisionsIn(InputSchema):
    decisions: list[PathwayDecisionIn] = Field(max_length=6)


def _screening(result: Screening) -> dict[str, Any]:
    return {"suggested_level": result.suggested_level, "reasons": result.reasons}


def _pathways(recs: list[Recommendation]) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "reason": r.reason,
            "available": r.available,
            "unavailable_reason": r.unavailable_reason,
        }
        for r in recs
    ]


def _concern_out(concern: Concern, actor: Actor) -> dict[str, Any]:
    # One text check serves the screening and the pathways (the same narrative and
    # evidence; each check costs a model pass over the text).
    text = selectors.concern_text_check(concern)
    result, _ = selectors.concern_screening(concern, concern.child, text)
    decision = concern.risk_decisions.order_by("-decided_at", "-pk").first()
    return {
        "id": concern.pk,
        "reference": concern.reference,
        "status": concern.status,
        "child_id": concern.child_id,
        "reporter": str(concern.reporter),
        "reporter_agency": concern.reporter_agency.name,
        "reporter_role": concern.reporter_role,
        "observed_on": concern.observed_on,
        "observed_time": concern.observed_time,
        "observed_where": concern.observed_where,
        "narrative": concern.narrative,
        "exploitation_types": concern.exploitation_types,
        "exploitation_model": concern.exploitation_model,
        "boyfriend_stage": concern.boyfriend_stage,
        "immediate_danger": concern.immediate_danger,
        "crime_disclosed": concern.crime_disclosed,
        "crime_reference": concern.crime_reference,
        "indicators": [
            {"code": o.indicator.code, "observed_on": o.observed_on, "evidence": o.evidence}
            for o in concern.observations.select_related("indicator").order_by("-observed_on")
        ],
        "submitted_at": concern.submitted_at,
        "risk_level": decision.level if decision else None,
        "screening": _screening(result),
        "pathways": _pathways(selectors.pathways_for(concern, actor, text)),
    }


def _concern_summary(c: Concern) -> ConcernSummaryOut:
    return ConcernSummaryOut(
        id=c.pk,
        reference=c.reference,
        status=ConcernStatus(c.status),
        child_id=c.child.pk if c.child else 0,
        reporter_agency=c.reporter_agency.name,
        observed_on=c.observed_on,
        submitted_at=c.submitted_at,
    )


@router.get("/indicators", response={200: IndicatorPage, **error_responses()})
def indicator_list(
    request: HttpRequest, page: PageNo = 1, page_size: int = page_size_query(100)
) -> dict[str, Any]:
    """The indicator catalogue (active entries), in display order."""
    require(actor_of(request), "api.use")
    return paginate(selectors.active_indicators(), page, page_size)


@router.post("/concerns", response={201: ConcernOut, **error_responses(404, 422)})
def concern_create(request: HttpRequest, payload: ConcernIn) -> Status[dict[str, Any]]:
    """Record and submit a concern. Returns it with the child's screening (a suggested
    level with reasons) and the recommended pathways."""
    actor = actor_of(request)
    concern = services.concern_create(
        actor=actor, data=payload.to_payload(), no_danger_now=payload.no_danger_now
    )
    return Status(201, _concern_out(concern, actor))


@router.post("/concerns/preview", response={200: PreviewOut, **error_responses(422)})
def concern_preview(request: HttpRequest, payload: ConcernIn) -> dict[str, Any]:
    """Screening and pathways for this body, storing nothing (for live guidance)."""
    actor = actor_of(request)
    require(actor, "concerns.add_concern")
    preview = selectors.preview(actor, payload.to_payload())
    if preview.errors:
        raise ValidationError(preview.errors)
    return {"screening": _screening(preview.screening), "pathways": _pathways(preview.pathways)}


@router.get("/concerns", response={200: ConcernPage, **error_responses(404)})
def concern_list(
    request: HttpRequest,
    child_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Submitted concerns you may see (newest first), optionally for one child."""
    actor = actor_of(request)
    require(actor, "concerns.view_concern")
    child = access_person_by_id(actor, child_id) if child_id is not None else None
    return paginate(
        selectors.submitted_concerns(actor, child=child),
        page,
        page_size,
        _concern_summary,
        consult=lambda shown: selectors.consult_concerns(
            actor,
            shown,
            subject=child,
            justification="Concerns listed through the API",
            details={"page": shown.number},
        ),
    )


@router.get("/concerns/{concern_id}", response={200: ConcernOut, **error_responses(404)})
def concern_detail(request: HttpRequest, concern_id: ConcernId) -> dict[str, Any]:
    actor = actor_of(request)
    concern = view_concern(
        actor, concern_id, justification="Concern read through the API", source=SOURCE
    )
    return _concern_out(concern, actor)


@router.post(
    "/concerns/{concern_id}/risk-decision", response={201: ConcernOut, **error_responses(404, 422)}
)
def concern_risk_decision(
    request: HttpRequest, concern_id: ConcernId, payload: RiskDecisionIn
) -> Status[dict[str, Any]]:
    """Confirm the suggested level or choose another, with a rationale (always required)."""
    actor = actor_of(request)
    concern = access_concern_by_id(actor, concern_id)
    services.risk_decision_record(
        actor=actor, concern=concern, level=payload.level, rationale=payload.rationale
    )
    return Status(201, _concern_out(concern, actor))


@router.post(
    "/concerns/{concern_id}/pathways", response={201: ConcernOut, **error_responses(404, 422)}
)
def concern_pathways(
    request: HttpRequest, concern_id: ConcernId, payload: PathwayDecisionsIn
) -> Status[dict[str, Any]]:
    """Record which next steps were taken; a recommended one not taken needs a note."""
    actor = actor_of(request)
    concern = access_concern_by_id(actor, concern_id)
    services.pathway_decisions_record(
        actor=actor,
        concern=concern,
        decisions={d.code: (d.taken, d.note) for d in payload.decisions},
    )
    return Status(201, _concern_out(concern, actor))
