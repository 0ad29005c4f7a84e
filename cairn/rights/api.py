"""Subject access requests over the API (ADR 0025): the list, one request with its
bundle's parts and approvals, logging a request (with the authority check and the
duplicate confirmation the web form asks for) and withdrawing or closing one without a
disclosure, and deciding the entries that name the requester in words only. IG only:
other roles get 403, a request IG may not see 404. Confirming, redacting and disclosing
stay on the web, where IG reads each record."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of
from cairn.core.types import Actor

from . import access, selectors, services

router = Router(tags=["rights"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PAGE_SIZE = 50


def _require_ig(actor: Actor, what: str = "Subject access requests") -> None:
    if not access.is_ig(actor):
        raise PermissionDenied(f"{what} are for information governance.")


class SarIn(InputSchema):
    requester: str = Field(..., min_length=1, max_length=200)
    requester_kind: Literal["subject", "representative", "parent"]
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    other_names: str = Field("", max_length=500)
    received_on: dt.date
    # Required true for a parent or carer (parental responsibility) or a representative
    # (written authority): 422 otherwise.
    authority_checked: bool = False
    # An open request for the same name and date of birth answers 422 on
    # `confirm_duplicate`; send true to log this one as well.
    confirm_duplicate: bool = False


class SarCloseIn(InputSchema):
    # The same reasons as the web form (models.SarCloseReason).
    reason: Literal[
        "withdrawn",
        "identity_not_verified",
        "manifestly_unfounded",
        "manifestly_excessive",
        "duplicate",
    ]
    note: str = Field(..., max_length=2000)
    # The step cannot be undone: the caller confirms it, as the web's confirmation page.
    confirmed: bool = False


class SarOut(Schema):
    id: int
    reference: str
    status: str
    requester: str
    requester_kind: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    other_names: str
    received_on: dt.date
    due_on: dt.date
    overdue: bool
    extension_months: int
    extension_reason: str
    recipient: str
    method: str
    disclosed_at: dt.datetime | None
    authority_checked: bool
    possible_duplicate_of: str
    close_reason: str
    close_note: str
    closed_at: dt.datetime | None


class ItemOut(Schema):
    id: int
    record_type: str
    record_id: str
    title: str
    content_shown: bool
    agency: str
    police_only: bool
    withheld_exemption: str
    # IG's own words and agency, not the record's: the holding agency sees a withholding
    # by the handling IG, and may undo it on the page.
    withheld_reason: str
    withheld_by_agency: str
    redactions: int


class PartOut(Schema):
    agency: str
    items: int
    approved: bool
    approved_at: dt.datetime | None
    police: bool
    taken_over: bool
    taken_over_at: dt.datetime | None
    taken_over_reason: str


class SarDetailOut(SarOut):
    people: list[int]
    items: list[ItemOut]
    parts: list[PartOut]


class SarPage(Page[SarOut]):
    pass


def _sar(sar: Any) -> dict[str, Any]:
    return {
        "id": sar.pk,
        "reference": sar.reference,
        "status": sar.status,
        "requester": sar.requester,
        "requester_kind": sar.requester_kind,
        "given_name": sar.given_name,
        "family_name": sar.family_name,
        "date_of_birth": sar.date_of_birth,
        "other_names": sar.other_names,
        "received_on": sar.received_on,
        "due_on": sar.due_on,
        "overdue": sar.overdue,
        "extension_months": sar.extension_months,
        "extension_reason": sar.extension_reason,
        "recipient": sar.recipient,
        "method": sar.method,
        "disclosed_at": sar.disclosed_at,
        "authority_checked": sar.authority_checked,
        "possible_duplicate_of": (
            sar.possible_duplicate_of.reference if sar.possible_duplicate_of_id else ""
        ),
        "close_reason": sar.close_reason,
        "close_note": sar.close_note,
        "closed_at": sar.closed_at,
    }


@router.get("/rights/access-requests", response={200: SarPage, **error_responses()})
def sar_list(
    request: HttpRequest,
    status: Literal["open", "disclosed", "closed"] = "open",
    page: PageNo = 1,
    page_size: int = page_size_query(PAGE_SIZE),
) -> dict[str, Any]:
    """Subject access requests, open ones by due date (or disclosed, or withdrawn or
    closed without disclosure, latest first)."""
    actor = actor_of(request)
    _require_ig(actor)
    return paginate(
        selectors.sars_list(actor, status=status).prefetch_related("people"),
        page,
        page_size,
        _sar,
        consult=lambda shown: selectors.consult_sars(
            actor, shown, status=status, justification="Listed subject access requests"
        ),
    )


def _placeholder_title(item: Any) -> str:
    police = " (police-only)" if item.police_only else ""
    return f"A record held by {item.agency.name}{police}"


@router.get("/rights/access-requests/{sar_id}", response={200: SarDetailOut, **error_responses()})
def sar_detail(request: HttpRequest, sar_id: Id) -> dict[str, Any]:
    """One request: its clock, the records confirmed, the bundle's items (titles and
    redaction counts, not their text) and each owning agency's approval. The IG of an
    agency approving its part sees that part's items only."""
    actor = actor_of(request)
    _require_ig(actor)
    sar = access.access_sar_by_id(actor, sar_id)
    own = None if access.is_sar_handler(actor, sar) else actor.agency_id
    people = selectors.sar_subjects(sar)
    selectors.consult_sar(
        actor, sar, justification=f"Opened subject access request {sar.reference}"
    )
    return {
        **_sar(sar),
        "people": people,
        "items": [
            {
                "id": i.pk,
                "record_type": i.record_type,
                "record_id": i.record_id if i.shown else "",
                # Another agency's item before its approval: only who holds it (ADR
                # 0025). Non-police IG is never given a police-only item at all.
                "title": i.title if i.shown else _placeholder_title(i),
                "content_shown": i.shown,
                "agency": i.agency.name,
                "police_only": i.police_only,
                "withheld_exemption": i.withheld_exemption,
                "withheld_reason": i.withheld_reason,
                "withheld_by_agency": i.withheld_by.agency.name
                if i.withheld_by is not None and i.withheld_by.agency is not None
                else "",
                "redactions": len(i.redactions.all()),
            }
            for i in selectors.sar_items(sar, own, viewer=actor)
        ],
        "parts": [
            {
                "agency": p["agency"].name,
                "items": p["items"],
                "approved": p["approval"] is not None,
                "approved_at": p["approval"].approved_at if p["approval"] else None,
                "police": p["police"],
                "taken_over": p["takeover"] is not None,
                "taken_over_at": p["takeover"].taken_at if p["takeover"] else None,
                "taken_over_reason": p["takeover"].reason if p["takeover"] else "",
            }
            for p in selectors.sar_parts(sar, viewer=actor)
        ],
    }


