"""Missing episodes API: list, record (also from a concern's sign of going missing), the
child's return and the return home interview. Scoped by cairn/missing/access.py; every
read and write is audited as on the web pages.

The endpoints keep the paths, tag and operation ids they had when the Hub app served them
(`/hub/missing-episodes`, tag "hub", and operation ids `cairn_hub_api_*`, django-ninja's
default from the module they were in): clients are built from them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.pole.access import access_person_by_id

from . import selectors, services
from .access import access_episode_by_id, view_episode
from .models import MissingEpisode, PoliceRiskGrading

router = Router(tags=["hub"])
SOURCE = "api"
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class EpisodeFromSignIn(InputSchema):
    reported_at: dt.datetime
    reported_by: str = Field("", max_length=200)
    police_reference: str = Field("", max_length=60)
    police_risk_grading: PoliceRiskGrading = PoliceRiskGrading.NOT_GRADED
    circumstances: str = Field("", max_length=10_000)
    found_at: dt.datetime | None = None
    where_found: str = Field("", max_length=300)
    out_of_area: bool = False


class EpisodeIn(EpisodeFromSignIn):
    """An episode recorded directly: the same answers, for a named child."""

    child_id: int = Field(ge=1, le=MAX_ID)


class ReturnIn(InputSchema):
    found_at: dt.datetime
    where_found: str = Field("", max_length=300)
    out_of_area: bool = False


class RhiIn(InputSchema):
    offered_on: dt.date | None = None
    accepted: bool | None = None
    completed_at: dt.datetime | None = None
    notes: str = Field("", max_length=10_000)


class EpisodeOut(Schema):
    id: int
    reference: str
    child_id: int
    reported_at: dt.datetime
    reported_by: str
    police_reference: str
    police_risk_grading: PoliceRiskGrading
    circumstances: str
    found_at: dt.datetime | None
    where_found: str
    out_of_area: bool
    rhi_due_at: dt.datetime | None
    rhi_offered_on: dt.date | None
    rhi_accepted: bool | None
    rhi_completed_at: dt.datetime | None
    rhi_state: str


class EpisodePage(Page[EpisodeOut]):
    pass


def _episode_out(e: MissingEpisode) -> dict[str, Any]:
    return {
        "id": e.pk,
        "reference": e.reference,
        "child_id": e.child_id,
        "reported_at": e.reported_at,
        "reported_by": e.reported_by,
        "police_reference": e.police_reference,
        "police_risk_grading": e.police_risk_grading,
        "circumstances": e.circumstances,
        "found_at": e.found_at,
        "where_found": e.where_found,
        "out_of_area": e.out_of_area,
        "rhi_due_at": e.rhi_due_at,
        "rhi_offered_on": e.rhi_offered_on,
        "rhi_accepted": e.rhi_accepted,
        "rhi_completed_at": e.rhi_completed_at,
        "rhi_state": e.rhi_state,
    }


@router.get(
    "/hub/missing-episodes",
    response={200: EpisodePage, **error_responses(404)},
    operation_id="cairn_hub_api_episode_list",
)
def episode_list(
    request: HttpRequest,
    child_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Missing episodes of children you may see (newest first)."""
    actor = actor_of(request)
    require(actor, "hub.view_missing")
    child = access_person_by_id(actor, child_id) if child_id is not None else None
    return paginate(
        selectors.episodes_for_list(actor, child=child),
        page,
        page_size,
        _episode_out,
        consult=lambda shown: selectors.consult_missing_episodes(
            actor,
            [e.child_id for e in shown],
            subject=child,
            justification="Missing episodes listed through the API",
        ),
    )


@router.post(
    "/hub/missing-episodes",
    response={201: EpisodeOut, **error_responses(404, 422)},
    operation_id="cairn_hub_api_episode_create",
)
def episode_create(request: HttpRequest, payload: EpisodeIn) -> Status[dict[str, Any]]:
    """Record a missing episode; with `found_at` the 72-hour interview clock starts."""
    actor = actor_of(request)
    require(actor, "hub.add_missing")
    child = access_person_by_id(actor, payload.child_id)
    data = payload.model_dump(exclude={"child_id"})
    episode = services.episode_record(actor=actor, child=child, **data)
    return Status(201, _episode_out(episode))


@router.post(
    "/hub/missing-episodes/from-sign/{sign_id}",
    response={200: EpisodeOut, 201: EpisodeOut, **error_responses(404, 422)},
    operation_id="cairn_hub_api_episode_create_from_sign",
)
def episode_create_from_sign(
    request: HttpRequest, sign_id: Id, payload: EpisodeFromSignIn
) -> Status[dict[str, Any]]:
    """Record a concern's sign of going missing (an indicator observation) as a missing
    episode linked to the concern. 201 when recorded; 200 with the episode already
    recorded from that sign (never twice)."""
    actor = actor_of(request)
    episode, created = services.episode_record_from_sign(
        actor=actor, sign_id=sign_id, **payload.model_dump()
    )
    return Status(201 if created else 200, _episode_out(episode))


@router.get(
    "/hub/missing-episodes/{episode_id}",
    response={200: EpisodeOut, **error_responses(404)},
    operation_id="cairn_hub_api_episode_detail",
)
def episode_detail(request: HttpRequest, episode_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    episode = view_episode(
        actor, episode_id, justification="Missing episode read through the API", source=SOURCE
    )
    return _episode_out(episode)


@router.post(
    "/hub/missing-episodes/{episode_id}/return",
    response={200: EpisodeOut, **error_responses(404, 422)},
    operation_id="cairn_hub_api_episode_return",
)
def episode_return(request: HttpRequest, episode_id: Id, payload: ReturnIn) -> dict[str, Any]:
    actor = actor_of(request)
    episode = access_episode_by_id(actor, episode_id)
    services.episode_return(actor=actor, episode=episode, **payload.model_dump())
    return _episode_out(episode)


@router.post(
    "/hub/missing-episodes/{episode_id}/interview",
    response={200: EpisodeOut, **error_responses(404, 422)},
    operation_id="cairn_hub_api_episode_interview",
)
def episode_interview(request: HttpRequest, episode_id: Id, payload: RhiIn) -> dict[str, Any]:
    """Record the return home interview: offered, accepted or declined, completed."""
    actor = actor_of(request)
    episode = access_episode_by_id(actor, episode_id)
    services.rhi_record(actor=actor, episode=episode, **payload.model_dump())
    return _episode_out(episode)
