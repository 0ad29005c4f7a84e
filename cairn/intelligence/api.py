"""Intelligence API: the crime-disclosure and quality check (stores nothing), submissions
(create with the same check enforced; scoped list and detail showing only the parts the
caller may see), the FIB's grading (3x5x2, or legacy 5x5x5 mapped), sanitised version,
dissemination and search over sanitised text, and the crime route: the FIB's crime
decision (accept the reason, refer for crime recording, return to the submitter), the
submitter's resubmission or withdrawal, and the crime recorder's queue and outcome."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.throttling import api_throttles
from cairn.core.types import Actor
from cairn.pole.mentions import MentionIn, mentions_payload
from cairn.pole.models import LinkType
from cairn.sharing.schemas import BasisIn

from . import checks, linking, search, selectors, services
from .access import (
    SubmissionView,
    access_crime_referral_by_id,
    access_for_fib,
    access_returned_own,
    access_submission_by_id,
    consult_crime_queue,
    is_fib,
    view_crime_referral,
    view_submission,
)
from .forms import CrimeDecision
from .models import (
    CrimeReferral,
    Handling,
    HowKnown,
    IntelGrade,
    RecipientKind,
    SourceGrade,
    Submission,
)
from .models import Status as St

router = Router(tags=["intelligence"])
SOURCE = "api"
SubmissionId = Annotated[int, Path(ge=1, le=MAX_ID)]


class CheckIn(InputSchema):
    text: str = Field(max_length=20_000)
    how_known: HowKnown | None = None
    when_given: bool = True
    mentions: list[MentionIn] = Field(default_factory=list, max_length=50)
    anyone_in_danger: bool | None = Field(
        None, description="The form's first question: is anyone in danger right now?"
    )
    crime_described: bool | None = Field(
        None,
        description="The form's second question: has anyone described something that "
        "happened to them or someone else that could be a crime?",
    )


class QualityIssueOut(Schema):
    code: str
    message: str


class CheckOut(Schema):
    crime_disclosure: bool
    danger_now: bool = Field(
        description="Someone may be in danger now: call 999 before anything else."
    )
    offence_families: list[str] = Field(
        description="The offence families the text reads like, most likely first "
        "(codes such as sexual_offence, online_abuse, trafficking_cce; see the API guide)."
    )
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
    no_danger_now: bool = Field(
        False,
        description="With intel_only_reason, when the check reads the text as someone in "
        "danger right now: true says the submitter has checked that nobody is (otherwise "
        "422; if anyone is, call 999 and give the reference as crime_reference)",
    )
    anyone_in_danger: bool | None = Field(
        None, description="Is anyone in danger right now? (true is a flag: call 999 first)"
    )
    crime_described: bool | None = Field(
        None,
        description="Has anyone described something that could be a crime? (true is a flag: "
        "give the crime reference it was reported under)",
    )

    def to_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        for name in ("anyone_in_danger", "crime_described"):
            answer = data.pop(name)
            data[name] = "" if answer is None else ("yes" if answer else "no")
        data["mentions"] = mentions_payload(data["mentions"])
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


class DisseminationIn(BasisIn):
    recipient_kind: RecipientKind
    agency_id: int | None = Field(None, ge=1, le=MAX_ID)
    reason: str = Field(max_length=1000)
    conditions_met: bool = False


class LinkItemIn(InputSchema):
    mention_index: int = Field(ge=0, le=49, description="Which detail of the entry (from 0)")
    entity_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The existing record it is (one you may see); leave out to create a "
        "new police-only record",
    )
    belongs_to: int | Literal["subject", "none"] = Field(
        description='Whose it is: "subject" (the entry\'s subject), the mention_index of a '
        'person the entry names, or "none" (nobody in the entry: the record is linked to '
        "the entry only)"
    )
    link_type: LinkType | None = Field(
        None,
        description="How it is linked to that person (the usual one for the kind if left "
        "out: uses_phone, owns_vehicle, uses_account, seen_at, associate)",
    )


class EntryLinkIn(InputSchema):
    """The FIB's linking step in one request: the details to link now (the others are
    left for later). Any problem links nothing."""

    items: list[LinkItemIn] = Field(min_length=1, max_length=50)


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
    # The crime route. The submitter, the FIB and the crime recorder: where the entry is
    # (in the submitter's words) and any crime reference; the submitter: the FIB's note
    # when it is returned to them; the FIB: its crime judgement.
    outcome: str | None = None
    crime_reference: str | None = None
    crime_reference_in_text: str | None = Field(
        None,
        description="The reference the entry's own text gives, as the check offered it at "
        'submission ("" if none): with the original.',
    )
    crime_reference_differs: bool | None = Field(
        None,
        description="True: the submitter gave a crime reference other than the one the "
        "entry's text gives (they changed the one offered); check which is right.",
    )
    # The check at submission: the submitter and the FIB.
    crime_flagged: bool | None = None
    danger_now: bool | None = None
    no_danger_confirmed: bool | None = None
    return_note: str | None = None
    crime_judgement: str | None = None
    # The FIB only: an entry escalated as danger now (open until the FIB records what it
    # did: passed or not_danger) and what was recorded.
    danger_state: str | None = None
    danger_note: str | None = None
    danger_actioned_at: dt.datetime | None = None


class CrimeDecisionIn(InputSchema):
    decision: Literal["accept", "refer", "return_crime", "return"] = Field(
        description="accept: the submitter's reason is accepted (intelligence only); refer: "
        "a crime, referred for crime recording; return_crime: a crime, returned to the "
        "submitter to report it; return: returned to the submitter to correct"
    )
    note: str = Field("", max_length=1000)


class DangerActionIn(InputSchema):
    outcome: Literal["passed", "not_danger"] = Field(
        description="passed: passed on for an immediate police response (the control room); "
        "not_danger: nobody is in danger now"
    )
    note: str = Field(
        max_length=1000,
        description='What was done, when and the log number ("Passed to the control room '
        'at 14:02, log 123"), or why nobody is in danger now; at least 10 characters',
    )


class WithdrawIn(InputSchema):
    reason: str = Field("", max_length=500)


class CrimeRecordIn(InputSchema):
    crime_reference: str = Field(max_length=60)


class CrimeReturnIn(InputSchema):
    note: str = Field(max_length=1000)


class SubmissionSummaryOut(Schema):
    id: int
    reference: str
    submitted_at: dt.datetime | None


class SubmissionPage(Page[SubmissionSummaryOut]):
    pass


class SearchHitOut(Schema):
    id: int
    reference: str
    grade: str
    when_on: dt.date | None = Field(description="The date seen (the original's): FIB only.")
    submitted_at: dt.datetime | None
    sanitised_text: str


class SearchPageOut(Page[SearchHitOut]):
    count_capped: bool = Field(description="True: more than `count` reports match.")
    order: Literal["relevance", "newest"]
    order_reason: Literal["requested", "broad"] = Field(
        description='"broad": too many matches to rank, shown newest first.'
    )


class CrimeReferralSummaryOut(Schema):
    id: int
    reference: str
    status: str
    submission_id: int
    child_id: int | None
    referred_at: dt.datetime
    crime_reference: str


class CrimeReferralPage(Page[CrimeReferralSummaryOut]):
    pass


class CrimeReferralOut(Schema):
    id: int
    reference: str
    status: str
    submission_id: int
    submission_reference: str
    child_id: int | None
    concern_id: int | None
    note: str
    referred_at: dt.datetime
    crime_reference: str
    return_note: str
    closed_at: dt.datetime | None
    # The entry as submitted (never the source).
    what: str
    where: str
    when_on: dt.date | None
    subject_description: str


def _out(actor: Actor, submission_id: int, view: SubmissionView | None = None) -> dict[str, Any]:
    view = view or access_submission_by_id(actor, submission_id)
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
    if view.original:
        out["outcome"] = s.submitter_outcome
        out["crime_reference"] = s.crime_reference
        if s.status != St.DRAFT:
            out["crime_reference_in_text"] = s.crime_reference_in_text
            out["crime_reference_differs"] = s.crime_reference_differs
            out["crime_flagged"] = s.crime_flagged
            out["danger_now"] = s.danger_flagged
            out["no_danger_confirmed"] = s.no_danger_confirmed
    if view.is_submitter_only and s.status == St.RETURNED:
        out["return_note"] = s.return_note
    if view.workflow:
        out["crime_judgement"] = s.crime_judgement
        out.update(
            danger_state=s.danger_state,
            danger_note=s.danger_note,
            danger_actioned_at=s.danger_actioned_at,
        )
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


def _viewed(actor: Actor, submission_id: int) -> dict[str, Any]:
    view = view_submission(
        actor, submission_id, justification="Intelligence read through the API", source=SOURCE
    )
    return _out(actor, submission_id, view)


def _for_fib(request: HttpRequest, submission_id: int) -> tuple[Actor, Submission]:
    """The FIB's workflow steps: who asks, who must manage the FIB's work, and the entry
    (one not in the FIB's workflow: 404)."""
    actor = actor_of(request)
    require(actor, "intelligence.manage_fib")
    return actor, access_for_fib(actor, submission_id)


def _returned_own(request: HttpRequest, submission_id: int) -> tuple[Actor, Submission]:
    """The submitter's steps on an entry the FIB returned to them (anyone else: 404)."""
    actor = actor_of(request)
    require(actor, "intelligence.add_submission")
    return actor, access_returned_own(actor, submission_id)


@router.post("/intelligence/check", response={200: CheckOut, **error_responses(422)})
def check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    """The crime-disclosure and quality check for a text; stores nothing."""
    require(actor_of(request), "intelligence.add_submission")
    result = checks.check(
        payload.text,
        how_known=payload.how_known,
        mentions=[m.model_dump() for m in payload.mentions],
        when_given=payload.when_given,
        said_danger=bool(payload.anyone_in_danger),
        said_crime=bool(payload.crime_described),
    )
    return result.as_dict()


@router.post(
    "/intelligence/submissions", response={201: SubmissionOut, **error_responses(404, 422)}
)
def submission_create(request: HttpRequest, payload: SubmissionIn) -> Status[dict[str, Any]]:
    """Submit intelligence to the FIB. A likely crime disclosure is refused (422) unless
    a crime reference, or a reason it is intelligence only, is given."""
    actor = actor_of(request)
    submission = services.submission_create(actor=actor, data=payload.to_data())
    return Status(201, _out(actor, submission.pk))


@router.get("/intelligence/submissions", response={200: SubmissionPage, **error_responses()})
def submission_list(
    request: HttpRequest, page: PageNo = 1, page_size: int = page_size_query(25)
) -> dict[str, Any]:
    """Entries you may open (yours, the FIB's queue, or shared with you), newest first."""
    actor = actor_of(request)
    require(actor, "intelligence.view_submission")
    return paginate(
        selectors.api_submissions(actor),
        page,
        page_size,
        consult=lambda shown: selectors.consult_submissions(
            actor, shown, justification="Listed through the API"
        ),
    )


@router.get(
    "/intelligence/search",
    response={200: SearchPageOut, **error_responses()},
    throttle=api_throttles("search"),
)
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
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """Full-text search over the sanitised versions you may see. `sort=relevance` (the
    default) ranks by match, except when more than 1,000 reports match: then results come
    newest first and `order_reason` is "broad" (add words or a filter to rank)."""
    actor = actor_of(request)
    require(actor, "intelligence.view_submission")
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
    paginator = search.paginate(actor, filters, page_size)
    fib = is_fib(actor)
    return paginate(
        paginator,
        page,
        page_size,
        lambda s: {
            "id": s.pk,
            "reference": s.reference,
            "grade": s.grade,
            # The date seen belongs to the original: the FIB only.
            "when_on": s.when_on if fib else None,
            "submitted_at": s.submitted_at,
            "sanitised_text": s.sanitised_text,
        },
        consult=lambda shown: selectors.consult_search(
            actor, shown, q=q, justification="Searched sanitised intelligence through the API"
        ),
        extra={
            "count_capped": paginator.capped,  # true: more than `count` matches
            "order": paginator.order,  # "relevance" or "newest"
            "order_reason": "broad" if paginator.broad else "requested",
        },
    )


@router.get(
    "/intelligence/submissions/{submission_id}",
    response={200: SubmissionOut, **error_responses(404)},
)
def submission_detail(request: HttpRequest, submission_id: SubmissionId) -> dict[str, Any]:
    """One entry, with only the parts you may see (original, or sanitised and graded)."""
    actor = actor_of(request)
    require(actor, "intelligence.view_submission")
    return _viewed(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/evaluation",
    response={200: SubmissionOut, **error_responses(404, 422)},
)
def evaluation(
    request: HttpRequest, submission_id: SubmissionId, payload: EvaluationIn
) -> dict[str, Any]:
    """Grade an entry (FIB): 3x5x2, or a legacy 5x5x5 code mapped to it."""
    actor, submission = _for_fib(request, submission_id)
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
    actor, submission = _for_fib(request, submission_id)
    services.submission_sanitise(actor=actor, submission=submission, text=payload.text)
    return _out(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/links",
    response={201: SubmissionOut, **error_responses(404, 422)},
)
def link(
    request: HttpRequest, submission_id: SubmissionId, payload: EntryLinkIn
) -> Status[dict[str, Any]]:
    """The FIB's linking step: link the entry's details (by index) to their records, and
    each to the person it belongs to (the subject or a person the entry names), in one
    request. Sending it again adds nothing twice."""
    actor, submission = _for_fib(request, submission_id)
    services.mentions_link(
        actor=actor,
        submission=submission,
        answers=[
            services.LinkAnswer(
                mention_index=item.mention_index,
                record=str(item.entity_id) if item.entity_id else linking.NEW,
                belongs_to=item.belongs_to,
                link_type=item.link_type or "",
            )
            for item in payload.items
        ],
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
    actor, submission = _for_fib(request, submission_id)
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
        claim=payload.claim(),
    )
    return Status(201, _out(actor, submission_id))


@router.post(
    "/intelligence/submissions/{submission_id}/crime-decision",
    response={200: SubmissionOut, **error_responses(404, 422)},
)
def crime_decision(
    request: HttpRequest, submission_id: SubmissionId, payload: CrimeDecisionIn
) -> dict[str, Any]:
    """The FIB's decision on an entry (usually one the crime check flagged): accept the
    submitter's reason, refer the crime for recording (the PPU / CSE co-ordinators; a
    logged disclosure), or return it to the submitter with a note. A note is required to
    refer or return. The submitter is notified of each outcome."""
    actor, submission = _for_fib(request, submission_id)
    if payload.decision == CrimeDecision.ACCEPT:
        services.submission_accept_reason(actor=actor, submission=submission, note=payload.note)
    elif payload.decision == CrimeDecision.REFER:
        services.submission_refer_crime(actor=actor, submission=submission, note=payload.note)
    else:
        services.submission_return(
            actor=actor,
            submission=submission,
            note=payload.note,
            is_crime=payload.decision == CrimeDecision.RETURN_CRIME,
        )
    return _out(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/danger-action",
    response={200: SubmissionOut, **error_responses(404, 409, 422)},
)
def danger_action(
    request: HttpRequest, submission_id: SubmissionId, payload: DangerActionIn
) -> dict[str, Any]:
    """The FIB records what it did about an entry escalated as danger now (sent after the
    warning, or the submitter said someone is in danger); that ends the urgent state.
    409: another FIB officer recorded it first (the detail says what they recorded)."""
    actor, submission = _for_fib(request, submission_id)
    services.submission_danger_action(
        actor=actor, submission=submission, outcome=payload.outcome, note=payload.note
    )
    return _out(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/resubmit",
    response={200: SubmissionOut, **error_responses(404, 422)},
)
def resubmit(
    request: HttpRequest, submission_id: SubmissionId, payload: SubmissionIn
) -> dict[str, Any]:
    """Resubmit an entry the FIB returned to you, with its details replaced; the crime
    check applies as on first submission."""
    actor, submission = _returned_own(request, submission_id)
    services.submission_resubmit(actor=actor, submission=submission, data=payload.to_data())
    return _out(actor, submission_id)


@router.post(
    "/intelligence/submissions/{submission_id}/withdraw",
    response={200: SubmissionOut, **error_responses(404, 422)},
)
def withdraw(
    request: HttpRequest, submission_id: SubmissionId, payload: WithdrawIn
) -> dict[str, Any]:
    """Withdraw an entry the FIB returned to you (the FIB is told). Cannot be undone."""
    actor, submission = _returned_own(request, submission_id)
    services.submission_withdraw(actor=actor, submission=submission, reason=payload.reason)
    return _out(actor, submission_id)


def _referral_out(referral: CrimeReferral) -> dict[str, Any]:
    s = referral.submission
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "submission_id": s.pk,
        "submission_reference": s.reference,
        "child_id": referral.child_id,
        "concern_id": referral.concern_id,
        "note": referral.note,
        "referred_at": referral.referred_at,
        "crime_reference": referral.crime_reference,
        "return_note": referral.return_note,
        "closed_at": referral.closed_at,
        "what": s.what,
        "where": s.where,
        "when_on": s.when_on,
        "subject_description": s.subject_description,
    }