@router.post("/rights/access-requests", response={201: SarOut, **error_responses(409, 422)})
def sar_create(request: HttpRequest, payload: SarIn) -> Status[dict[str, Any]]:
    """Log a subject access request; the one-month clock runs from `received_on`."""
    actor = actor_of(request)
    _require_ig(actor)
    sar = services.sar_log(actor=actor, **payload.dict())
    return Status(201, _sar(sar))


@router.post(
    "/rights/access-requests/{sar_id}/close",
    response={200: SarOut, **error_responses(409, 422)},
)
def sar_close(request: HttpRequest, sar_id: Id, payload: SarCloseIn) -> dict[str, Any]:
    """Withdraw or close an open request without a disclosure (irreversible: send
    `confirmed: true`); `note` says what happened, in at least 20 characters."""
    actor = actor_of(request)
    _require_ig(actor)
    sar = services.sar_close(actor=actor, sar_id=sar_id, **payload.dict())
    return _sar(sar)


# Entries naming the requester in words only (ADR 0025, amendment "unlinked entries"):
# the handling IG of a bundle that may hold intelligence lists and decides them, as on
# the request's page.


class PossibleHitOut(Schema):
    field: str = Field(description="subject_description, mention, what or further_information")
    label: str
    before: str
    match: str = Field(description="The name as written in the entry")
    after: str


class PossibleEntryOut(Schema):
    id: int
    reference: str
    submitted_at: dt.datetime | None
    agency: str
    subject_text: str
    hits: list[PossibleHitOut]
    status: Literal["open", "included", "not_them"]
    reason: str
    decided_at: dt.datetime | None
    decided_by: str
    item: int | None = Field(description="The bundle item it became, once included")


class PossibleEntryPage(Page[PossibleEntryOut]):
    pass


