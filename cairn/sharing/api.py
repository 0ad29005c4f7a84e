"""Sharing agreements and disclosures by lawful basis in the API: anyone who discloses
may list and read the agreements (to choose one for a disclosure's `agreement_id`); IG
adds them and reads the disclosures. Both lists paginate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import (
    MAX_PAGE,
    Page,
    PageNo,
    page_size_field,
    page_size_query,
    paginate,
)
from cairn.core.http import actor_of, require
from cairn.pole.api import AgencyRef, EntityId

from . import selectors, services
from .forms import DATE_TO_BEFORE_FROM
from .models import (
    AgreementState,
    Disclosure,
    DisclosureKind,
    LawfulBasis,
    ReviewOutcome,
    SharingAgreement,
)

router = Router(tags=["sharing"])
NO_NUL = r"^[^\x00]*$"
PAGE_SIZE = 50


class AgreementOut(Schema):
    id: int
    title: str
    parties: list[AgencyRef]
    purposes: str
    lawful_bases: list[LawfulBasis]
    other_basis: str
    start_date: dt.date
    review_date: dt.date
    state: AgreementState
    review: str = Field(description="'overdue', 'soon' (within 60 days) or '' when not due.")
    document_reference: str
    version: int


class AgreementPage(Page[AgreementOut]):
    pass


class AgreementIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    party_ids: list[int] = Field(min_length=2, max_length=100)
    purposes: str = Field(min_length=1, max_length=5000, pattern=NO_NUL)
    lawful_bases: list[LawfulBasis] = Field(min_length=1, max_length=20)
    other_basis: str = Field("", max_length=300, pattern=NO_NUL)
    start_date: dt.date
    review_date: dt.date
    document_reference: str = Field("", max_length=200, pattern=NO_NUL)


def _agreement_out(agreement: SharingAgreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "parties": list(agreement.parties.all()),
        "purposes": agreement.purposes,
        "lawful_bases": agreement.bases,
        "other_basis": agreement.other_basis,
        "start_date": agreement.start_date,
        "review_date": agreement.review_date,
        "state": agreement.state,
        "review": agreement.review_status(),
        "document_reference": agreement.document_reference,
        "version": agreement.version,
    }


@router.get("/sharing/agreements", response={200: AgreementPage, **error_responses()})
def agreement_list(
    request: HttpRequest,
    state: AgreementState | None = None,
    page: PageNo = 1,
    page_size: int = page_size_query(PAGE_SIZE),
) -> dict[str, Any]:
    """The register of information-sharing agreements (all states unless `state`), the
    next review first."""
    actor = actor_of(request)
    require(actor, "sharing.view_agreement")
    return paginate(
        selectors.agreements_register(state=state or ""),
        page,
        page_size,
        _agreement_out,
        consult=lambda shown: selectors.consult_agreements(
            actor,
            state=state,
            count=len(shown),
            justification="Listed information-sharing agreements",
        ),
    )


@router.get(
    "/sharing/agreements/{agreement_id}",
    response={200: AgreementOut, **error_responses(404, 422)},
)
def agreement_detail(request: HttpRequest, agreement_id: EntityId) -> dict[str, Any]:
    require(actor_of(request), "sharing.view_agreement")
    return _agreement_out(selectors.agreement_by_id(agreement_id))


@router.post("/sharing/agreements", response={201: AgreementOut, **error_responses(422)})
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[Any]:
    """Add an agreement to the register (information governance only)."""
    actor = actor_of(request)
    require(actor, "sharing.manage_agreement")
    parties = list(selectors.all_agencies().filter(pk__in=payload.party_ids))
    if len(parties) != len(set(payload.party_ids)):
        raise DjangoValidationError({"party_ids": ["Choose agencies that exist"]})
    agreement = services.agreement_create(
        actor=actor,
        title=payload.title,
        parties=parties,
        purposes=payload.purposes,
        bases=[b.value for b in payload.lawful_bases],
        other_basis=payload.other_basis,
        start_date=payload.start_date,
        review_date=payload.review_date,
        document_reference=payload.document_reference,
    )
    return Status(201, _agreement_out(agreement))


class DisclosureOut(Schema):
    id: int
    kind: DisclosureKind
    reference: str
    from_agency: AgencyRef
    to_agency: AgencyRef | None
    recipient: str
    agreement_id: int | None
    lawful_basis: LawfulBasis
    exceptional_reason: str
    disclosed_by: str
    disclosed_at: dt.datetime
    # An exceptional disclosure's review by its agency's IG (empty until reviewed).
    reviewed_at: dt.datetime | None
    reviewed_by: str
    review_outcome: ReviewOutcome | None = Field(
        description="'justified' or 'not_justified'; null until reviewed (and for reviews "
        "recorded before the outcome was asked for)."
    )
    review_note: str


class BasisCount(Schema):
    lawful_basis: LawfulBasis
    label: str
    total: int
    exceptional: int


class DisclosurePage(Page[DisclosureOut]):
    by_basis: list[BasisCount] = Field(
        description="Disclosures matching the filters by lawful basis (all pages)."
    )


class DisclosureQuery(Schema):
    lawful_basis: LawfulBasis | None = None
    agreement_id: int | None = Field(None, ge=1, le=MAX_ID)
    agency_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    exceptional_only: bool = False
    awaiting_review: bool = False
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = page_size_field(PAGE_SIZE)


def _disclosure_out(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "reference": d.reference,
        "from_agency": d.from_agency,
        "to_agency": d.to_agency,
        "recipient": d.recipient,
        "agreement_id": d.agreement_id,
        "lawful_basis": d.lawful_basis,
        "exceptional_reason": d.exceptional_reason,
        "disclosed_by": d.disclosed_by.get_username(),
        "disclosed_at": d.disclosed_at,
        "reviewed_at": d.reviewed_at,
        "reviewed_by": d.reviewed_by.get_username() if d.reviewed_by else "",
        "review_outcome": d.review_outcome or None,
        "review_note": d.review_note,
    }


@router.get("/sharing/disclosures", response={200: DisclosurePage, **error_responses(422)})
def disclosure_list(request: HttpRequest, query: Query[DisclosureQuery]) -> dict[str, Any]:
    """Disclosures to other agencies with the basis each relied on, newest first, and the
    counts by lawful basis (information governance only; recorded in the audit log)."""
    actor = actor_of(request)
    require(actor, "sharing.view_disclosures")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        # As on the page: an empty list would pass for "none in that period".
        raise DjangoValidationError({"date_to": DATE_TO_BEFORE_FROM})
    filters = selectors.DisclosureFilters(
        lawful_basis=query.lawful_basis.value if query.lawful_basis else "",
        agreement_id=query.agreement_id,
        agency_id=query.agency_id,
        date_from=query.date_from,
        date_to=query.date_to,
        exceptional_only=query.exceptional_only,
        awaiting_review=query.awaiting_review,
    )
    return paginate(
        selectors.disclosures(filters),
        query.page,
        query.page_size,
        _disclosure_out,
        consult=lambda shown: selectors.consult_disclosures(
            actor, filters, page=shown.number, justification="Listed disclosures by lawful basis"
        ),
        extra={"by_basis": selectors.counts_by_basis(filters)},
    )


class ReviewIn(InputSchema):
    outcome: ReviewOutcome = Field(
        description="Whether the exceptional basis applied: 'justified' or 'not_justified' "
        "(then treat it as a possible personal data breach: the ICO must be told within 72 "
        "hours of becoming aware of a breach that risks people's rights)."
    )
    note: str = Field(..., min_length=1, max_length=1000, pattern=NO_NUL)


@router.post(
    "/sharing/disclosures/{disclosure_id}/review",
    response={200: DisclosureOut, **error_responses(409, 422)},
)
def disclosure_review(
    request: HttpRequest, disclosure_id: EntityId, payload: ReviewIn
) -> dict[str, Any]:
    """Record the review of an exceptional disclosure (the IG of the agency that made it;
    404 for anyone else or any other disclosure). Once only: a second review is 409."""
    disclosure = services.disclosure_review(
        actor=actor_of(request),
        disclosure_id=disclosure_id,
        outcome=payload.outcome,
        note=payload.note,
    )
    return _disclosure_out(disclosure)
