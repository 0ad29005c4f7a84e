"""Every write for intelligence: drafts, submission (with the crime-disclosure check and
the protected source record), the FIB's triage, 3x5x2 evaluation, sanitised version,
linking mentions to POLE records and dissemination. Keyword-only, actor first, atomic,
validated, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import HUB_WIDE_ROLES, Role
from cairn.audit import services as audit
from cairn.concerns.models import Concern
from cairn.concerns.payload import MENTION_KINDS, parse_date
from cairn.notifications import services as notifications
from cairn.pole import services as pole
from cairn.pole.access import access_entity_by_id, access_person_by_id
from cairn.pole.models import EntityKind, LinkType, NameKind, SecurityMarking
from cairn.pole.selectors import find_visible_object

from . import checks, grading, search
from .models import (
    Dissemination,
    Handling,
    HowKnown,
    IntelGrade,
    Priority,
    RecipientKind,
    SourceGrade,
    SourceRecord,
    Status,
    Submission,
    SubmissionEntity,
)

if TYPE_CHECKING:
    from .legacy_import import LegacyRow

DRAFT_FIELDS = (
    "subject_description",
    "what",
    "where",
    "when_on",
    "when_time",
    "how_known",
    "further_information",
)
SOURCE_FIELDS = ("source_is_submitter", "name", "contact", "relationship")
MAX_WHAT = 10_000
DEFAULT_LINK = {
    "person": LinkType.ASSOCIATE,
    "vehicle": LinkType.SEEN_IN_VEHICLE,
    "phone": LinkType.USES_PHONE,
    "online_account": LinkType.USES_ACCOUNT,
    "location": LinkType.SEEN_AT,
}
CRIME_ROUTE = (
    "This reads as a crime disclosure, and a crime must not be reported on a FIB form: "
    "intelligence creates no crime record, so there would be no investigation and no victim "
    "care. Call 999 if anyone is in immediate danger, otherwise report it on 101 (or online), "
    "and make a MASH referral for the child. Then either remove the crime from this entry, "
    "or give the crime reference it was reported under."
)


def _require(actor: Any, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(f"You do not have permission to do this ({permission}).")
    if actor.agency_id is None:
        raise PermissionDenied("Your account is not attached to an agency.")


def _fib_officers() -> list[User]:
    return list(User.objects.filter(role=Role.FIB_OFFICER, is_active=True))


def check_text(submission: Submission) -> checks.CheckResult:
    """The crime-disclosure and quality check for a submission as it stands."""
    text = "\n".join(t for t in (submission.what, submission.further_information) if t)
    return checks.check(
        text,
        how_known=submission.how_known or None,
        mentions=list(submission.mentions or []),
        when_given=submission.when_on is not None,
    )


@transaction.atomic
def submission_start(*, actor: Any, concern: Concern | None = None) -> Submission:
    """Start a draft; from a concern (which the caller got through the concerns access
    layer), copy its child, narrative, place, date and mentions."""
    _require(actor, "intelligence.add_submission")
    submission = Submission(submitter=actor, submitter_agency=actor.agency)
    if concern is not None:
        submission.concern = concern
        submission.subject = concern.child
        submission.what = concern.narrative
        submission.where = concern.observed_where
        submission.when_on = concern.observed_on
        submission.when_time = concern.observed_time
        submission.mentions = [
            m for m in (concern.draft.get("mentions") or []) if m.get("kind") in MENTION_KINDS
        ]
    submission.save()
    audit.record(
        actor=actor,
        event="intel.started",
        obj=submission,
        subject=submission.subject,
        justification="Started an intelligence submission"
        + (f" from concern {concern.reference}" if concern else ""),
    )
    return submission


def _own_draft(actor: Any, submission: Submission) -> None:
    if submission.submitter_id != actor.pk or submission.status != Status.DRAFT:
        raise PermissionDenied("Only the person who started this draft can change it.")


def _clean_fields(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("subject_description", "where"):
        if name in data:
            out[name] = str(data[name] or "").strip()[:300]
    for name in ("what", "further_information"):
        if name in data:
            out[name] = str(data[name] or "").strip()
            if len(out[name]) > MAX_WHAT:
                errors.setdefault(name, []).append(f"This must be {MAX_WHAT:,} characters or fewer")
    if "when_on" in data:
        try:
            out["when_on"] = parse_date(data["when_on"])
        except ValueError:
            errors.setdefault("when_on", []).append("Date must be a real date")
        else:
            if out["when_on"] and out["when_on"] > timezone.localdate():
                errors.setdefault("when_on", []).append("Date must be today or in the past")
    if "when_time" in data:
        raw = data["when_time"]
        if raw in (None, ""):
            out["when_time"] = None
        elif isinstance(raw, dt.time):
            out["when_time"] = raw.replace(tzinfo=None)
        else:
            try:
                out["when_time"] = dt.time.fromisoformat(str(raw)).replace(tzinfo=None)
            except ValueError:
                errors.setdefault("when_time", []).append("Time must be a real time, like 15:20")
    if "how_known" in data:
        value = data["how_known"] or ""
        if value and value not in HowKnown.values:
            errors.setdefault("how_known", []).append("Choose how the source knows")
        out["how_known"] = value
    return out


@transaction.atomic
def submission_save_draft(
    *, actor: Any, submission: Submission, data: dict[str, Any]
) -> dict[str, list[str]]:
    """Save what was given (valid fields) and the source fields; return field errors."""
    _own_draft(actor, submission)
    errors: dict[str, list[str]] = {}
    cleaned = _clean_fields(data, errors)
    for name, value in cleaned.items():
        if name not in errors:
            setattr(submission, name, value)
    source = {k: data[k] for k in SOURCE_FIELDS if k in data}
    if source:
        submission.draft_source = {
            **submission.draft_source,
            **{
                k: (bool(v) if k == "source_is_submitter" else str(v or "")[:300])
                for k, v in source.items()
            },
        }
    if "subject_id" in data:
        subject_id = data["subject_id"]
        submission.subject = access_person_by_id(actor, int(subject_id)) if subject_id else None
    if "mentions" in data:
        mentions = data["mentions"] or []
        if not isinstance(mentions, list) or any(
            not isinstance(m, dict) or m.get("kind") not in MENTION_KINDS for m in mentions
        ):
            errors.setdefault("mentions", []).append(
                "Each detail must be a person, vehicle, phone, online account or place"
            )
        else:
            submission.mentions = mentions
    submission.save()
    audit.record(
        actor=actor,
        event="intel.draft_saved",
        obj=submission,
        subject=submission.subject,
        justification="Intelligence draft saved",
        details={"fields": sorted(k for k in data if k not in SOURCE_FIELDS)},
    )
    return errors


def _completeness_errors(submission: Submission) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (submission.subject_id or submission.subject_description.strip()):
        errors["subject_description"] = ["Say who this entry is about (one subject per entry)"]
    if not submission.what.strip():
        errors["what"] = ["Describe what was seen or heard"]
    if not submission.where.strip():
        errors["where"] = ["Say where it was seen or heard"]
    if submission.when_on is None:
        errors["when_on"] = ["Enter the date it was seen or heard"]
    if not submission.how_known:
        errors["how_known"] = ["Select how the source knows this"]
    return errors


@transaction.atomic
def submission_submit(
    *,
    actor: Any,
    submission: Submission,
    crime_reference: str = "",
    intel_only_reason: str = "",
) -> Submission:
    """Submit a draft to the FIB. A likely crime disclosure is blocked until the text is
    intelligence only, or the submitter gives the crime reference it was reported under
    (or, for a wrong flag, says why it is intelligence only: the FIB sees that reason)."""
    _own_draft(actor, submission)
    errors = _completeness_errors(submission)
    result = check_text(submission)
    crime_reference = crime_reference.strip()[:60]
    intel_only_reason = intel_only_reason.strip()[:500]
    if result.crime_disclosure and not (crime_reference or intel_only_reason):
        errors.setdefault("what", []).append(CRIME_ROUTE)
    if errors:
        raise ValidationError(errors)
    source = submission.draft_source or {}
    SourceRecord.objects.create(
        submission=submission,
        source_is_submitter=bool(source.get("source_is_submitter")),
        name=str(source.get("name") or ""),
        contact=str(source.get("contact") or ""),
        relationship=str(source.get("relationship") or ""),
    )
    submission.draft_source = {}
    submission.check_result = result.as_dict()
    submission.crime_reference = crime_reference if result.crime_disclosure else ""
    submission.intel_only_reason = intel_only_reason if result.crime_disclosure else ""
    submission.status = Status.NEW
    submission.submitted_at = timezone.now()
    submission.save()
    search.fts_sync(submission.pk, "")
    audit.record(
        actor=actor,
        event="intel.submitted",
        obj=submission,
        subject=submission.subject,
        justification="Intelligence submitted to the FIB",
        details={
            "crime_flag": result.crime_disclosure,
            "crime_reference": bool(submission.crime_reference),
            "quality_issues": [q.code for q in result.quality_issues],
        },
    )
    notifications.notify(
        recipients=_fib_officers(),
        kind="intel.submitted",
        title=f"New intelligence {submission.reference} from {submission.submitter_agency.name}",
        body="A new entry is waiting in the FIB queue.",
        url=reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )
    return submission


@transaction.atomic
def submission_create(*, actor: Any, data: dict[str, Any]) -> Submission:
    """Start, fill and submit in one step (the API)."""
    submission = submission_start(actor=actor)
    errors = submission_save_draft(actor=actor, submission=submission, data=data)
    if errors:
        raise ValidationError(errors)
    return submission_submit(
        actor=actor,
        submission=submission,
        crime_reference=str(data.get("crime_reference") or ""),
        intel_only_reason=str(data.get("intel_only_reason") or ""),
    )


@transaction.atomic
def submission_discard_draft(*, actor: Any, submission: Submission) -> None:
    _own_draft(actor, submission)
    audit.record(
        actor=actor,
        event="intel.draft_discarded",
        obj=submission,
        subject=submission.subject,
        justification="Draft intelligence deleted by its author",
    )
    submission.delete()


def _fib(actor: Any, submission: Submission) -> None:
    _require(actor, "intelligence.manage_fib")
    if submission.status == Status.DRAFT:
        raise PermissionDenied("A draft is not in the FIB queue.")


@transaction.atomic
def submission_triage(
    *, actor: Any, submission: Submission, priority: str, note: str = "", close: bool = False
) -> Submission:
    _fib(actor, submission)
    errors: dict[str, list[str]] = {}
    if priority not in Priority.values:
        errors["priority"] = ["Select a priority"]
    if close and not note.strip():
        errors["note"] = ["Say why no further action is needed"]
    if errors:
        raise ValidationError(errors)
    submission.priority = priority
    submission.triage_note = note.strip()[:1000]
    submission.triaged_by = actor
    submission.triaged_at = timezone.now()
    if close:
        submission.status = Status.CLOSED
    elif submission.status == Status.NEW:
        submission.status = Status.TRIAGED
    submission.save()
    audit.record(
        actor=actor,
        event="intel.triaged",
        obj=submission,
        subject=submission.subject,
        justification=note.strip()[:500] or "Triaged",
        details={"priority": priority, "closed": close},
    )
    return submission


@transaction.atomic
def submission_evaluate(
    *,
    actor: Any,
    submission: Submission,
    source_grade: str = "",
    intel_grade: str = "",
    handling: str = "",
    conditions: str = "",
    marking: str = SecurityMarking.OFFICIAL_SENSITIVE,
    legacy_grade: str = "",
) -> Submission:
    """Record the 3x5x2 grade. A legacy 5x5x5 code fills any grade not given (mapped),
    and is kept and shown beside it."""
    _fib(actor, submission)
    if submission.status == Status.CLOSED:
        raise ValidationError({"source_grade": ["This entry is closed"]})
    errors: dict[str, list[str]] = {}
    legacy = ""
    if legacy_grade.strip():
        try:
            mapped = grading.from_legacy(legacy_grade)
        except ValueError as exc:
            errors["legacy_grade"] = [str(exc)]
        else:
            legacy = mapped.legacy
            source_grade = source_grade or mapped.source_grade
            intel_grade = intel_grade or mapped.intel_grade
            handling = handling or mapped.handling
            conditions = conditions or mapped.conditions
    if source_grade not in SourceGrade.values:
        errors["source_grade"] = ["Select the source evaluation (1, 2 or 3)"]
    if intel_grade not in IntelGrade.values:
        errors["intel_grade"] = ["Select the intelligence assessment (A to E)"]
    if handling not in Handling.values:
        errors["handling"] = ["Select the handling code (P or C)"]
    if handling == Handling.C and not conditions.strip():
        errors["conditions"] = ["State the conditions for sharing (handling code C)"]
    if marking not in SecurityMarking.values:
        errors["marking"] = ["Select a security marking"]
    if errors:
        raise ValidationError(errors)
    submission.source_grade = source_grade
    submission.intel_grade = intel_grade
    submission.handling = handling
    submission.handling_conditions = conditions.strip() if handling == Handling.C else ""
    submission.legacy_grade = legacy
    submission.marking = marking
    submission.evaluated_by = actor
    submission.evaluated_at = timezone.now()
    if submission.status in (Status.NEW, Status.TRIAGED):
        submission.status = Status.EVALUATED
    submission.save()
    audit.record(
        actor=actor,
        event="intel.evaluated",
        obj=submission,
        subject=submission.subject,
        justification=f"Graded {submission.grade}",
        details={"grade": submission.grade, "legacy": legacy, "marking": marking},
    )
    return submission


def source_terms(submission: Submission) -> list[str]:
    """Strings that identify the source, which a sanitised version must not contain."""
    record = SourceRecord.objects.filter(submission=submission).first()
    if record is None:
        return []
    terms = [record.name, record.contact]
    return [t.strip() for t in terms if t and len(t.strip()) >= 3]


def suggested_sanitised(submission: Submission) -> str:
    """The redaction editor's starting point: the content with the source's name and
    contact details replaced; the officer edits it further."""
    parts = [submission.what.strip()]
    if submission.where:
        parts.append(f"Where: {submission.where}")
    if submission.when_on:
        when = submission.when_on.strftime("%-d %B %Y")
        if submission.when_time:
            when += f" at {submission.when_time:%H:%M}"
        parts.append(f"When: {when}")
    if submission.further_information.strip():
        parts.append(submission.further_information.strip())
    text = "\n\n".join(parts)
    for term in source_terms(submission):
        text = _replace_ci(text, term, "[source removed]")
    return text


def _replace_ci(text: str, term: str, replacement: str) -> str:
    import re

    return re.sub(re.escape(term), replacement, text, flags=re.I)


@transaction.atomic
def submission_sanitise(*, actor: Any, submission: Submission, text: str) -> Submission:
    _fib(actor, submission)
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Enter the sanitised text"]
    elif len(text) > MAX_WHAT:
        errors["text"] = [f"The sanitised text must be {MAX_WHAT:,} characters or fewer"]
    lowered = text.lower()
    leaked = [t for t in source_terms(submission) if t.lower() in lowered]
    if leaked:
        errors.setdefault("text", []).append(
            "The sanitised text still identifies the source: remove their name and contact details"
        )
    if errors:
        raise ValidationError(errors)
    submission.sanitised_text = text
    submission.sanitised_by = actor
    submission.sanitised_at = timezone.now()
    submission.save(update_fields=["sanitised_text", "sanitised_by", "sanitised_at", "updated_at"])
    search.fts_sync(submission.pk, text)
    audit.record(
        actor=actor,
        event="intel.sanitised",
        obj=submission,
        subject=submission.subject,
        justification="Sanitised version saved",
        details={"length": len(text)},
    )
    return submission


def _create_entity(actor: Any, mention: dict[str, Any]) -> int:
    """A new police-only POLE record for a mention no existing record matched."""
    kind = mention["kind"]
    if kind == "person":
        nickname = str(mention.get("nickname") or "").strip()
        return pole.person_create(
            actor=actor,
            given_name=str(mention.get("given_name") or nickname or "Unknown").strip(),
            family_name=str(mention.get("family_name") or "").strip(),
            category=mention.get("category") or "person_of_concern",
            date_of_birth=parse_date(mention.get("date_of_birth")),
            aliases=[(NameKind.NICKNAME, nickname, "")] if nickname else [],
            police_only=True,
            justification="Named in intelligence",
        ).pk
    if kind == "vehicle":
        return pole.vehicle_create(
            actor=actor,
            registration=str(mention.get("registration") or ""),
            make=str(mention.get("make") or ""),
            model=str(mention.get("model") or ""),
            colour=str(mention.get("colour") or ""),
            police_only=True,
        ).pk
    if kind == "phone":
        return pole.phone_create(
            actor=actor, number=str(mention.get("number") or ""), police_only=True
        ).pk
    if kind == "online_account":
        return pole.online_account_create(
            actor=actor,
            platform=str(mention.get("platform") or "other"),
            handle=str(mention.get("handle") or ""),
            police_only=True,
        ).pk
    return pole.location_create(
        actor=actor,
        name=str(mention.get("name") or ""),
        address_line_1=str(mention.get("address_line_1") or ""),
        town=str(mention.get("town") or ""),
        postcode=str(mention.get("postcode") or ""),
        premises_type=str(mention.get("premises_type") or "other"),
        police_only=True,
    ).pk


@transaction.atomic
def mention_link(
    *,
    actor: Any,
    submission: Submission,
    mention_index: int | None = None,
    entity_id: int | None = None,
) -> SubmissionEntity:
    """Link a mention (by index) or any visible record to the submission: an existing
    record (`entity_id`, which must be visible to the officer) or, with no entity_id, a
    new police-only record made from the mention. The subject gets a sourced POLE link."""
    _fib(actor, submission)
    mention: dict[str, Any] | None = None
    if mention_index is not None:
        mentions = list(submission.mentions or [])
        if not 0 <= mention_index < len(mentions):
            raise ValidationError({"mention_index": ["No such detail in this entry"]})
        mention = mentions[mention_index]
    if entity_id is not None:
        entity = access_entity_by_id(actor, entity_id)
    elif mention is not None:
        try:
            entity = access_entity_by_id(actor, _create_entity(actor, mention))
        except ValidationError as exc:
            raise ValidationError({"entity_id": exc.messages}) from exc
    else:
        raise ValidationError({"entity_id": ["Choose a record to link, or create one"]})
    if mention is not None and mention.get("kind") != entity.kind:
        raise ValidationError({"entity_id": ["Choose a record of the same kind as the detail"]})
    row, _ = SubmissionEntity.objects.get_or_create(
        submission=submission,
        entity=entity,
        defaults={"mention_index": mention_index, "linked_by": actor},
    )
    if submission.subject_id and submission.subject_id != entity.pk:
        pole.link_create(
            actor=actor,
            from_entity_id=submission.subject_id,
            to_entity_id=entity.pk,
            link_type=DEFAULT_LINK.get(entity.kind, LinkType.OTHER),
            started_on=submission.when_on,
            source_type="intelligence.submission",
            source_id=str(submission.pk),
            source_note=f"Intelligence {submission.reference}",
            police_only=True,
        )
    audit.record(
        actor=actor,
        event="intel.entity_linked",
        obj=submission,
        subject=entity if entity.kind == EntityKind.PERSON else submission.subject,
        justification=f"Linked {entity.get_kind_display().lower()} {entity.label}",
        details={"entity": entity.pk, "mention_index": mention_index},
    )
    return row


def _recipients(kind: str, agency: Agency | None) -> list[User]:
    users = User.objects.filter(is_active=True)
    if kind == RecipientKind.PPU:
        return list(users.filter(role=Role.PPU_COORDINATOR))
    if kind == RecipientKind.HUB:
        return list(users.filter(role__in=HUB_WIDE_ROLES).exclude(role=Role.FIB_OFFICER))
    return list(users.filter(agency=agency).exclude(role__in=[Role.IG_ADMIN, Role.SYSTEM_ADMIN]))


@transaction.atomic
def submission_disseminate(
    *,
    actor: Any,
    submission: Submission,
    recipient_kind: str,
    reason: str,
    agency: Agency | None = None,
    conditions_met: bool = False,
) -> Dissemination:
    """Share the sanitised version and grading (never the original or the source).
    Handling C: sharing outside the police needs the officer to confirm the stated
    conditions are met."""
    _fib(actor, submission)
    errors: dict[str, list[str]] = {}
    if submission.status not in (Status.EVALUATED, Status.DISSEMINATED):
        errors["recipient_kind"] = ["Grade this entry before disseminating it"]
    if not submission.is_sanitised:
        errors.setdefault("recipient_kind", []).append(
            "Write the sanitised version before disseminating: the original is never shared"
        )
    if recipient_kind not in RecipientKind.values:
        errors["recipient_kind"] = ["Choose who to disseminate to"]
    if recipient_kind == RecipientKind.AGENCY and agency is None:
        errors["agency"] = ["Choose the partner agency"]
    if not reason.strip():
        errors["reason"] = ["Say why this is being shared (need to know)"]
    outside_police = recipient_kind == RecipientKind.AGENCY and not (agency and agency.is_police)
    if submission.handling == Handling.C and outside_police and not conditions_met:
        errors["conditions_met"] = [
            "Handling code C: confirm the conditions are met before sharing outside the police"
        ]
    if errors:
        raise ValidationError(errors)
    row = Dissemination.objects.create(
        submission=submission,
        recipient_kind=recipient_kind,
        recipient_agency=agency if recipient_kind == RecipientKind.AGENCY else None,
        reason=reason.strip()[:1000],
        disseminated_by=actor,
    )
    if submission.status != Status.DISSEMINATED:
        submission.status = Status.DISSEMINATED
        submission.save(update_fields=["status", "updated_at"])
    search.fts_sync(submission.pk, submission.sanitised_text)
    audit.record(
        actor=actor,
        event="intel.disseminated",
        obj=submission,
        subject=submission.subject,
        recipient=row.recipient_label,
        justification=reason.strip()[:500],
        details={"grade": submission.grade, "handling": submission.handling},
    )
    notifications.notify(
        recipients=_recipients(recipient_kind, agency),
        kind="intel.disseminated",
        title=f"Intelligence {submission.reference} ({submission.grade}) shared with you",
        body="Sanitised intelligence from the Force Intelligence Bureau.",
        url=reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )
    return row


@transaction.atomic
def submission_import(*, actor: Any, row: LegacyRow) -> Submission:
    """One record from the previous intelligence system (validated by legacy_import), as
    an entry the FIB has graded and sanitised: the legacy 5x5x5 code is kept and mapped by
    `submission_evaluate`, the text (already sanitised there) saved by
    `submission_sanitise`, and each registration or phone linked by `mention_link` to the
    existing visible record with the same normalised key, or to a new police-only one (as
    the FIB's linking page offers). No notification: these are not new in the queue. The
    crime-disclosure check runs and is recorded, but does not block: the record is history,
    and the FIB sees the flag."""
    _require(actor, "intelligence.manage_fib")
    result = checks.check(row.text)
    submission = Submission.objects.create(
        status=Status.NEW,
        submitter=actor,
        submitter_agency=row.agency,
        what=row.text,
        where=row.area,
        when_on=row.when_on,
        mentions=row.mentions,
        check_result={**result.as_dict(), "quality_issues": []},
        external_reference=row.reference,
        submitted_at=timezone.now(),
    )
    SourceRecord.objects.create(submission=submission)
    audit.record(
        actor=actor,
        event="intel.imported",
        obj=submission,
        justification=f"Imported from the previous intelligence system ({row.reference})",
        details={
            "external_reference": row.reference,
            "legacy_grade": row.legacy_grade,
            "agency": row.agency.name,
            "crime_flag": result.crime_disclosure,
        },
    )
    submission_evaluate(
        actor=actor,
        submission=submission,
        legacy_grade=row.legacy_grade,
        conditions=row.conditions,
    )
    submission_sanitise(actor=actor, submission=submission, text=row.text)
    for index, mention in enumerate(row.mentions):
        mention_link(
            actor=actor,
            submission=submission,
            mention_index=index,
            entity_id=find_visible_object(actor, mention["kind"], mention),
        )
    return submission


@dataclass
class ImportSummary:
    read: int
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def legacy_import(*, actor: Any, rows: list[LegacyRow], source: str) -> ImportSummary:
    """Import validated rows, all or nothing; a reference already imported is skipped.
    One summary audit row for the run besides each record's own rows."""
    _require(actor, "intelligence.manage_fib")
    existing = set(
        Submission.objects.filter(external_reference__in=[r.reference for r in rows])
        .select_for_update()
        .values_list("external_reference", flat=True)
    )
    summary = ImportSummary(read=len(rows))
    for row in rows:
        if row.reference in existing:
            summary.skipped.append(row.reference)
            continue
        submission_import(actor=actor, row=row)
        summary.imported.append(row.reference)
    audit.record(
        actor=actor,
        event="intel.import_run",
        justification=f"Imported legacy intelligence from {source}"[:500],
        details={
            "file": source,
            "read": summary.read,
            "imported": len(summary.imported),
            "skipped": len(summary.skipped),
        },
    )
    return summary