def _referral_viewed(actor: Actor, referral_id: int) -> dict[str, Any]:
    referral = view_crime_referral(
        actor, referral_id, justification="Crime referral read through the API", source=SOURCE
    )
    return _referral_out(referral)


ReferralId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/intelligence/crime-referrals", response={200: CrimeReferralPage, **error_responses()})
def crime_referral_list(
    request: HttpRequest,
    status: Literal["open", "recorded", "returned"] = "open",
    page: PageNo = 1,
    page_size: int = page_size_query(25),
) -> dict[str, Any]:
    """The crime recording queue (PPU / CSE co-ordinators): waiting referrals oldest first,
    recorded or returned ones newest first."""
    actor = actor_of(request)
    require(actor, "intelligence.record_crime")
    return paginate(
        selectors.crime_referral_queue(actor, status),
        page,
        page_size,
        consult=lambda shown: consult_crime_queue(
            actor, shown, tab=f"{status} (API)", source=SOURCE
        ),
    )


@router.get(
    "/intelligence/crime-referrals/{referral_id}",
    response={200: CrimeReferralOut, **error_responses(404)},
)
def crime_referral_detail(request: HttpRequest, referral_id: ReferralId) -> dict[str, Any]:
    """One crime referral with the entry (never the source) and its subject. Anyone but a
    crime recorder gets 404, as on the web page: a referral they may not see is not there."""
    actor = actor_of(request)
    return _referral_viewed(actor, referral_id)


