"""Hub API: meetings (with the agenda the caller may see), actions (mine, my agency's;
complete), missing episodes (list, record, return, return home interview). Scoped by
cairn/hub/access.py; every read and write is audited as on the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.http import actor_of, require
from cairn.pole.access import access_person_by_id

from . import selectors, services
from .access import access_action_by_id, access_episode_by_id, view_action, view_episode
from .models import Action, MeetingStatus, MeetingType, MissingEpisode, PoliceRiskGrading

router = Router(tags=["hub"])
SOURCE = "api"
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]


class ActionOut(Schema):
    id: int
    reference: str
    description: str
    owner: str
    owner_agency: str
    due_on: dt.date
    status: str
    overdue: bool
    meeting_id: int | None
    # The record the action is about and its agenda item, only when the caller may see
    # them (null otherwise: the action may be theirs while the child is not).
    subject_id: int | None
    item_id: int | None
    completed_at: dt.datetime | None
    completion_note: str


class AgendaItemOut(Schema):
    id: int
    # The item's number on the agenda, the same for every reader (gaps are items about
    # records the caller may not see; how many is not said).
    number: int
    kind: str
    title: str
    reason: str
    subject_id: int | None
    discussion: str
    agreed_level: str
    decisions: str
    next_review_on: dt.date | None
    actions: list[ActionOut]


class AttendanceOut(Schema):
    name: str
    agency: str
    status: str


class MeetingSummaryOut(Schema):
    id: int
    reference: str
    title: str
    meeting_type: MeetingType
    starts_at: dt.datetime
    status: MeetingStatus


class MeetingOut(MeetingSummaryOut):
    venue: str
    chair: str
    marking: str
    attendance: list[AttendanceOut]
    items: list[AgendaItemOut]


class CompleteIn(InputSchema):
    note: str = Field(min_length=1, max_length=4000)


class EpisodeIn(InputSchema):
    child_id: int = Field(ge=1, le=MAX_ID)
    reported_at: dt.datetime
    reported_by: str = Field("", max_length=200)
    police_reference: str = Field("", max_length=60)
    police_risk_grading: PoliceRiskGrading = PoliceRiskGrading.NOT_GRADED
    circumstances: str = Field("", max_length=10_000)
    found_at: dt.datetime | None = None
    where_found: str = Field("", max_length=300)
    out_of_area: bool = False


class EpisodeFromSignIn(InputSchema):
    reported_at: dt.datetime
    reported_by: str = Field("", max_length=200)
    police_reference: str = Field("", max_length=60)
    police_risk_grading: PoliceRiskGrading = PoliceRiskGrading.NOT_GRADED
    circumstances: str = Field("", max_length=10_000)
    found_at: dt.datetime | None = None
    where_found: str = Field("", max_length=300)
    out_of_area: bool = False


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


def _action_out(a: Action, today: dt.date) -> dict[str, Any]:
    return {
        "id": a.pk,
        "reference": a.reference,
        "description": a.description,
        "owner": str(a.owner),
        "owner_agency": a.owner_agency.name,
        "due_on": a.due_on,
        "status": a.status,
        "overdue": a.is_overdue(today),
        "meeting_id": a.meeting_id,
        # Annotated by access.with_reach; without it, nothing is named.
        "subject_id": a.subject_id if getattr(a, "subject_visible", False) else None,
        "item_id": a.item_id if getattr(a, "item_visible", False) else None,
        "completed_at": a.completed_at,
        "completion_note": a.completion_note,
    }


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


def _page(rows: Any, page: int, out: Any, shown: list[Any] | None = None) -> dict[str, Any]:
    """One page of `rows` through `out`; the rows shown are added to `shown` (for the
    list's consultation row)."""
    paginator = Paginator(rows, 25)
    current = paginator.get_page(page)
    if shown is not None:
        shown.extend(current)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [out(r) for r in current],
    }


@router.get("/hub/meetings", response={200: dict[str, Any], **error_responses()})
def meeting_list(
    request: HttpRequest, when: Literal["upcoming", "past"] = "upcoming", page: PageNo = 1
) -> dict[str, Any]:
    """Meetings you chair, attend or own an action in."""
    actor = actor_of(request)
    require(actor, "hub.view_meeting")
    rows = (
        selectors.upcoming_meetings(actor) if when == "upcoming" else selectors.past_meetings(actor)
    )
    return _page(
        rows,
        page,
        lambda m: MeetingSummaryOut(
            id=m.pk,
            reference=m.reference,
            title=m.title,
            meeting_type=m.meeting_type,
            starts_at=m.starts_at,
            status=m.status,
        ).model_dump(mode="json"),
    )


