"""Intelligence API: the crime-disclosure and quality check (stores nothing), submissions
(create with the same check enforced; scoped list and detail showing only the parts the
caller may see), and the FIB's grading (3x5x2, or legacy 5x5x5 mapped), sanitised
version, dissemination and search over sanitised text."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.audit import services as audit
from cairn.concerns.api import MentionIn

from . import checks, search, selectors, services
from .access import access_for_fib, access_submission_by_id, visible_submissions
from .models import Handling, HowKnown, IntelGrade, RecipientKind, SourceGrade
from .models import Status as St

router = Router(tags=["intelligence"])
SOURCE = "api"
SubmissionId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _require(actor: Any, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(f"You do not have permission to do this ({permission}).")


class CheckIn(InputSchema):
    text: str = Field(max_length=20_000)
    how_known: HowKnown | None = None
    when_given: bool = True
    mentions: list[MentionIn] = Field(default_factory=list, max_length=50)


class QualityIssueOut(Schema):
    code: str
    message: str


class CheckOut(Schema):
    crime_disclosure: bool
    reasons: list[str]
    quality_issues: list[QualityIssueOut]


class SubmissionIn(InputSchema):
    subject_id: int | None = Field(None, ge=1, le=MAX_ID)
    subject_description: str = Field("", max_length=300)
    what: str = Field(max_length=10_000)
    where: str = Field(max_length=300)
    when_on: dt.date
    when_time: dt.time | None = None
    how_known: HowKnown
    further_information: str = Field("", max_length=10_000)
    mentions: list[MentionIn] = Field(default_factory=list, max_length=50)
    source_is_submitter: bool = False
    source_name: str = Field("", max_length=200)
    source_contact: str = Field("", max_length=300)
    source_relationship: str = Field("", max_length=300)
    crime_reference: str = Field("", max_length=60)
    intel_only_reason: str = Field("", max_length=500)

    def to_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["mentions"] = [
            {k: v for k, v in m.items() if v not in ("", None)} for m in data["mentions"]
        ]
        data["name"] = data.pop("source_name")
        data["contact"] = data.pop("source_contact")
        data["relationship"] = data.pop("source_relationship")
        return data


class EvaluationIn(InputSchema):
    source_grade: SourceGrade | None = None
    intel_grade: IntelGrade | None = None
    handling: Handling | None = None
    conditions: str = Field("", max_length=2000)
    marking: Literal["official", "official_sensitive"] = "official_sensitive"
    legacy_grade: str = Field("", max_length=8, description="A 5x5x5 code such as B24")


class SanitisedIn(InputSchema):
    text: str = Field(max_length=10_000)


class DisseminationIn(InputSchema):
    recipient_kind: RecipientKind
    agency_id: int | None = Field(None, ge=1, le=MAX_ID)
    reason: str = Field(max_length=1000)
    conditions_met: bool = False


class LinkIn(InputSchema):
    mention_index: int | None = Field(None, ge=0, le=49)
    entity_id: int | None = Field(None, ge=1, le=MAX_ID)


class CorrelationOut(Schema):
    entity_id: int
    kind: str
    label: str
    other_reports: int
    other_ids: list[int]


class SubmissionOut(Schema):
    id: int
    reference: str
    submitted_at: dt.datetime | None
    # The original: the submitter and the FIB only.
    status: str | None = None
    submitter_agency: str | None = None
    subject_id: int | None = None
    subject_description: str | None = None
    what: str | None = None
    where: str | None = None
    when_on: dt.date | None = None
    how_known: str | None = None
    mentions: list[dict[str, Any]] | None = None
    # The sanitised version and grading: the FIB and recipients (never the submitter).
    grade: str | None = None
    source_grade: str | None = None
    intel_grade: str | None = None
    handling: str | None = None
    handling_conditions: str | None = None
    legacy_grade: str | None = None
    marking: str | None = None
    sanitised_text: str | None = None
    correlations: list[CorrelationOut] | None = None
    # The FIB only: the reference in the previous system of an imported record.
    external_reference: str | None = None


def _out(actor: Any, submission_id: int) -> dict[str, Any]:
    view = access_submission_by_id(actor, submission_id)
    s = view.submission
    out: dict[str, Any] = {"id": s.pk, "reference": s.reference, "submitted_at": s.submitted_at}
    if view.original:
        out.update(
            status=s.status
            if view.workflow
            else ("draft" if s.status == St.DRAFT else "submitted"),
            submitter_agency=s.submitter_agency.name,
            subject_id=s.subject_id,
            subject_description=s.subject_description,
            what=s.what,
            where=s.where,
            when_on=s.when_on,
            how_known=s.how_known,
            mentions=s.mentions,
        )
    if view.workflow and s.external_reference:
        out["external_reference"] = s.external_reference
    if view.sanitised:
        out.update(
            grade=s.grade,
            source_grade=s.source_grade,
            intel_grade=s.intel_grade,
            handling=s.handling,
            handling_conditions=s.handling_conditions,
            legacy_grade=s.legacy_grade,
            marking=s.marking,
            sanitised_text=s.sanitised_text,
            correlations=[
                {
                    "entity_id": c.entity.pk,
                    "kind": c.entity.kind,
                    "label": c.entity.label,
                    "other_reports": c.count,
                    "other_ids": [o.pk for o in c.others],
                }
                for c in selectors.correlations(actor, s)
            ],
        )
    return out


def _viewed(actor: Any, submission_id: int) -> dict[str, Any]:
    out = _out(actor, submission_id)
    audit.record(
        actor=actor,
        event="intel.viewed",
        obj=access_submission_by_id(actor, submission_id).submission,
        source=SOURCE,
        justification="Intelligence read through the API",
    )
    return out


@router.post("/intelligence/check", response={200: CheckOut, **error_responses(422)})
def check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    """The crime-disclosure and quality check for a text; stores nothing."""
    _require(_actor(request), "intelligence.add_submission")
    result = checks.check(
        payload.text,
        how_known=payload.how_known,
        mentions=[m.model_dump() for m in payload.mentions],
        when_given=payload.when_given,
    )
    return result.as_dict()


@router.post(
    "/intelligence/submissions", response={201: SubmissionOut, **error_responses(404, 422)}
)
def submission_create(request: HttpRequest, payload: SubmissionIn) -> Status[dict[str, Any]]:
    """Submit intelligence to the FIB. A likely crime disclosure is refused (422) unless
    a crime reference, or a reason it is intelligence only, is given."""
    actor = _actor(request)
    submission = services.submission_create(actor=actor, data=payload.to_data())
    return Status(201, _out(actor, submission.pk))


@router.get("/intelligence/submissions", response={200: dict[str, Any], **error_responses()})
def submission_list(
    request: HttpRequest, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> dict[str, Any]:
    """Entries you may open (yours, the FIB's queue, or shared with you), newest first."""
    actor = _actor(request)
    _require(actor, "intelligence.view_submission")
    qs = visible_submissions(actor).exclude(status=St.DRAFT).order_by("-submitted_at", "-pk")
    current = Paginator(qs.only("pk", "submitted_at"), 25).get_page(page)
    audit.record(
        actor=actor, event="intel.listed", source=SOURCE, justification="Listed through the API"
    )
    return {
        "count": current.paginator.count,
        "page": current.number,
        "results": [
            {"id": s.pk, "reference": s.reference, "submitted_at": s.submitted_at} for s in current
        ],
    }


@router.get("/intelligence/search", response={200: dict[str, Any], **error_responses()})
def search_sanitised(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=200)] = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source_grade: SourceGrade | None = None,
    intel_grade: IntelGrade | None = None,
    entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    area: Annotated[str, Query(max_length=100)] = "",
    sort: Literal["relevance", "newest"] = "relevance",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> dict[str, Any]:
    """Full-text search over the sanitised versions you may see. `sort=relevance` (the
    default) ranks by match, except when more than 1,000 reports match: then results come
    newest first and `order_reason` is "broad" (add words or a filter to rank)."""
    actor = _actor(request)
    _require(actor, "intelligence.view_submission")
    filters = search.Filters(
        q=q,
        date_from=date_from,
        date_to=date_to,
        source_grade=source_grade or "",
        intel_grade=intel_grade or "",
        entity_id=entity_id,
        area=area,
        sort=sort,
    )
    paginator = search.paginate(actor, filters, 25)
    current = paginator.get_page(page)
    audit.record(
        actor=actor,
        event="intel.searched",
        source=SOURCE,
        justification="Searched sanitised intelligence through the API",
        details={"q": q[:100]},
    )
    return {
        "count": paginator.count,
        "count_capped": paginator.capped,  # true: more than `count` matches
        "order": paginator.order,  # "relevance" or "newest"
        "order_reason": "broad" if paginator.broad else "requested",
        "page": current.number,
        "results": [
            {
                "id": s.pk,
                "reference": s.reference,
                "grade": s.grade,
                "when_on": s.when_on.isoformat() if s.when_on else None,
                "sanitised_text": s.sanitised_text,
            }
            for s in current
        ],
    }