@router.post(
    "/intelligence/crime-referrals/{referral_id}/record",
    response={200: CrimeReferralOut, **error_responses(404, 422)},
)
def crime_referral_record(
    request: HttpRequest, referral_id: ReferralId, payload: CrimeRecordIn
) -> dict[str, Any]:
    """Record the crime reference (letters, numbers, spaces, slashes or hyphens, with at least one
    number). The submitter and the referring FIB officer are told; the concern and the
    child's chronology show "crime reported, reference ...". Cannot be changed after."""
    actor = actor_of(request)
    referral = access_crime_referral_by_id(actor, referral_id)
    services.crime_referral_record(
        actor=actor, referral=referral, crime_reference=payload.crime_reference
    )
    return _referral_out(access_crime_referral_by_id(actor, referral_id))


@router.post(
    "/intelligence/crime-referrals/{referral_id}/return",
    response={200: CrimeReferralOut, **error_responses(404, 422)},
)
def crime_referral_return(
    request: HttpRequest, referral_id: ReferralId, payload: CrimeReturnIn
) -> dict[str, Any]:
    """Return the referral to the FIB with a note (the referring officer is told)."""
    actor = actor_of(request)
    referral = access_crime_referral_by_id(actor, referral_id)
    services.crime_referral_return(actor=actor, referral=referral, note=payload.note)
    return _referral_out(access_crime_referral_by_id(actor, referral_id))
