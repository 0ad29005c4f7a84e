"""Referrals API: send a referral (validated by the same rules as the web form), scoped
lists (inbox, sent by me, my team's) and detail, lifecycle actions, MASH decisions and
strategy discussions, NRM reference, decisions and the structured export."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Page as DjangoPage
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.concerns.access import access_concern_by_id
from cairn.concerns.models import RiskLevel
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.throttling import api_throttles
from cairn.core.types import Actor
from cairn.pole.access import access_person_by_id
from cairn.sharing.schemas import BasisIn, BasisOut, basis_out

from . import selectors, services
from .access import access_referral_by_id, mark_hidden_references, view_referral
from .models import MashOutcome, NrmOutcome, NrmStage, Referral, ReferralKind, ReferralStatus

router = Router(tags=["referrals"])
ReferralId = Annotated[int, Path(ge=1, le=MAX_ID)]


class ReferralIn(BasisIn):
    kind: ReferralKind
    child_id: int = Field(ge=1, le=MAX_ID)
    concern_id: int | None = Field(None, ge=1, le=MAX_ID)
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="The form's answers by field name (as on the web form); anything not "
        "given is pre-filled from the child's record and the concern.",
    )


class MashDecisionOut(Schema):
    outcome: MashOutcome
    rationale: str
    decided_by: str
    decided_at: dt.datetime
    within_timescale: bool
    allocated_team: str | None = Field(
        None, description="The team the work was allocated to (its members see the child)."
    )


class StrategyOut(Schema):
    held_on: dt.date
    attendees: list[dict[str, str]]
    decisions: str
    actions: list[str]


class NrmDecisionOut(Schema):
    stage: NrmStage
    outcome: NrmOutcome
    decided_on: dt.date
    note: str


class ReferralOut(Schema):
    id: int
    reference: str
    kind: ReferralKind
    status: ReferralStatus
    child_id: int | None = Field(description="null when you may not see the child's record")
    concern_id: int | None
    sender: str
    sender_agency: str
    recipient: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    risk_level: RiskLevel | None = Field(
        description="The child's risk level when the referral was sent (null: not assessed)."
    )
    risk_reasons: str = Field(description="The reasons recorded with that risk level.")
    risk_decided_at: dt.datetime | None
    decline_reason: str
    withdraw_reason: str
    home_office_reference: str
    details: dict[str, Any]
    disclosure_basis: BasisOut | None = Field(
        None,
        description="The agreement and lawful basis the referral relied on when sent (on a "
        "single referral only; null within one agency or before bases were recorded).",
    )
    mash_decision: MashDecisionOut | None = None
    strategy_discussions: list[StrategyOut] = []
    nrm_decisions: list[NrmDecisionOut] = []


class ReferralPage(Page[ReferralOut]):
    pass


def _out(referral: Referral, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": referral.pk,
        "reference": referral.reference,
        "kind": referral.kind,
        "status": referral.status,
        "child_id": None if referral.child_hidden else referral.child_id,
        "concern_id": None if referral.concern_hidden else referral.concern_id,
        "sender": str(referral.sender),
        "sender_agency": referral.sender_agency.name,
        "recipient": referral.recipient_name,
        "submitted_at": referral.submitted_at,
        "due_at": referral.due_at,
        "overdue": referral.is_overdue(timezone.now()),
        "risk_level": referral.risk_level or None,
        "risk_reasons": referral.risk_reasons,
        "risk_decided_at": referral.risk_decided_at,
        "decline_reason": referral.decline_reason,
        "withdraw_reason": referral.withdraw_reason,
        "home_office_reference": referral.home_office_reference,
        "details": referral.details,
    }
    if full:
        data["disclosure_basis"] = basis_out(referral.disclosure)
        decision = selectors.mash_decision(referral)
        if decision is not None:
            data["mash_decision"] = {
                "outcome": decision.outcome,
                "rationale": decision.rationale,
                "decided_by": str(decision.decided_by),
                "decided_at": decision.decided_at,
                "within_timescale": decision.within_timescale,
                "allocated_team": (
                    f"{decision.allocated_team.name}, {decision.allocated_team.agency.name}"
                    if decision.allocated_team
                    else None
                ),
            }
        data["strategy_discussions"] = [
            {
                "held_on": d.held_on,
                "attendees": d.attendees,
                "decisions": d.decisions,
                "actions": d.actions,
            }
            for d in selectors.strategy_discussions(decision)
        ]
        data["nrm_decisions"] = [
            {"stage": d.stage, "outcome": d.outcome, "decided_on": d.decided_on, "note": d.note}
            for d in selectors.nrm_decisions(referral)
        ]
    return data


def _detail(actor: Actor, referral_id: int) -> dict[str, Any]:
    referral = access_referral_by_id(actor, referral_id)
    return _out(referral, full=True)


@router.post("/referrals", response={201: ReferralOut, **error_responses(404, 422)})
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[dict[str, Any]]:
    """Send a referral about a child you may see (NRM: first-responder agencies only)."""
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    child = access_person_by_id(actor, payload.child_id)
    concern = access_concern_by_id(actor, payload.concern_id) if payload.concern_id else None
    referral = services.referral_create(
        actor=actor,
        kind=payload.kind,
        child=child,
        concern=concern,
        details=payload.details,
        claim=payload.claim() if payload.basis_given else None,
    )
    return Status(201, _detail(actor, referral.pk))


@router.get("/referrals", response={200: ReferralPage, **error_responses()})
def referral_list(
    request: HttpRequest,
    box: Annotated[Literal["inbox", "sent", "team"], Query()] = "inbox",
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Referrals your team received (inbox), you sent, or your team sent."""
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    qs = {
        "inbox": selectors.inbox,
        "sent": selectors.sent_by_me,
        "team": selectors.my_team,
    }[box](actor)

    def consult(shown: DjangoPage[Referral]) -> None:
        selectors.consult_referrals(actor, shown, justification=f"Referrals API: {box}")
        mark_hidden_references(actor, list(shown))  # the same objects `_out` then reads

    return paginate(qs, page, page_size, _out, consult=consult)


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **error_responses(404)})
def referral_detail(request: HttpRequest, referral_id: ReferralId) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = view_referral(actor, referral_id)
    return _out(referral, full=True)