@router.get("/hub/meetings/{meeting_id}", response={200: MeetingOut, **error_responses(404)})
def meeting_detail(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """A meeting with attendance and the agenda items about records you may see."""
    actor = actor_of(request)
    view = selectors.consult_meeting(
        actor, meeting_id, justification="Meeting read through the API", source=SOURCE
    )
    meeting = view.meeting
    today = timezone.localdate()
    return {
        "id": meeting.pk,
        "reference": meeting.reference,
        "title": meeting.title,
        "meeting_type": meeting.meeting_type,
        "starts_at": meeting.starts_at,
        "status": meeting.status,
        "venue": meeting.venue,
        "chair": str(meeting.chair),
        "marking": meeting.get_marking_display(),
        "attendance": [
            {"name": a.name or str(a.user), "agency": a.agency.name, "status": a.status}
            for a in view.attendance
        ],
        "items": [
            {
                "id": i.pk,
                "number": i.number,
                "kind": i.kind,
                "title": i.title,
                "reason": i.reason,
                "subject_id": i.subject_id,
                "discussion": i.discussion,
                "agreed_level": i.agreed_level,
                "decisions": i.decisions,
                "next_review_on": i.next_review_on,
                "actions": [_action_out(a, today) for a in i.actions.all()],
            }
            for i in view.items
        ],
    }


@router.get("/hub/actions", response={200: dict[str, Any], **error_responses()})
def action_list(
    request: HttpRequest,
    scope: Literal["mine", "agency"] = "mine",
    state: Literal["open", "overdue", "due", "complete", "all"] = "open",
    page: PageNo = 1,
) -> dict[str, Any]:
    """Your actions, or your agency's, filtered by state."""
    actor = actor_of(request)
    require(actor, "hub.view_action")
    today = timezone.localdate()
    base = selectors.agency_actions(actor) if scope == "agency" else selectors.my_actions(actor)
    rows = selectors.filter_actions(base, state, today)
    if state == "open":
        rows = rows.filter(status="open")
    shown: list[Action] = []
    out = _page(
        rows, page, lambda a: ActionOut(**_action_out(a, today)).model_dump(mode="json"), shown
    )
    selectors.consult_actions(
        actor,
        shown,
        justification="Hub actions listed through the API",
        details={"scope": scope, "state": state},
    )
    return out


@router.get("/hub/actions/{action_id}", response={200: ActionOut, **error_responses(404)})
def action_detail(request: HttpRequest, action_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    return _action_out(view_action(actor, action_id, source=SOURCE), timezone.localdate())


@router.post(
    "/hub/actions/{action_id}/complete", response={200: ActionOut, **error_responses(404, 422)}
)
def action_complete(request: HttpRequest, action_id: Id, payload: CompleteIn) -> dict[str, Any]:
    """Complete an action you (or your agency) own, saying what was done."""
    actor = actor_of(request)
    action = access_action_by_id(actor, action_id)
    services.action_complete(actor=actor, action=action, note=payload.note)
    return _action_out(action, timezone.localdate())


@router.get("/hub/missing-episodes", response={200: dict[str, Any], **error_responses(404)})
def episode_list(
    request: HttpRequest,
    child_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: PageNo = 1,
) -> dict[str, Any]:
    """Missing episodes of children you may see (newest first)."""
    actor = actor_of(request)
    require(actor, "hub.view_missing")
    child = access_person_by_id(actor, child_id) if child_id is not None else None
    out = _page(
        selectors.episodes_for_list(actor, child=child),
        page,
        lambda e: EpisodeOut(**_episode_out(e)).model_dump(mode="json"),
    )
    selectors.consult_missing_episodes(
        actor,
        [e["child_id"] for e in out["results"]],
        subject=child,
        justification="Missing episodes listed through the API",
    )
    return out


@router.post("/hub/missing-episodes", response={201: EpisodeOut, **error_responses(404, 422)})
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
    "/hub/missing-episodes/{episode_id}", response={200: EpisodeOut, **error_responses(404)}
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
)
def episode_return(request: HttpRequest, episode_id: Id, payload: ReturnIn) -> dict[str, Any]:
    actor = actor_of(request)
    episode = access_episode_by_id(actor, episode_id)
    services.episode_return(actor=actor, episode=episode, **payload.model_dump())
    return _episode_out(episode)


@router.post(
    "/hub/missing-episodes/{episode_id}/interview",
    response={200: EpisodeOut, **error_responses(404, 422)},
)
def episode_interview(request: HttpRequest, episode_id: Id, payload: RhiIn) -> dict[str, Any]:
    """Record the return home interview: offered, accepted or declined, completed."""
    actor = actor_of(request)
    episode = access_episode_by_id(actor, episode_id)
    services.rhi_record(actor=actor, episode=episode, **payload.model_dump())
    return _episode_out(episode)