@router.get(
    "/intelligence/submissions/{submission_id}",
    response={200: SubmissionOut, **error_responses(404)},
)
def submission_detail(request: HttpRequest, submission_id: SubmissionId) -> dict[str, Any]:
    """One entry, with only the parts you may see (original, or sanitised and graded)."""
    actor = _actor(request)
    _require(actor, "intelligence.view_submission")
    return _viewed(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/evaluation",
    response={200: SubmissionOut, **error_responses(404, 422)},
)
def evaluation(
    request: HttpRequest, submission_id: SubmissionId, payload: EvaluationIn
) -> dict[str, Any]:
    """Grade an entry (FIB): 3x5x2, or a legacy 5x5x5 code mapped to it."""
    actor = _actor(request)
    _require(actor, "intelligence.manage_fib")
    submission = access_for_fib(actor, submission_id)
    services.submission_evaluate(
        actor=actor,
        submission=submission,
        source_grade=payload.source_grade or "",
        intel_grade=payload.intel_grade or "",
        handling=payload.handling or "",
        conditions=payload.conditions,
        marking=payload.marking,
        legacy_grade=payload.legacy_grade,
    )
    return _out(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/sanitised",
    response={200: SubmissionOut, **error_responses(404, 422)},
)
def sanitised(
    request: HttpRequest, submission_id: SubmissionId, payload: SanitisedIn
) -> dict[str, Any]:
    """Save the sanitised version (FIB); it must not contain the source's details."""
    actor = _actor(request)
    _require(actor, "intelligence.manage_fib")
    submission = access_for_fib(actor, submission_id)
    services.submission_sanitise(actor=actor, submission=submission, text=payload.text)
    return _out(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/links",
    response={201: SubmissionOut, **error_responses(404, 422)},
)
def link(
    request: HttpRequest, submission_id: SubmissionId, payload: LinkIn
) -> Status[dict[str, Any]]:
    """Link a mention (by index) or a visible POLE record to the entry (FIB)."""
    actor = _actor(request)
    _require(actor, "intelligence.manage_fib")
    submission = access_for_fib(actor, submission_id)
    services.mention_link(
        actor=actor,
        submission=submission,
        mention_index=payload.mention_index,
        entity_id=payload.entity_id,
    )
    return Status(201, _out(actor, submission_id))


@router.post(
    "/intelligence/submissions/{submission_id}/disseminations",
    response={201: SubmissionOut, **error_responses(404, 422)},
)
def dissemination(
    request: HttpRequest, submission_id: SubmissionId, payload: DisseminationIn
) -> Status[dict[str, Any]]:
    """Disseminate the sanitised version and grading (FIB) to the PPU, the Hub or a
    partner agency, as the handling code allows."""
    actor = _actor(request)
    _require(actor, "intelligence.manage_fib")
    submission = access_for_fib(actor, submission_id)
    agency = None
    if payload.agency_id is not None:
        agency = selectors.partner_agencies().filter(pk=payload.agency_id).first()
        if agency is None:
            raise ValidationError({"agency_id": ["No such agency"]})
    services.submission_disseminate(
        actor=actor,
        submission=submission,
        recipient_kind=payload.recipient_kind,
        agency=agency,
        reason=payload.reason,
        conditions_met=payload.conditions_met,
    )
    return Status(201, _out(actor, submission_id))