class ActionIn(InputSchema):
    action: Literal["acknowledge", "accept", "decline", "withdraw"]
    reason: str = Field("", max_length=2000)


@router.post(
    "/referrals/{referral_id}/actions", response={200: ReferralOut, **error_responses(404, 422)}
)
def referral_action(
    request: HttpRequest, referral_id: ReferralId, payload: ActionIn
) -> dict[str, Any]:
    """Acknowledge, accept or decline (receiving team; declining needs a reason), or
    withdraw (sending side, with a reason)."""
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = access_referral_by_id(actor, referral_id)
    services.referral_transition(
        actor=actor, referral=referral, action=payload.action, reason=payload.reason
    )
    return _detail(actor, referral_id)


class MashDecisionIn(InputSchema):
    outcome: MashOutcome
    rationale: str = Field(max_length=10_000)
    allocated_team_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Allocate the work to this team: its members may then find and open "
        "the child's record and read the referral.",
    )


@router.post(
    "/referrals/{referral_id}/mash-decision",
    response={200: ReferralOut, **error_responses(404, 422)},
)
def mash_decision(
    request: HttpRequest, referral_id: ReferralId, payload: MashDecisionIn
) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = access_referral_by_id(actor, referral_id)
    team = selectors.allocation_team(payload.allocated_team_id)
    if payload.allocated_team_id is not None and team is None:
        raise ValidationError({"allocated_team_id": ["No such team in the Hub"]})
    services.mash_decision_record(
        actor=actor,
        referral=referral,
        outcome=payload.outcome,
        rationale=payload.rationale,
        allocated_team=team,
    )
    return _detail(actor, referral_id)


class AttendeeIn(InputSchema):
    agency: str = Field(max_length=200)
    names: str = Field(max_length=1000)


class StrategyIn(InputSchema):
    held_on: dt.date
    attendees: list[AttendeeIn] = Field(max_length=50)
    decisions: str = Field(max_length=10_000)
    actions: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list, max_length=100
    )


@router.post(
    "/referrals/{referral_id}/strategy-discussions",
    response={201: ReferralOut, **error_responses(404, 422)},
)
def strategy_discussion(
    request: HttpRequest, referral_id: ReferralId, payload: StrategyIn
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = access_referral_by_id(actor, referral_id)
    services.strategy_discussion_record(
        actor=actor,
        referral=referral,
        held_on=payload.held_on,
        attendees=[a.model_dump() for a in payload.attendees],
        decisions=payload.decisions,
        actions=payload.actions,
    )
    return Status(201, _detail(actor, referral_id))


class ReferenceIn(InputSchema):
    reference: str = Field(max_length=60)


@router.post(
    "/referrals/{referral_id}/home-office-reference",
    response={200: ReferralOut, **error_responses(404, 422)},
)
def home_office_reference(
    request: HttpRequest, referral_id: ReferralId, payload: ReferenceIn
) -> dict[str, Any]:
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = access_referral_by_id(actor, referral_id)
    services.nrm_reference_record(actor=actor, referral=referral, reference=payload.reference)
    return _detail(actor, referral_id)


class NrmDecisionIn(InputSchema):
    stage: NrmStage
    outcome: NrmOutcome
    decided_on: dt.date
    note: str = Field("", max_length=5000)


@router.post(
    "/referrals/{referral_id}/nrm-decisions",
    response={201: ReferralOut, **error_responses(404, 422)},
)
def nrm_decision(
    request: HttpRequest, referral_id: ReferralId, payload: NrmDecisionIn
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = access_referral_by_id(actor, referral_id)
    services.nrm_decision_record(
        actor=actor,
        referral=referral,
        stage=payload.stage,
        outcome=payload.outcome,
        decided_on=payload.decided_on,
        note=payload.note,
    )
    return Status(201, _detail(actor, referral_id))


@router.get(
    "/referrals/{referral_id}/nrm-export",
    response={200: dict[str, Any], **error_responses(404, 422)},
    throttle=api_throttles("export"),
)
def nrm_export(request: HttpRequest, referral_id: ReferralId) -> dict[str, Any]:
    """The NRM referral as structured JSON, to transcribe into the Home Office service."""
    actor = actor_of(request)
    require(actor, "referrals.view_referral")
    referral = access_referral_by_id(actor, referral_id)
    return services.nrm_export(actor=actor, referral=referral)
