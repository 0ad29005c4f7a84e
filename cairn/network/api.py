"""Network API: possible matches for a person being entered, the duplicate review queue,
merges and their undo, a person's network neighbourhood, and exports. Scoped by the
access layer like every other endpoint (invisible and missing are both 404)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.throttling import api_throttles

from . import exports, graph, selectors, services

router = Router(tags=["network"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class MatchIn(InputSchema):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    # A street name or nickname is looked up among every recorded alias and nickname
    # (often all a school knows): what a mention's "nickname" holds.
    nickname: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    birth_year: int | None = Field(None, ge=1900, le=2100)
    estimated_age: int | None = Field(None, ge=0, le=120)
    postcode: str = Field("", max_length=10)
    sex: Literal["female", "male", "unknown", ""] = ""


class PersonBrief(Schema):
    id: int
    full_name: str
    category: str
    date_of_birth: dt.date | None


class MatchOut(Schema):
    person: PersonBrief
    match_weight: float
    probability: float
    reasons: list[str]
    matched_name: str


def _brief(person: Any) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "category": person.category,
        "date_of_birth": person.date_of_birth,
    }


@router.post(
    "/network/match",
    response={200: list[MatchOut], **error_responses(422)},
    throttle=api_throttles("match"),
)
def match(request: HttpRequest, payload: MatchIn) -> list[dict[str, Any]]:
    """Possible existing records for a person about to be entered (at "add a person", or
    named in a concern or an intelligence entry: send the mention's names, then its
    `entity_id` for the one chosen), best first, with the reasons. Only records the caller
    may see are ever candidates."""
    actor = actor_of(request)
    require(actor, "network.match_person")
    found = selectors.possible_matches(actor, payload.dict())  # audited there
    return [
        {
            "person": _brief(m.person),
            "match_weight": round(m.weight, 2),
            "probability": round(m.probability, 4),
            "reasons": m.reasons,
            "matched_name": m.matched_name,
        }
        for m in found
    ]


class PairOut(Schema):
    id: int
    person_a: PersonBrief
    person_b: PersonBrief
    match_weight: float
    match_probability: float
    explanation: dict[str, Any]
    model_version: str


class PairPage(Page[PairOut]):
    pass


def _pair(pair: Any) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "person_a": _brief(pair.person_a),
        "person_b": _brief(pair.person_b),
        "match_weight": pair.match_weight,
        "match_probability": pair.match_probability,
        "explanation": pair.explanation,
        "model_version": pair.model_version,
    }


@router.get(
    "/network/candidates",
    response={200: PairPage, **error_responses(422)},
    throttle=api_throttles("match"),
)
def candidates(
    request: HttpRequest, page: PageNo = 1, page_size: int = page_size_query(50)
) -> dict[str, Any]:
    """The duplicate review queue (pending pairs whose records you can both see)."""
    actor = actor_of(request)
    return paginate(
        selectors.pending_pairs(actor),
        page,
        page_size,
        _pair,
        consult=lambda shown: selectors.consult_pairs(actor, shown),
    )


class MergeIn(InputSchema):
    survivor_id: int = Field(ge=1, le=MAX_ID)
    absorbed_id: int = Field(ge=1, le=MAX_ID)
    reason: str = Field(min_length=1, max_length=500)
    take_from_absorbed: list[str] = Field(default_factory=list, max_length=20)


class MergeOut(Schema):
    id: int
    survivor: PersonBrief
    absorbed_id: int
    reason: str
    active: bool
    moved: dict[str, int]


def _merge(merge: Any) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "survivor": _brief(merge.survivor),
        "absorbed_id": merge.absorbed_id,
        "reason": merge.reason,
        "active": merge.is_active,
        "moved": {f"{m['model']}.{m['field']}": len(m["ids"]) for m in merge.moved},
    }


@router.post("/network/merges", response={201: MergeOut, **error_responses(404, 422)})
def merge_create(request: HttpRequest, payload: MergeIn) -> Status[dict[str, Any]]:
    """Merge two person records (never automatic). Reversible with /unmerge."""
    merge = services.person_merge(
        actor=actor_of(request),
        survivor_id=payload.survivor_id,
        absorbed_id=payload.absorbed_id,
        reason=payload.reason,
        take_from_absorbed=payload.take_from_absorbed,
    )
    return Status(201, _merge(merge))


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


@router.post(
    "/network/merges/{merge_id}/unmerge", response={200: MergeOut, **error_responses(404, 422)}
)
def merge_undo(request: HttpRequest, merge_id: Id, payload: ReasonIn) -> dict[str, Any]:
    """Undo a merge: the merged-away record and every moved reference come back."""
    actor = actor_of(request)
    merge = selectors.access_merge(actor, merge_id)
    services.person_unmerge(actor=actor, merge=merge, reason=payload.reason)
    merge.refresh_from_db()
    return _merge(merge)


class NodeOut(Schema):
    id: int
    kind: str
    label: str
    category: str
    hop: int
    degree: int


class EdgeOut(Schema):
    id: int
    source: int
    target: int
    link_type: str
    started_on: dt.date | None
    ended_on: dt.date | None


class NetworkOut(Schema):
    centre: int
    hops: int
    truncated: bool
    groups: int
    nodes: list[NodeOut]
    links: list[EdgeOut]


@router.get(
    "/network/people/{person_id}/neighbourhood",
    response={200: NetworkOut, **error_responses(404, 422)},
)
def neighbourhood(
    request: HttpRequest,
    person_id: Id,
    hops: Annotated[int, Query(ge=1, le=graph.MAX_HOPS)] = 2,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Everything within `hops` links of a person that you may see, with the links."""
    _, network = selectors.network_for_person(
        actor_of(request), person_id, hops=hops, since=since, until=until
    )
    analysis = graph.analyse(network)
    return {
        "centre": network.centre,
        "hops": network.hops,
        "truncated": network.truncated,
        "groups": analysis.groups,
        "nodes": [n.__dict__ for n in network.node_list()],
        "links": [e.__dict__ for e in network.edges],
    }


@router.get(
    "/network/people/{person_id}/export",
    response={200: None, **error_responses(404, 422)},
    # An int key, as ninja keys its own responses: a "200" string would be a second key.
    openapi_extra={"responses": {200: {"description": "The export file (ANX, GraphML, CSV)"}}},
    throttle=api_throttles("export"),
)
def export(
    request: HttpRequest,
    person_id: Id,
    format: Literal["anx", "graphml", "csv"] = "anx",
    hops: Annotated[int, Query(ge=1, le=graph.MAX_HOPS)] = 2,
) -> HttpResponse:
    """A person's network as an i2 ANX, GraphML or CSV file (logged as a disclosure)."""
    person, content = selectors.export_network(actor_of(request), person_id, format, hops=hops)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="cairn-network-{person.pk}.{format}"'
    return response
