"""Hub API: meetings (with the agenda the caller may see) and actions (mine, my agency's;
complete). Scoped by cairn/hub/access.py; every read and write is audited as on the web
pages. (Missing episodes: cairn/missing/api.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Router, Schema

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require

from . import selectors, services
from .access import access_action_by_id, view_action
from .models import Action, MeetingStatus, MeetingType

router = Router(tags=["hub"])
SOURCE = "api"
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


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


class MeetingPage(Page[MeetingSummaryOut]):
    pass


class ActionPage(Page[ActionOut]):
    pass


class MeetingOut(MeetingSummaryOut):
    venue: str
    chair: str
    marking: str
    attendance: list[AttendanceOut]
    items: list[AgendaItemOut]


class CompleteIn(InputSchema):
    note: str = Field(min_length=1, max_length=4000)


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


@router.get("/hub/meetings", response={200: MeetingPage, **error_responses()})
def meeting_list(
    request: HttpRequest,
    when: Literal["upcoming", "past"] = "upcoming",
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Meetings you chair, attend or own an action in."""
    actor = actor_of(request)
    require(actor, "hub.view_meeting")
    rows = (
        selectors.upcoming_meetings(actor) if when == "upcoming" else selectors.past_meetings(actor)
    )
    return paginate(
        rows,
        page,
        page_size,
        lambda m: {
            "id": m.pk,
            "reference": m.reference,
            "title": m.title,
            "meeting_type": m.meeting_type,
            "starts_at": m.starts_at,
            "status": m.status,
        },
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


@router.get("/hub/actions", response={200: ActionPage, **error_responses()})
def action_list(
    request: HttpRequest,
    scope: Literal["mine", "agency"] = "mine",
    state: Literal["open", "overdue", "due", "complete", "all"] = "open",
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Your actions, or your agency's, filtered by state."""
    actor = actor_of(request)
    require(actor, "hub.view_action")
    today = timezone.localdate()
    base = selectors.agency_actions(actor) if scope == "agency" else selectors.my_actions(actor)
    rows = selectors.filter_actions(base, state, today)
    if state == "open":
        rows = rows.filter(status="open")
    return paginate(
        rows,
        page,
        page_size,
        lambda a: _action_out(a, today),
        consult=lambda shown: selectors.consult_actions(
            actor,
            shown,
            justification="Hub actions listed through the API",
            details={"scope": scope, "state": state},
        ),
    )


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
