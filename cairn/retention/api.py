"""Retention API for information governance: the review queue, keeping a record (reason
and next review), disposing of a record (person, concern or intelligence entry), and a
tombstone. Scoped as the web pages
are (cairn/retention/access.py: IG of the record's agency; anyone else 404) and audited
the same way."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of

from . import access, selectors, services
from .models import SLUGS, ReviewDecision, Tombstone

router = Router(tags=["retention"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PAGE_SIZE = 25


class RuleOut(Schema):
    id: int
    code: str
    name: str


class QueueEntryOut(Schema):
    record_type: str
    record_id: int
    label: str
    rule: RuleOut | None
    due_on: dt.date | None
    why: str
    last_activity_on: dt.date
    links: int
    blockers: list[str]


class QueuePageOut(Page[QueueEntryOut]):
    pass


class RetainIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)
    next_review_on: dt.date
    rule_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class DisposeIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)
    confirm: Literal[True] = Field(description="Must be true: disposal cannot be undone.")


class DecisionOut(Schema):
    id: int
    record_type: str
    record_id: int
    outcome: str
    reason: str
    next_review_on: dt.date | None
    rule: str
    assigned_rule: str | None


class TombstoneOut(Schema):
    id: int
    reference: str
    record_type: str
    record_id: int
    agency: str
    rule: str
    reason: str
    disposed_at: dt.datetime
    removed: dict[str, int]
    owners_told: list[str]


def _entry(e: selectors.Entry) -> dict[str, Any]:
    return {
        "record_type": e.record_type,
        "record_id": e.record_id,
        "label": e.label,
        "rule": ({"id": e.rule.pk, "code": e.rule.code, "name": e.rule.name} if e.rule else None),
        "due_on": e.due.on,
        "why": e.due.why,
        "last_activity_on": e.last_activity_on,
        "links": e.links,
        "blockers": e.blockers,
    }


def _decision(d: ReviewDecision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "record_type": d.record_type,
        "record_id": d.record_id,
        "outcome": d.outcome,
        "reason": d.reason,
        "next_review_on": d.next_review_on,
        "rule": d.rule.code,
        "assigned_rule": d.assigned_rule.code if d.assigned_rule else None,
    }


def _tombstone(t: Tombstone) -> dict[str, Any]:
    return {
        "id": t.pk,
        "reference": t.reference,
        "record_type": t.record_type,
        "record_id": t.record_id,
        "agency": t.agency.name,
        "rule": t.decision.rule.code,
        "reason": t.decision.reason,
        "disposed_at": t.disposed_at,
        "removed": t.removed,
        "owners_told": t.owners_told,
    }


@router.get("/retention/queue", response={200: QueuePageOut, **error_responses(404)})
def queue(
    request: HttpRequest, page: PageNo = 1, page_size: int = page_size_query(PAGE_SIZE)
) -> dict[str, Any]:
    """Your agency's records due for retention review, soonest first, with what blocks
    disposal (information governance admins only)."""
    actor = actor_of(request)
    access.require_reviewer(actor)
    return paginate(
        selectors.review_queue(actor),
        page,
        page_size,
        _entry,
        consult=lambda shown: selectors.consult_review_queue(actor, shown),
    )


@router.post(
    "/retention/{kind}/{record_id}/retain",
    response={200: DecisionOut, **error_responses(404, 422)},
)
def retain(
    request: HttpRequest,
    kind: Literal["person", "concern", "intelligence"],
    record_id: Id,
    payload: RetainIn,
) -> dict[str, Any]:
    """Keep a record that is due: why, the next review (after today, within 10 years),
    and optionally another of your agency's rules for it from now on."""
    actor = actor_of(request)
    decision = services.record_retain(
        actor=actor,
        record_type=SLUGS[kind],
        record_id=record_id,
        reason=payload.reason,
        next_review_on=payload.next_review_on,
        assigned_rule_id=payload.rule_id,
    )
    return _decision(decision)


@router.post(
    "/retention/{kind}/{record_id}/dispose",
    response={200: TombstoneOut, **error_responses(404, 409, 422)},
)
def dispose(
    request: HttpRequest,
    kind: Literal["person", "concern", "intelligence"],
    record_id: Id,
    payload: DisposeIn,
) -> dict[str, Any]:
    """Dispose of a record that is due and not blocked: a person record, a concern or an
    intelligence entry. Irreversible: its personal data is erased, a tombstone is left;
    for a person record, linked records of other agencies stay and their owners are told.
    422 says what blocks it; 409: it was disposed of a moment ago."""
    actor = actor_of(request)
    if not payload.confirm:  # pragma: no cover - the schema allows only true
        raise ValidationError({"confirm": "Confirm that disposal cannot be undone"})
    tombstone = services.record_dispose(
        actor=actor, record_type=SLUGS[kind], record_id=record_id, reason=payload.reason
    )
    return _tombstone(access.access_tombstone(actor, tombstone.pk))


@router.get(
    "/retention/tombstones/{tombstone_id}", response={200: TombstoneOut, **error_responses(404)}
)
def tombstone(request: HttpRequest, tombstone_id: Id) -> dict[str, Any]:
    """What is left of a disposed record: type, id, rule, decision; no personal data."""
    actor = actor_of(request)
    found = selectors.view_tombstone(actor, tombstone_id)
    return _tombstone(found)
