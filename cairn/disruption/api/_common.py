"""What the disruption endpoints share: the path id, the tactic schemas and how a tactic
is written out (its detail without what repeats a record the reader may not see)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Path, Schema

from cairn.api_auth.schemas import MAX_ID
from cairn.core.types import Actor
from cairn.disruption import selectors
from cairn.disruption.models import SubjectRole, Tactic, TacticStatus, TacticType

SOURCE = "api"
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class SubjectOut(Schema):
    entity_id: int
    kind: str
    label: str
    role: SubjectRole


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