class PossibleDecisionIn(InputSchema):
    decision: Literal["include", "not_them"]
    # Required for "not_them", at least 10 characters: why it is not about them.
    reason: str = Field("", max_length=2000)
    # Change a decision already made, while the request is in review (reason required).
    change: bool = False


def _possible(entry: Any) -> dict[str, Any]:
    by = entry.decided_by
    return {
        "id": entry.pk,
        "reference": entry.reference,
        "submitted_at": entry.submitted_at,
        "agency": entry.agency.name,
        "subject_text": entry.subject_text,
        "hits": entry.hits,
        "status": entry.status,
        "reason": entry.reason,
        "decided_at": entry.decided_at,
        "decided_by": (by.get_full_name() or by.get_username()) if by is not None else "",
        "item": entry.item_id,
    }


@router.get(
    "/rights/access-requests/{sar_id}/possible-entries",
    response={200: PossibleEntryPage, **error_responses()},
)
def possible_entry_list(
    request: HttpRequest,
    sar_id: Id,
    page: PageNo = 1,
    page_size: int = page_size_query(PAGE_SIZE),
) -> dict[str, Any]:
    """Intelligence entries that name the requester in words only (not linked to their
    record), waiting ones first, with where they name them. For the handling IG; the
    request cannot be disclosed while any is `open`."""
    actor = actor_of(request)
    _require_ig(actor)
    sar = access.access_sar_by_id(actor, sar_id)
    return paginate(
        selectors.possible_entries(actor, sar),
        page,
        page_size,
        _possible,
        consult=lambda shown: selectors.consult_possible_entries(actor, sar, shown),
    )


@router.post(
    "/rights/access-requests/{sar_id}/possible-entries/{entry_id}/decision",
    response={200: PossibleEntryOut, **error_responses(409, 422)},
)
def possible_entry_decide(
    request: HttpRequest, sar_id: Id, entry_id: Id, payload: PossibleDecisionIn
) -> dict[str, Any]:
    """Decide one: `include` (about them: it becomes an item of its agency's part) or
    `not_them` with a reason. 409 when it was decided already, unless `change` (with a
    reason) changes it while the request is in review."""
    actor = actor_of(request)
    _require_ig(actor)
    entry = services.sar_possible_decide(
        actor=actor, sar_id=sar_id, entry_id=entry_id, **payload.dict()
    )
    return _possible(entry)


# Possible duplicates of a restricted record (ADR 0023, amendments): their state, for the
# IG holding the restriction. Deciding stays on the web, where IG compares the two.


class DuplicateAlertOut(Schema):
    id: int
    status: Literal["open", "same", "not_same", "lifted"] = Field(
        description='"same": the restriction was extended to the new record; "not_same": '
        'closed as someone else; "lifted": the restriction ended before a decision'
    )
    restricted_record: int
    new_record: int
    percent: int
    request: str = Field(description="The rights request of the restriction, if any")
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str
    reason: str


class DuplicateAlertPage(Page[DuplicateAlertOut]):
    pass


def _alert(alert: Any) -> dict[str, Any]:
    rr = alert.restriction.request
    by = alert.decided_by
    return {
        "id": alert.pk,
        "status": alert.status,
        "restricted_record": alert.restriction.person_id,
        "new_record": alert.person_id,
        "percent": alert.percent,
        "request": rr.reference if rr is not None else "",
        "created_at": alert.created_at,
        "decided_at": alert.decided_at,
        "decided_by": (by.get_full_name() or by.get_username()) if by is not None else "",
        "reason": alert.reason,
    }


@router.get("/rights/duplicate-alerts", response={200: DuplicateAlertPage, **error_responses()})
def duplicate_alert_list(
    request: HttpRequest, page: PageNo = 1, page_size: int = page_size_query(PAGE_SIZE)
) -> dict[str, Any]:
    """New records that strongly matched a restricted record your agency holds the
    restriction of, latest first, with IG's decision (record ids only)."""
    actor = actor_of(request)
    _require_ig(actor, "Duplicate-record alerts")
    return paginate(
        selectors.duplicate_alerts_list(actor).select_related("restriction__request"),
        page,
        page_size,
        _alert,
        consult=lambda shown: selectors.consult_duplicate_alerts(actor, shown),
    )
