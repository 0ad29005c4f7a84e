"""Every write for intelligence: drafts, submission (with the crime-disclosure check and
the protected source record), the FIB's triage, 3x5x2 evaluation, sanitised version,
linking mentions to POLE records and dissemination. Keyword-only, actor first, atomic,
validated, audited."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import HUB_WIDE_ROLES, Role
from cairn.audit import services as audit
from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern
from cairn.core.concurrency import Conflict, DraftChanged, lock
from cairn.core.http import agency_of, require
from cairn.core.text import MAX_ID
from cairn.core.types import Actor
from cairn.notifications import services as notifications
from cairn.pole import mentions as pole_mentions
from cairn.pole import services as pole
from cairn.pole.access import access_person_by_id, visible_entities
from cairn.pole.models import EntityKind, Person, SecurityMarking
from cairn.sharing import selectors as sharing_selectors
from cairn.sharing import services as sharing
from cairn.sharing.models import Disclosure, DisclosureKind

from . import checks, crime_rules, draft, grading, linking, search
from .access import is_crime_recorder
from .models import (
    CrimeJudgement,
    CrimeReferral,
    CrimeReferralStatus,
    DangerState,
    DangerTold,
    Dissemination,
    Handling,
    IntelGrade,
    Priority,
    RecipientKind,
    SourceGrade,
    SourceRecord,
    Status,
    Submission,
    SubmissionEntity,
)
from .selectors import concern_subjects

if TYPE_CHECKING:
    from .legacy_import import LegacyRow

SOURCE_FIELDS = ("source_is_submitter", "name", "contact", "relationship")
MAX_WHAT = 10_000
CRIME_ROUTE = (
    "This reads as a crime disclosure, and a crime must not be reported on a FIB form: "
    "intelligence creates no crime record, so there would be no investigation and no victim "
    "care. Call 999 if anyone is in immediate danger, otherwise report it on 101 (or online), "
    "and make a MASH referral for the child. Then either remove the crime from this entry, "
    "or give the crime reference it was reported under."
)


# A reason that an entry flagged as a crime is intelligence only must say something: these
# are the placeholders people type to get past a block.
PLACEHOLDER_REASONS = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "none",
        "nil",
        "no",
        "nope",
        "nothing",
        "not applicable",
        "-",
        "--",
        ".",
        "x",
        "xx",
        "xxx",
        "test",
        "ok",
        "yes",
        "intel",
        "intel only",
        "intelligence",
        "intelligence only",
        "not a crime",
        "no crime",
        "it is not a crime",
        "its not a crime",
        "it's not a crime",
        "see above",
        "as above",
        "tbc",
        "unknown",
    }
)
MIN_REASON_CHARS = 25
MIN_REASON_WORDS = 5
REASON_TOO_THIN = (
    "Explain in a sentence or two why this is intelligence only and not a crime, for "
    "example that the source heard it as a rumour and no one has said it happened to them. "
    "“n/a”, “none” or a few words is not enough: the FIB will read your reason"
)
# A crime reference: letters, numbers and separators with at least one number (forces use
# different formats, so the shape is free but it cannot be a placeholder).
CRIME_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/.\- ]{2,58}[A-Za-z0-9]$")
CRIME_REFERENCE_FORMAT = (
    "Enter the crime reference as the police gave it, like 43/12345/26 or CRI-2026-001234: "
    "4 to 60 letters, numbers, spaces, slashes or hyphens, with at least one number"
)
# A reference the entry itself gives, after the word that names it: "crime ref
# 44/15552/26", "incident no. 0219 of 28/02", "log 0412 of today", "missing ref MP/2231/26".
# Blind two-field entries (issue 12): 11 of 20 that said in "Anything else" that the crime
# was reported were flagged, because their account names an offence; the check page then
# asks for the reference they had typed, so it is offered, filled in, to confirm.
REFERENCE_IN_TEXT = re.compile(
    r"\b(?:crime|incident|log|ref(?:erence)?|crn|occurrence|cad)\b[^0-9\n]{0,15}?"
    r"((?:[A-Za-z]{1,4}[-/])?\d[\d/\-]{2,}\d(?: of (?:today|\d{1,2}/\d{1,2}(?:/\d{2,4})?))?)",
    re.IGNORECASE,
)
# A school's or agency's own case number typed as the crime reference (outside tester 8).
LOCAL_REFERENCE_MESSAGE = crime_rules.LOCAL_REFERENCE_MESSAGE
LOCAL_REFERENCE_IN_ENTRY = crime_rules.LOCAL_REFERENCE_IN_ENTRY
# The statuses from which the FIB can still decide where a flagged entry goes.
FIB_ACTIVE = (Status.NEW, Status.TRIAGED, Status.EVALUATED)
CHANGED_MEANWHILE = (
    "Someone else has changed this entry since you opened it. Go back to the entry to see "
    "where it is now."
)


# A reason alone cannot send an entry the check reads as danger now: the submitter must
# also say they have checked that nobody is in danger (or give the reference of the 999
# call or crime report). Outside tester: an emergency was filed as intelligence with a
# two-sentence reason and no second prompt.
NO_DANGER_CONFIRM = checks.no_danger_confirm("give the reference")


def reason_problem(reason: str) -> str:
    """Why `reason` is not a substantive reason an entry is intelligence only ('' if it is)."""
    text = " ".join(reason.split())
    bare = text.lower().strip(" .!")
    words = re.findall(r"[A-Za-z]{2,}", text)
    if (
        not text
        or bare in PLACEHOLDER_REASONS
        or len(text) < MIN_REASON_CHARS
        or len(words) < MIN_REASON_WORDS
        or len(set(text.lower().replace(" ", ""))) < 5
    ):
        return REASON_TOO_THIN
    return ""


# "incident no. 0219 of 28/02": a log number of a day, given without its year.
DAY_WITHOUT_YEAR = re.compile(r"\bof (\d{1,2})/(\d{1,2})$")


def _with_year(given: str, today: dt.date) -> str:
    """`given` with the year after a day given without one ("0219 of 28/02" becomes "0219
    of 28/02/2026"): the last such day on or before `today`, the day the entry is written,
    since a log is numbered when the report is made and the FIB reads the entry later,
    perhaps in another year. A day that is no date (31/02) is left as typed."""
    found = DAY_WITHOUT_YEAR.search(given)
    if found is None:
        return given
    day, month = int(found.group(1)), int(found.group(2))
    # The last 29/02 may be up to eight years back (2100 is no leap year).
    for year in range(today.year, today.year - 9, -1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if date <= today:
            return f"{given[: found.start()]}of {date:%d/%m/%Y}"
    return given


def reference_in_text(submission: Submission) -> str:
    """The first crime or incident reference the entry's own text gives, or "" (a log
    number of "today" or of a day without a year gets the date in full)."""
    text = checks.form_text(submission.what, submission.further_information)
    # Not when it is an earlier offence's ("hit him again; the first assault was crime
    # ref ..."), nor a bare "ref"/"log" in a text that never speaks of the police ("our
    # school log ref ..."): outside tester.
    if crime_rules.new_since(text):
        return ""
    # Only in a text that speaks of the police, and never a local system's own number
    # ("CPOMS incident 4471", "school log ref ...": outside tester 8).
    if not crime_rules.police_context(text):
        return ""
    for found in REFERENCE_IN_TEXT.finditer(text):
        if crime_rules.local_number(text, found.start()):
            continue
        # "log 0412 of today" is read later by the FIB: today's date, not "today".
        today = timezone.localdate()
        given = re.sub("today", f"{today:%d/%m/%Y}", found.group(1), flags=re.IGNORECASE)
        given = _with_year(given, today)
        if not crime_reference_problem(given):
            return given
    return ""


def crime_reference_problem(reference: str, entry_text: str = "") -> str:
    """Why `reference` is not a crime reference ('' if it may be one). `entry_text` is the
    entry it is given for: a number the entry names as a local system's ("Logged on CPOMS
    ref 44871") is refused when typed bare or with other letters ("44871", "CP-44871")."""
    text = reference.strip()
    if not text:
        return "Enter the crime reference"
    if text.lower() in PLACEHOLDER_REASONS or not CRIME_REFERENCE.match(text):
        return CRIME_REFERENCE_FORMAT
    return crime_rules.local_reference_problem(text, entry_text)


def _fib_officers() -> list[User]:
    return list(User.objects.filter(role=Role.FIB_OFFICER, is_active=True))


def check_text(submission: Submission) -> checks.CheckResult:
    """The crime-disclosure and quality check for a submission as it stands."""
    return checks.check(
        checks.form_text(submission.what, submission.further_information),
        how_known=submission.how_known or None,
        mentions=list(submission.mentions or []),
        when_given=submission.when_on is not None,
        said_danger=submission.anyone_in_danger == "yes",
        said_crime=submission.crime_described == "yes",
    )


def _same_person(mention: dict[str, Any], person: Person) -> bool:
    raw = str(mention.get("record_id") or mention.get("entity_id") or "")
    if raw.isdigit():
        person_id: int = person.pk  # the pk of a model whose primary key is a relation: Any
        return int(raw) == person_id
    given = str(mention.get("given_name") or "").strip().casefold()
    family = str(mention.get("family_name") or "").strip().casefold()
    return (given, family) == (person.given_name.casefold(), person.family_name.casefold())


def _mentions_about(concern: Concern, subject: Person | None) -> list[dict[str, Any]]:
    """The concern's details for an entry about `subject`: about an adult the concern
    names, the child is named too, so the FIB can link the child to them. The subject's
    own detail stays, as typed (a street name may be all the concern knew, and the record
    it became a new one): the FIB's linking step offers the records police already hold
    for it, which is how a "Deano" made anew is tied to the person police know by that
    name (INT-000010 dropped it and had nothing left to link)."""
    mentions = [
        dict(m) for m in (concern.draft.get("mentions") or []) if pole_mentions.is_mention(m)
    ]
    child = concern.child
    if child is None or subject is None or subject.pk == child.pk:
        return mentions

    def own(m: dict[str, Any]) -> bool:
        return m.get("kind") == "person" and _same_person(m, subject)

    # The subject's own detail goes last, so the others keep the places the concern gave
    # them; marked, so the linking step does not offer it as a second person to link to.
    kept = [m for m in mentions if not own(m)]
    kept += [{**m, linking.SUBJECT_DETAIL: True} for m in mentions if own(m)]
    named_child = {
        "kind": "person",
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        # An estimated age is an age given: the quality check asks for one or the other.
        "estimated_age": None if child.date_of_birth else child.age_on(timezone.localdate()),
        "record_id": child.pk,
        "note": f"The child in concern {concern.reference}",
    }
    return [named_child, *kept]


@transaction.atomic
def submission_start(
    *, actor: Actor, concern: Concern | None = None, subject_id: int | None = None
) -> Submission:
    """Start a draft; from a concern (which the caller got through the concerns access
    layer), copy its narrative, place, date and details, about the subject the submitter
    chose: the concern's child (the default) or another person it names (one subject per
    entry; `selectors.concern_subjects` lists them)."""
    require(actor, "intelligence.add_submission", agency=True)
    submission = Submission(submitter=actor, submitter_agency=actor.agency)
    if concern is not None:
        subject = concern.child
        if subject_id is not None:
            choices = concern_subjects(actor, concern)
            subject = next((p for p in choices if p.pk == subject_id), None)
            if subject is None:
                raise ValidationError(
                    {"subject_id": ["Choose the child or a person named in the concern"]}
                )
        submission.concern = concern
        submission.subject = subject
        submission.what = concern.narrative
        submission.where = concern.observed_where
        submission.when_on = concern.observed_on
        submission.when_time = concern.observed_time
        submission.mentions = _mentions_about(concern, subject)
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


def _own_draft(actor: Actor, submission: Submission) -> None:
    if submission.submitter_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can change it.")
    # It may have been sent or deleted since this request read it (a racing request).
    if _lock_own(actor, submission):
        raise Conflict(
            f"Intelligence {submission.reference} has already been sent to the FIB, "
            "so the draft cannot change."
        )


def _lock_own(actor: Actor, submission: Submission) -> bool:
    """Lock the submitter's own entry; True when it has already been submitted."""
    if submission.submitter_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can send it.")
    try:
        lock(submission)
    except Submission.DoesNotExist:
        raise Conflict("This draft has been deleted.") from None
    return submission.status != Status.DRAFT


@transaction.atomic
def submission_save_draft(
    *,
    actor: Actor,
    submission: Submission,
    data: dict[str, Any],
    expected_version: str | None = None,
) -> dict[str, list[str]]:
    """Save what was given (valid fields) and the source fields; return field errors.
    `expected_version` is the draft's version the answers were reconciled with
    (`cairn.core.step_guard`): a save that overtook this one raises DraftChanged."""
    _own_draft(actor, submission)
    if expected_version is not None and expected_version != submission.version:
        raise DraftChanged(submission.updated_at)
    before = _draft_state(submission)
    cleaned, errors = draft.validate(data)
    for name, value in cleaned.items():
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
        if pole_mentions.clean_mentions(mentions)[1]:
            errors.setdefault("mentions", []).append(
                "Each detail must be a person, vehicle, phone, online account or place"
            )
        else:
            submission.mentions = mentions
    # Saved only when something changed: the draft's version (updated_at) is what a check
    # page open in another tab is measured against, and going back through the form
    # without changing anything must not make that page stale.
    if _draft_state(submission) != before:
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


@transaction.atomic
def submission_keep_crime_answers(
    *, actor: Actor, submission: Submission, crime_reference: str, intel_only_reason: str
) -> None:
    """Keep in the draft the crime reference or reason typed on the check page, as typed,
    when the submitter leaves it to change an earlier answer: the page shows them again
    when they come back. Checked only when the entry is submitted (with what the page then
    posts). The draft's version does not move: these answers go with the submit itself, so
    keeping them must not make a check page open in another tab stale."""
    _own_draft(actor, submission)
    reference = crime_reference.strip()[:60]
    reason = intel_only_reason.strip()[:500]
    if (reference, reason) != (submission.crime_reference, submission.intel_only_reason):
        Submission.objects.filter(pk=submission.pk).update(
            crime_reference=reference, intel_only_reason=reason
        )
        submission.crime_reference, submission.intel_only_reason = reference, reason
    audit.record(
        actor=actor,
        event="intel.draft_saved",
        obj=submission,
        subject=submission.subject,
        justification="Intelligence draft saved: the check page's crime answers kept",
        details={"fields": ["crime_reference", "intel_only_reason"]},
    )


def _draft_state(submission: Submission) -> list[Any]:
    return [
        getattr(submission, f.attname)
        for f in Submission._meta.concrete_fields
        if f.attname != "updated_at"
    ]


def missing_answers(submission: Submission) -> dict[str, list[str]]:
    """What a draft cannot be sent without, as field errors (empty if it may be sent): the
    submit's own check, so the check page can send the submitter back to fill them in."""
    return draft.missing_to_submit(submission)


@transaction.atomic
def submission_submit(
    *,
    actor: Actor,
    submission: Submission,
    crime_reference: str = "",
    intel_only_reason: str = "",
    no_danger_now: bool = False,
    expected_version: str | None = None,
) -> Submission:
    """Submit a draft to the FIB. A likely crime disclosure is blocked until the text is
    intelligence only, or the submitter gives the crime reference it was reported under
    (or, for a wrong flag, says why it is intelligence only: the FIB sees that reason; if
    the check reads it as danger now, they must also confirm that nobody is in danger).
    Sent once: a repeated submit waits for the row lock and returns the first's result.
    `expected_version` is the draft's `version` when the check page was drawn: a draft
    changed since (another tab) raises DraftChanged and nothing is sent."""
    if _lock_own(actor, submission):
        return submission
    if expected_version is not None and expected_version != submission.version:
        raise DraftChanged(submission.updated_at)
    errors = draft.missing_to_submit(submission)
    result = check_text(submission)
    crime_reference = " ".join(crime_reference.split())[:60]
    intel_only_reason = intel_only_reason.strip()[:500]
    if result.crime_disclosure:
        if not (crime_reference or intel_only_reason):
            errors.setdefault("what", []).append(CRIME_ROUTE)
        elif crime_reference and (
            problem := crime_reference_problem(
                crime_reference,
                checks.form_text(submission.what, submission.further_information),
            )
        ):
            errors["crime_reference"] = [problem]
        elif not crime_reference and (problem := reason_problem(intel_only_reason)):
            errors["intel_only_reason"] = [problem]
        # Asked at once with the reason, not on a second try (outside tester): without a
        # crime reference, danger now needs the box ticked whatever else is missing.
        if not crime_reference and result.danger_now and not no_danger_now:
            errors["no_danger_now"] = [NO_DANGER_CONFIRM]
    if errors:
        raise ValidationError(errors)
    source = submission.draft_source or {}
    # An entry returned by the FIB and resubmitted already has its source record.
    resubmitted = SourceRecord.objects.filter(submission=submission).exists()
    # What the entry was checked as when last sent, before this submission replaces it.
    earlier_check = dict(submission.check_result or {}) if resubmitted else {}
    SourceRecord.objects.update_or_create(
        submission=submission,
        defaults={
            "source_is_submitter": bool(source.get("source_is_submitter")),
            "name": str(source.get("name") or ""),
            "contact": str(source.get("contact") or ""),
            "relationship": str(source.get("relationship") or ""),
        },
    )
    submission.draft_source = {}
    # A resubmitted entry is judged afresh.
    submission.crime_judgement = ""
    submission.crime_judgement_note = ""
    submission.crime_judged_by = None
    submission.crime_judged_at = None
    submission.check_result = result.as_dict()
    submission.crime_reference = crime_reference if result.crime_disclosure else ""
    submission.intel_only_reason = intel_only_reason if result.crime_disclosure else ""
    submission.crime_reference_in_text = (
        reference_in_text(submission) if result.crime_disclosure else ""
    )
    submission.no_danger_confirmed = bool(
        result.danger_now and not submission.crime_reference and no_danger_now
    )
    # Sent after the warning, or "yes" to the danger question: a person must see it now.
    urgent = submission.no_danger_confirmed or submission.anyone_in_danger == "yes"
    # Escalated once per danger: a returned entry sent again after its danger was escalated
    # (acted on or not) keeps that state and what was recorded, and tells nobody urgently
    # again, unless it now reads as a danger it did not read as before (outside tester: a
    # resubmission gave a second urgent notice and act-now item for the same danger). Nor
    # does a resubmission that no longer says "danger" end an escalation nobody acted on.
    escalated_before = bool(resubmitted and submission.danger_state)
    text = checks.form_text(submission.what, submission.further_information)
    new_danger = _new_danger(earlier_check, result, text) if escalated_before else ""
    escalate = urgent and (not escalated_before or bool(new_danger))
    # The text that was escalated, kept to tell a later resubmission's new danger from it.
    escalated_text = text if escalate else earlier_check.get("escalated_text")
    if escalated_text is not None:
        submission.check_result = {**submission.check_result, "escalated_text": escalated_text}
    if escalate or not escalated_before:
        submission.danger_state = DangerState.OPEN if urgent else ""
        submission.danger_note = ""
        submission.danger_actioned_by = None
        submission.danger_actioned_at = None
        submission.danger_told = ""
    submission.status = Status.NEW
    submission.submitted_at = timezone.now()
    submission.save()
    search.fts_sync(submission.pk, "")
    if submission.crime_reference and submission.concern is not None:
        concern_services.concern_record_crime(
            actor=actor,
            concern=submission.concern,
            crime_reference=submission.crime_reference,
            source=f"given with intelligence {submission.reference}",
        )
    audit.record(
        actor=actor,
        event="intel.submitted",
        obj=submission,
        subject=submission.subject,
        justification="Intelligence submitted to the FIB",
        details={
            "crime_flag": result.crime_disclosure,
            "danger_now": result.danger_now,
            "no_danger_confirmed": submission.no_danger_confirmed,
            "crime_reference": bool(submission.crime_reference),
            "quality_issues": [q.code for q in result.quality_issues],
            "resubmitted": resubmitted,
            "danger_escalated_before": escalated_before,
        },
    )
    if escalate:
        _escalate_danger(actor, submission, new_danger=new_danger)
        return submission
    _tell_fib(
        submission,
        sender=actor,
        kind="intel.submitted",
        title=f"{'Danger now flagged: ' if result.danger_now else ''}"
        f"{'Resubmitted' if resubmitted else 'New'} intelligence {submission.reference} "
        f"from {submission.submitter_agency.name}",
        body="A new entry is waiting in the FIB queue.",
    )
    return submission


DANGER_KIND = "intel.danger_now"


def danger_why(submission: Submission) -> str:
    """Why an entry was escalated, in the FIB's words."""
    if submission.no_danger_confirmed:
        return "Danger now: sent after the warning"
    return "Danger now: the submitter said someone is in danger"


# The check's reason for danger now starts with this (checks.text_check).
DANGER_REASON = "Someone may be in danger now:"


SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _new_danger(earlier_check: dict[str, Any], result: checks.CheckResult, text: str) -> str:
    """The danger now a resubmitted entry reads as in sentences it did not have when it was
    escalated (the check's quote), or "" when there is none new: the same "yes", the same
    sentences, or added sentences that read as no danger now. An entry escalated before the
    escalated text was kept compares the check's quoted danger sentence instead."""
    if not result.danger_now:
        return ""
    escalated = earlier_check.get("escalated_text")
    if escalated is None:
        reason = next((r for r in result.reasons if r.startswith(DANGER_REASON)), "")
        if not reason or reason in (earlier_check.get("reasons") or []):
            return ""
        return reason.removeprefix(DANGER_REASON).strip()
    before = {" ".join(s.split()) for s in SENTENCE_END.split(str(escalated))}
    added = [s for s in SENTENCE_END.split(text) if s.strip() and " ".join(s.split()) not in before]
    if not added:
        return ""
    found = checks.check("\n".join(added))
    return (found.danger_sentence or added[0][:200]) if found.danger_now else ""


def _danger_recipients() -> tuple[DangerTold, list[User]]:
    """Who an escalation goes to: every active FIB officer. With none (a rota gap, or every
    FIB account deactivated) the warning must still reach a police officer who can act, so
    it goes to the PPU / CSE co-ordinators: the force's public protection officers, who take
    a child at risk to the control room as everyday work and already read FIB entries for
    crime recording (never the source). Not the Hub chair or the MASH, who may not be
    police. Failing those, the system admins: they cannot open the entry, but can restore
    a FIB account and give the control room the reference. Only active accounts."""
    for told, role in (
        (DangerTold.FIB, Role.FIB_OFFICER),
        (DangerTold.POLICE_LEAD, Role.PPU_COORDINATOR),
        (DangerTold.ADMIN, Role.SYSTEM_ADMIN),
    ):
        users = list(User.objects.filter(role=role, is_active=True))
        if users:
            return told, users
    return DangerTold.NOBODY, []


FALLBACK_BODY = {
    DangerTold.POLICE_LEAD: "No FIB officer is active in Cairn, so this has come to you as "
    "the PPU. Someone may be in danger right now: open the entry now and pass it to the "
    "force control room for an immediate response if it needs one. It stays on the FIB "
    "queue until a FIB officer records what was done.",
    DangerTold.ADMIN: "No FIB officer or PPU co-ordinator is active in Cairn, so nobody who "
    "can open this entry has been told. Phone the force control room now with this "
    "reference, then restore a FIB officer's account so that someone can act on it.",
}


def _escalate_danger(actor: Actor, submission: Submission, *, new_danger: str = "") -> None:
    """Tell every FIB officer at once (or the fallback, `_danger_recipients`), in place of
    the ordinary "new entry" notice, and record who was told: the entry waits at the top of
    the queue until one of them records what they did (`submission_danger_action`). There
    is no urgent delivery channel: the notice goes like any other (inbox, with an email or
    text saying there is one). `new_danger`: a resubmission's danger not read before."""
    told, recipients = _danger_recipients()
    submission.danger_told = told
    submission.save(update_fields=["danger_told", "updated_at"])
    body = FALLBACK_BODY.get(
        told,
        "Someone may be in danger right now. Open the entry now, pass it on for an "
        "immediate police response if it needs one, and record what you did.",
    )
    if new_danger:
        body = (
            f"Resubmitted with new danger: \u201c{new_danger}\u201d. An earlier danger in "
            f"this entry was escalated before. {body}"
        )
    rows = notifications.notify(
        sender=actor,
        recipients=recipients,
        kind=DANGER_KIND,
        title=f"URGENT: {danger_why(submission)}. Intelligence {submission.reference} "
        f"from {submission.submitter_agency.name}",
        body=body,
        # The admins cannot open it: their notice names the reference only.
        url=""
        if told == DangerTold.ADMIN
        else reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )
    audit.record(
        actor=actor,
        event="intel.danger_escalated",
        obj=submission,
        subject=submission.subject,
        justification=danger_why(submission),
        details={
            "overridden": submission.no_danger_confirmed,
            "said_danger": submission.anyone_in_danger == "yes",
            "told": told,
            "new_danger": bool(new_danger),
            "told_users": sorted(n.recipient_id for n in rows),
        },
    )


DANGER_NOTE = (
    "Say what you did, for example \u201cPassed to the control room at 14:02, log 123\u201d, "
    "or why nobody is in danger now"
)


def _danger_recorded(submission: Submission) -> str:
    when = timezone.localtime(submission.danger_actioned_at or timezone.now())
    state = DangerState(submission.danger_state).label if submission.danger_state else ""
    return (
        f"{_name(submission.danger_actioned_by)} already recorded what was done at "
        f"{when:%H:%M}: {state}: \u201c{submission.danger_note}\u201d. Nothing has been changed."
    )


@transaction.atomic
def submission_danger_action(
    *, actor: Actor, submission: Submission, outcome: str, note: str
) -> Submission:
    """A FIB officer records what they did about an escalated entry: passed on for an
    immediate response (to the control room, with the time and log), or not danger now
    and why. That ends the urgent state. Under the row lock: of two officers acting at
    once one wins, the other gets a Conflict saying what was recorded."""
    _fib(actor, submission)
    # Someone else recorded it first: say what, before any complaint about this form.
    if submission.danger_state in (DangerState.PASSED, DangerState.NOT_DANGER):
        raise Conflict(_danger_recorded(submission))
    if outcome not in (DangerState.PASSED, DangerState.NOT_DANGER):
        raise ValidationError({"outcome": ["Choose what you did"]})
    text = clean_note(note, "note", DANGER_NOTE)
    if submission.danger_state != DangerState.OPEN:
        raise ValidationError({"outcome": ["This entry was not escalated as danger now"]})
    submission.danger_state = outcome
    submission.danger_note = text
    submission.danger_actioned_by = actor
    submission.danger_actioned_at = timezone.now()
    submission.save(
        update_fields=[
            "danger_state",
            "danger_note",
            "danger_actioned_by",
            "danger_actioned_at",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        event="intel.danger_actioned",
        obj=submission,
        subject=submission.subject,
        justification=text[:500],
        details={"outcome": outcome},
    )
    # The other officers' urgent notices are dealt with: none still says "act now".
    notifications.notifications_resolve(
        actor=actor,
        obj=submission,
        kind=DANGER_KIND,
        subject=submission.subject,
        justification=f"{DangerState(outcome).label}: recorded by {_name(actor)}",
    )
    return submission


@transaction.atomic
def submission_create(*, actor: Actor, data: dict[str, Any]) -> Submission:
    """Start, fill and submit in one step (the API)."""
    return _fill_and_submit(actor, submission_start(actor=actor), data)


def _fill_and_submit(actor: Actor, submission: Submission, data: dict[str, Any]) -> Submission:
    """Save `data` over a draft and submit it, as the API's one-step create and resubmit
    do: a detail that does not save refuses the whole request (422), submitting nothing."""
    errors = submission_save_draft(actor=actor, submission=submission, data=data)
    if errors:
        raise ValidationError(errors)
    return submission_submit(
        actor=actor,
        submission=submission,
        crime_reference=str(data.get("crime_reference") or ""),
        intel_only_reason=str(data.get("intel_only_reason") or ""),
        no_danger_now=bool(data.get("no_danger_now")),
    )


@transaction.atomic
def submission_discard_draft(*, actor: Actor, submission: Submission) -> None:
    _own_draft(actor, submission)
    audit.record(
        actor=actor,
        event="intel.draft_discarded",
        obj=submission,
        subject=submission.subject,
        justification="Draft intelligence deleted by its author",
    )
    submission.delete()


def _fib(actor: Actor, submission: Submission) -> None:
    """FIB work on a submitted entry, under its row lock: two officers acting at once
    take turns, and each decides on the state the other left."""
    require(actor, "intelligence.manage_fib", agency=True)
    if submission.status == Status.DRAFT:
        raise PermissionDenied("A draft is not in the FIB queue.")
    lock(submission)


def _closed_conflict(submission: Submission, doing: str) -> Conflict:
    return Conflict(
        f"Intelligence {submission.reference} has already been closed by "
        f"{_name(submission.triaged_by)}, so it cannot be {doing}. Nothing has been changed."
    )


def _name(user: Actor | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else "someone else"


@transaction.atomic
def submission_triage(
    *, actor: Actor, submission: Submission, priority: str, note: str = "", close: bool = False
) -> Submission:
    _fib(actor, submission)
    errors: dict[str, list[str]] = {}
    if priority not in Priority.values:
        errors["priority"] = ["Select a priority"]
    if close and not note.strip():
        errors["note"] = ["Say why no further action is needed"]
    if errors:
        raise ValidationError(errors)
    if submission.status == Status.CLOSED:
        raise _closed_conflict(submission, "triaged again")
    if close and submission.status == Status.DISSEMINATED:
        raise Conflict(
            f"Intelligence {submission.reference} has already been disseminated, so it "
            "cannot be closed as needing no further action. Nothing has been changed."
        )
    if close and submission.status not in FIB_ACTIVE:
        raise ValidationError({"__all__": [CHANGED_MEANWHILE]})
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
    if close:
        _tell_submitter(
            submission,
            sender=actor,
            kind="intel.closed",
            title=f"Your intelligence {submission.reference}: closed with no further action",
            body="The Force Intelligence Bureau has assessed your entry and closed it with no "
            "further action. Thank you for submitting it.",
        )
    return submission


@transaction.atomic
def submission_evaluate(
    *,
    actor: Actor,
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
        raise _closed_conflict(submission, "graded")
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
    if submission.further_information_given:  # not a filler "Nothing else."
        parts.append(submission.further_information_given)
    text = "\n\n".join(parts)
    for term in source_terms(submission):
        text = _replace_ci(text, term, "[source removed]")
    return text


def _replace_ci(text: str, term: str, replacement: str) -> str:

    return re.sub(re.escape(term), replacement, text, flags=re.I)


@transaction.atomic
def submission_sanitise(*, actor: Actor, submission: Submission, text: str) -> Submission:
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
    submission.sanitised_keys = search.document_keys(text)
    submission.sanitised_by = actor
    submission.sanitised_at = timezone.now()
    submission.save(
        update_fields=[
            "sanitised_text",
            "sanitised_keys",
            "sanitised_by",
            "sanitised_at",
            "updated_at",
        ]
    )
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


@dataclass(frozen=True)
class LinkAnswer:
    """The FIB's answer for one detail of an entry on the linking step: which record it
    is (an entity id, NEW for a new police-only record, SKIP to leave it for now), whose
    it is (`linking.parse_owner`: the subject, a person named in the entry, or nobody)
    and how it is linked to them (a type allowed for the kind; blank for the usual one)."""

    mention_index: int
    record: str
    belongs_to: Any = ""
    link_type: str = ""


@dataclass
class _Planned:
    index: int
    mention: dict[str, Any]
    record: int | None  # None: a new record
    owner: linking.Owner
    link_type: str


def _item_error(errors: dict[str, list[str]], index: int, part: str, message: str) -> None:
    errors.setdefault(f"items.{index}.{part}", []).append(message)


def _plan_links(
    actor: Actor,
    submission: Submission,
    answers: list[LinkAnswer],
    linked: dict[int, SubmissionEntity],
) -> list[_Planned]:
    """Check every answer before anything is written; all the problems at once."""
    mentions = list(submission.mentions or [])
    errors: dict[str, list[str]] = {}
    by_index: dict[int, LinkAnswer] = {}
    for answer in answers:
        if not 0 <= answer.mention_index < len(mentions):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"There is no detail {answer.mention_index + 1} in this entry"
            )
        elif answer.mention_index in by_index:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"Detail {answer.mention_index + 1} was answered twice"
            )
        else:
            by_index[answer.mention_index] = answer
    chosen = {
        int(a.record)
        for a in by_index.values()
        if str(a.record).isdigit() and 0 < int(a.record) <= MAX_ID
    }
    kinds = dict(visible_entities(actor).filter(pk__in=chosen).values_list("pk", "kind"))
    planned: dict[int, _Planned] = {}
    for index, answer in sorted(by_index.items()):
        mention = mentions[index]
        kind = str(mention.get("kind"))
        what = linking.describe(mention)
        record_text = str(answer.record or "").strip()
        # The subject's own detail, kept from a concern, is an offer, not a question: unanswered
        # is "leave it for now" (the entry's subject is already a record).
        if record_text == linking.SKIP or (not record_text and mention.get(linking.SUBJECT_DETAIL)):
            continue
        record: int | None
        if record_text == linking.NEW:
            record = linked[index].entity_id if index in linked else None
        elif record_text.isdigit() and int(record_text) in kinds:
            record = int(record_text)
            if kinds[record] != kind:
                _item_error(errors, index, "record", f"Choose a {linking.NOUN[kind]} for {what}")
            elif index in linked and linked[index].entity_id != record:
                _item_error(
                    errors,
                    index,
                    "record",
                    f"{what[0].upper()}{what[1:]} is already linked to "
                    f"{linked[index].entity.label}",
                )
        elif record_text:
            # Missing and not visible read the same: no record's existence leaks.
            _item_error(errors, index, "record", f"Choose one of the records offered for {what}")
            continue
        else:
            _item_error(
                errors,
                index,
                "record",
                f"Select which record {what} is, create a new one, or leave it for now",
            )
            continue
        owner = linking.parse_owner(answer.belongs_to)
        if owner is None:
            _item_error(errors, index, "belongs_to", linking.unanswered(mention))
        elif owner.kind == linking.SUBJECT and submission.subject_id is None:
            _item_error(
                errors,
                index,
                "belongs_to",
                "This entry's subject has no record: choose a person named in the entry",
            )
        elif owner.kind == "mention" and (
            owner.index is None
            or owner.index == index
            or not 0 <= owner.index < len(mentions)
            or mentions[owner.index].get("kind") != "person"
        ):
            _item_error(errors, index, "belongs_to", "Choose one of the people named in this entry")
        link_type = str(answer.link_type or "").strip() or linking.LINK_TYPES[kind][0]
        if link_type not in linking.LINK_TYPES[kind]:
            _item_error(errors, index, "link_type", f"Choose how {what} is linked")
        if owner is not None:
            planned[index] = _Planned(index, mention, record, owner, link_type)
    for item in planned.values():
        owner = item.owner
        if owner.kind != "mention" or owner.index is None:
            continue
        if owner.index not in planned and owner.index not in linked:
            _item_error(
                errors,
                item.index,
                "belongs_to",
                f"You left {linking.describe(mentions[owner.index])} for now: link them as "
                "well, or choose someone else",
            )
    for item in planned.values():
        owner_record = _owner_record(submission, item.owner, planned, linked)
        if item.record is not None and item.record == owner_record:
            _item_error(
                errors,
                item.index,
                "belongs_to",
                f"{linking.describe(item.mention)} is that same record: choose someone else",
            )
    if not planned and not errors:
        errors[NON_FIELD_ERRORS] = [
            "Choose a record for at least one detail, or go back to the entry"
        ]
    if errors:
        raise ValidationError(errors)
    return [planned[i] for i in sorted(planned)]


def _owner_record(
    submission: Submission,
    owner: linking.Owner,
    planned: dict[int, _Planned],
    linked: dict[int, SubmissionEntity],
) -> int | None:
    """The record of the person a detail belongs to, as far as it is known yet."""
    if owner.kind == linking.SUBJECT:
        return submission.subject_id
    if owner.kind != "mention" or owner.index is None:
        return None
    if owner.index in planned:
        return planned[owner.index].record
    row = linked.get(owner.index)
    return row.entity_id if row is not None else None


def _fact(item: _Planned, record: int, owner_record: int) -> tuple[int, int, str]:
    if item.mention.get("kind") == "person":
        return (record, owner_record, item.link_type)
    return (owner_record, record, item.link_type)


@transaction.atomic
def mentions_link(
    *, actor: Actor, submission: Submission, answers: list[LinkAnswer]
) -> list[SubmissionEntity]:
    """The FIB's linking step, in one step: each detail answered is linked to its record
    (an existing one the officer may see, or a new police-only one) and, through the one
    link service, to the person it belongs to (the subject, or a person named in the
    entry), with this entry as the link's source. Every answer is checked first, so a
    problem anywhere links nothing. Answering again (a double click, an API retry) reuses
    the records already linked and adds nothing twice."""
    _fib(actor, submission)
    if submission.status == Status.CLOSED:
        raise _closed_conflict(submission, "linked")
    linked = {
        row.mention_index: row
        for row in SubmissionEntity.objects.filter(
            submission=submission, mention_index__isnull=False
        ).select_related("entity")
        if row.mention_index is not None
    }
    plan = _plan_links(actor, submission, answers, linked)
    planned = {item.index: item for item in plan}
    # The facts between records that exist already may have links: lock those first.
    known = []
    for item in plan:
        owner_record = _owner_record(submission, item.owner, planned, linked)
        if item.record is not None and owner_record is not None:
            known.append(_fact(item, item.record, owner_record))
    pole.links_lock(known)
    # People first: a vehicle may belong to a person made in this same step.
    order = sorted(plan, key=lambda i: (i.mention.get("kind") != "person", i.index))
    for item in order:
        if item.record is None:
            try:
                # No existing record matched: a new police-only one.
                item.record = pole_mentions.new_entity_for_mention(
                    actor, item.mention, justification="Named in intelligence", police_only=True
                )
            except ValidationError as exc:
                raise ValidationError({f"items.{item.index}.record": exc.messages}) from exc
    rows = []
    for item in order:
        assert item.record is not None
        row, _ = SubmissionEntity.objects.get_or_create(
            submission=submission,
            entity_id=item.record,
            defaults={"mention_index": item.index, "linked_by": actor},
        )
        rows.append(row)
        owner_record = _owner_record(submission, item.owner, planned, linked)
        link_id = None
        if owner_record is not None:
            from_id, to_id, link_type = _fact(item, item.record, owner_record)
            link_id = pole.link_record(
                actor=actor,
                from_entity_id=from_id,
                to_entity_id=to_id,
                link_type=link_type,
                started_on=submission.when_on,
                source_type=linking.INTEL_SOURCE,
                source_id=str(submission.pk),
                source_note=f"Intelligence {submission.reference}",
                police_only=True,
            ).link.pk
        entity = row.entity
        audit.record(
            actor=actor,
            event="intel.entity_linked",
            obj=submission,
            subject=entity if entity.kind == EntityKind.PERSON else owner_record,
            justification=f"Linked {entity.get_kind_display().lower()} {entity.label}",
            details={
                "entity": entity.pk,
                "mention_index": item.index,
                "belongs_to": owner_record,
                "link": link_id,
            },
        )
    return rows


def _recipients(kind: str, agency: Agency | None) -> list[User]:
    users = User.objects.filter(is_active=True)
    if kind == RecipientKind.PPU:
        return list(users.filter(role=Role.PPU_COORDINATOR))
    if kind == RecipientKind.HUB:
        return list(users.filter(role__in=HUB_WIDE_ROLES).exclude(role=Role.FIB_OFFICER))
    return list(users.filter(agency=agency).exclude(role__in=[Role.IG_ADMIN, Role.SYSTEM_ADMIN]))


def _dissemination_disclosure(
    actor: Actor, submission: Submission, row: Dissemination, claim: sharing.Claim
) -> Disclosure | None:
    """The basis of a dissemination that leaves the FIB's agency: to a partner agency, or
    to the Hub (then the agreement must cover every Hub member agency)."""
    sender = agency_of(actor)
    if row.recipient_kind == RecipientKind.AGENCY and row.recipient_agency is not None:
        if row.recipient_agency.pk == sender.pk:
            return None
        to_agencies = [row.recipient_agency]
    elif row.recipient_kind == RecipientKind.HUB:
        to_agencies = [a for a in sharing_selectors.hub_member_agencies() if a.pk != sender.pk]
    else:
        return None  # the PPU: inside the police
    basis = sharing.basis_resolve(from_agency=sender, to_agencies=to_agencies, claim=claim)
    return sharing.disclosure_record(
        actor=actor,
        kind=DisclosureKind.DISSEMINATION,
        reference=submission.reference,
        from_agency=sender,
        to_agency=row.recipient_agency,
        recipient=row.recipient_label,
        basis=basis,
        subject=submission.subject,
    )


@transaction.atomic
def submission_disseminate(
    *,
    actor: Actor,
    submission: Submission,
    recipient_kind: str,
    reason: str,
    agency: Agency | None = None,
    conditions_met: bool = False,
    claim: sharing.Claim = sharing.Claim(),  # noqa: B008 (frozen)
) -> Dissemination:
    """Share the sanitised version and grading (never the original or the source).
    Handling C: sharing outside the police needs the officer to confirm the stated
    conditions are met. Outside the police, the lawful basis relied on is recorded."""
    _fib(actor, submission)
    if submission.status == Status.CLOSED:
        raise _closed_conflict(submission, "disseminated")
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
    row = Dissemination(
        submission=submission,
        recipient_kind=recipient_kind,
        recipient_agency=agency if recipient_kind == RecipientKind.AGENCY else None,
        reason=reason.strip()[:1000],
        disseminated_by=actor,
    )
    row.disclosure = _dissemination_disclosure(actor, submission, row, claim)
    row.save()
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
        sender=actor,
        recipients=_recipients(recipient_kind, agency),
        kind="intel.disseminated",
        title=f"Intelligence {submission.reference} ({submission.grade}) shared with you",
        body="Sanitised intelligence from the Force Intelligence Bureau.",
        url=reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )
    return row


@transaction.atomic
def submission_import(*, actor: Actor, row: LegacyRow) -> Submission:
    """One record from the previous intelligence system (validated by legacy_import), as
    an entry the FIB has graded and sanitised: the legacy 5x5x5 code is kept and mapped by
    `submission_evaluate`, the text (already sanitised there) saved by
    `submission_sanitise`, and each registration or phone linked by `mentions_link` to the
    existing visible record with the same normalised key, or to a new police-only one (as
    the FIB's linking page offers). No notification: these are not new in the queue. The
    crime-disclosure check runs and is recorded, but does not block: the record is history,
    and the FIB sees the flag."""
    require(actor, "intelligence.manage_fib", agency=True)
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
    answers = []
    for index, mention in enumerate(row.mentions):
        found = pole_mentions.existing_entity(actor, mention)
        # The previous system says whose a detail is nowhere: it is linked to the entry.
        answers.append(
            LinkAnswer(index, str(found) if found else linking.NEW, belongs_to=linking.NOBODY)
        )
    if answers:
        mentions_link(actor=actor, submission=submission, answers=answers)
    return submission


@dataclass
class ImportSummary:
    read: int
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def legacy_import(*, actor: Actor, rows: list[LegacyRow], source: str) -> ImportSummary:
    """Import validated rows, all or nothing; a reference already imported is skipped.
    One summary audit row for the run besides each record's own rows."""
    require(actor, "intelligence.manage_fib", agency=True)
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


# The crime route: the FIB's judgement of a flagged entry, referral for crime recording,
# return to the submitter (who edits and resubmits, or withdraws), and the crime recorder's
# outcome. Every step locks the entry (or referral) and checks its status, so two people
# acting at once cannot both win: the second gets a clear error.


def _lock(submission: Submission, allowed: tuple[str, ...]) -> Submission:
    # Lock only the entry's row (PostgreSQL cannot lock the nullable side of a join).
    fresh = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("concern", "submitter")
        .get(pk=submission.pk)
    )
    if fresh.status not in allowed:
        raise ValidationError({"__all__": [CHANGED_MEANWHILE]})
    return fresh


def _tell_submitter(
    submission: Submission, *, kind: str, title: str, body: str, sender: Actor | None = None
) -> None:
    _tell(submission, [submission.submitter], kind=kind, title=title, body=body, sender=sender)


def _tell_fib(submission: Submission, *, sender: Actor, kind: str, title: str, body: str) -> None:
    _tell(submission, _fib_officers(), kind=kind, title=title, body=body, sender=sender)


def _tell(
    submission: Submission,
    recipients: list[User],
    *,
    kind: str,
    title: str,
    body: str,
    sender: Actor | None,
) -> None:
    """A notification about an entry, linking to its page."""
    notifications.notify(
        sender=sender,
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )


def clean_note(note: str, field: str, message: str) -> str:
    text = note.strip()
    if len(text) < 10:
        raise ValidationError({field: [message]})
    return text[:1000]


def _judge(actor: Actor, submission: Submission, judgement: str, note: str) -> None:
    submission.crime_judgement = judgement
    submission.crime_judgement_note = note[:1000]
    submission.crime_judged_by = actor
    submission.crime_judged_at = timezone.now()
    if judgement == CrimeJudgement.CRIME and submission.concern is not None:
        concern_services.concern_record_crime(
            actor=actor,
            concern=submission.concern,
            source=f"intelligence {submission.reference}",
        )


@transaction.atomic
def submission_accept_reason(*, actor: Actor, submission: Submission, note: str = "") -> Submission:
    """The FIB accepts the submitter's reason a flagged entry is intelligence only."""
    _fib(actor, submission)
    submission = _lock(submission, FIB_ACTIVE)
    if not (submission.check_result or {}).get("crime_disclosure"):
        raise ValidationError({"decision": ["This entry was not flagged as a crime"]})
    if not submission.intel_only_reason:
        raise ValidationError(
            {
                "decision": [
                    "The submitter gave a crime reference, not a reason: there is no reason "
                    "to accept"
                ]
            }
        )
    _judge(actor, submission, CrimeJudgement.NOT_CRIME, note.strip())
    submission.save()
    audit.record(
        actor=actor,
        event="intel.crime_judged",
        obj=submission,
        subject=submission.subject,
        justification=note.strip()[:500] or "The submitter's reason was accepted",
        details={"judgement": CrimeJudgement.NOT_CRIME, "reason_accepted": True},
    )
    _tell_submitter(
        submission,
        sender=actor,
        kind="intel.reason_accepted",
        title=f"Your intelligence {submission.reference}: accepted as intelligence",
        body="The Force Intelligence Bureau accepted your reason that this entry is "
        "intelligence only, and is working on it.",
    )
    return submission


def _crime_recorders() -> list[User]:
    return list(User.objects.filter(role=Role.PPU_COORDINATOR, is_active=True))


REFER_NOTE = (
    "Say why this is a crime and what the crime recorder needs to know (at least 10 characters)"
)
CRIME_RECORDING = "Police crime recording (PPU / CSE co-ordinators)"


@transaction.atomic
def submission_refer_crime(*, actor: Actor, submission: Submission, note: str) -> CrimeReferral:
    """The FIB judges the entry a crime (rejecting any reason given) and refers it, with
    the child, to the crime recording queue: a disclosure to the crime recorders."""
    _fib(actor, submission)
    note = clean_note(note, "note", REFER_NOTE)
    submission = _lock(submission, FIB_ACTIVE)
    _judge(actor, submission, CrimeJudgement.CRIME, note)
    submission.status = Status.CRIME_REFERRED
    submission.save()
    referral = CrimeReferral.objects.create(
        submission=submission,
        child=submission.subject,
        concern=submission.concern,
        note=note,
        referred_by=actor,
    )
    audit.record(
        actor=actor,
        event="intel.crime_referred",
        obj=submission,
        subject=submission.subject,
        recipient=CRIME_RECORDING,
        justification=note[:500],
        details={
            "referral": referral.pk,
            "reason_rejected": bool(submission.intel_only_reason),
            "child": submission.subject_id,
            "concern": submission.concern_id,
        },
    )
    notifications.notify(
        sender=actor,
        recipients=_crime_recorders(),
        kind="intel.crime_referred",
        title=f"Crime referral {referral.reference} from the FIB: a crime to record",
        body="The Force Intelligence Bureau has referred an entry for crime recording.",
        url=reverse("intelligence:crime-referral", args=[referral.pk]),
        obj=referral,
    )
    _tell_submitter(
        submission,
        sender=actor,
        kind="intel.crime_referred",
        title=f"Your intelligence {submission.reference}: referred for crime recording",
        body="The Force Intelligence Bureau judged that your entry describes a crime and has "
        "referred it to be recorded as a crime. You will be told the crime reference.",
    )
    return referral


@transaction.atomic
def submission_return(
    *, actor: Actor, submission: Submission, note: str, is_crime: bool = False
) -> Submission:
    """The FIB returns the entry to its submitter with a note (to report the crime and add
    the reference, or to correct it); the submitter edits and resubmits, or withdraws."""
    _fib(actor, submission)
    note = clean_note(
        note, "note", "Write a note telling the submitter what to do (at least 10 characters)"
    )
    submission = _lock(submission, FIB_ACTIVE)
    if is_crime:
        _judge(actor, submission, CrimeJudgement.CRIME, note)
    submission.status = Status.RETURNED
    submission.return_note = note
    submission.returned_at = timezone.now()
    submission.save()
    audit.record(
        actor=actor,
        event="intel.returned",
        obj=submission,
        subject=submission.subject,
        justification=note[:500],
        details={"judgement": submission.crime_judgement, "is_crime": is_crime},
    )
    _tell_submitter(
        submission,
        sender=actor,
        kind="intel.returned",
        title=f"Your intelligence {submission.reference} has been returned to you",
        body="The Force Intelligence Bureau has returned your entry with a note. Open it to "
        "read the note, then edit and resubmit it, or withdraw it.",
    )
    return submission


def _returned_own(actor: Actor, submission: Submission) -> Submission:
    if submission.submitter_id != actor.pk:
        raise PermissionDenied("Only the person who submitted this entry can change it.")
    return _lock(submission, (Status.RETURNED,))


@transaction.atomic
def submission_reopen(*, actor: Actor, submission: Submission) -> Submission:
    """The submitter reopens a returned entry to edit it: it becomes their draft again
    (the source details back in the form) until they resubmit it."""
    submission = _returned_own(actor, submission)
    record = SourceRecord.objects.filter(submission=submission).first()
    if record is not None:
        submission.draft_source = {
            "source_is_submitter": record.source_is_submitter,
            "name": record.name,
            "contact": record.contact,
            "relationship": record.relationship,
        }
    submission.status = Status.DRAFT
    submission.save()
    audit.record(
        actor=actor,
        event="intel.reopened",
        obj=submission,
        subject=submission.subject,
        justification="Returned entry reopened by its submitter to edit and resubmit",
    )
    return submission


@transaction.atomic
def submission_resubmit(
    *, actor: Actor, submission: Submission, data: dict[str, Any]
) -> Submission:
    """Reopen a returned entry, replace its details and submit it again, in one step (the
    API); all or nothing, and the crime check applies as on first submission."""
    return _fill_and_submit(actor, submission_reopen(actor=actor, submission=submission), data)


@transaction.atomic
def submission_withdraw(*, actor: Actor, submission: Submission, reason: str = "") -> Submission:
    submission = _returned_own(actor, submission)
    submission.status = Status.WITHDRAWN
    submission.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        event="intel.withdrawn",
        obj=submission,
        subject=submission.subject,
        justification=reason.strip()[:500] or "Withdrawn by its submitter after it was returned",
    )
    _tell_fib(
        submission,
        sender=actor,
        kind="intel.withdrawn",
        title=f"Intelligence {submission.reference} was withdrawn by its submitter",
        body="An entry the FIB returned has been withdrawn.",
    )
    return submission


def _open_referral(actor: Actor, referral: CrimeReferral) -> CrimeReferral:
    if not is_crime_recorder(actor) or actor.agency_id is None:
        raise PermissionDenied("You do not have permission to record crimes.")
    fresh = (
        CrimeReferral.objects.select_for_update(of=("self",))
        .select_related("submission", "submission__submitter", "concern", "referred_by")
        .get(pk=referral.pk)
    )
    if fresh.status != CrimeReferralStatus.OPEN:
        status = fresh.get_status_display().lower()
        raise ValidationError(
            {"__all__": [f"This referral has already been dealt with ({status})"]}
        )
    return fresh


@transaction.atomic
def crime_referral_record(
    *, actor: Actor, referral: CrimeReferral, crime_reference: str
) -> CrimeReferral:
    """The crime recorder records the crime reference: the entry, the concern it came from
    and the child's chronology then show "crime reported, reference ..."; the entry goes
    back to the FIB to work the intelligence around the crime."""
    crime_reference = " ".join(crime_reference.split())
    problem = crime_reference_problem(crime_reference)
    if problem:
        raise ValidationError({"crime_reference": [problem]})
    referral = _open_referral(actor, referral)
    referral.status = CrimeReferralStatus.RECORDED
    referral.crime_reference = crime_reference
    referral.closed_by = actor
    referral.closed_at = timezone.now()
    referral.save()
    submission = Submission.objects.select_for_update().get(pk=referral.submission_id)
    submission.crime_reference = crime_reference
    if submission.status == Status.CRIME_REFERRED:
        submission.status = Status.TRIAGED
    submission.save()
    if referral.concern is not None:
        concern_services.concern_record_crime(
            actor=actor,
            concern=referral.concern,
            crime_reference=crime_reference,
            source=f"crime referral {referral.reference}",
        )
    audit.record(
        actor=actor,
        event="intel.crime_recorded",
        obj=referral,
        subject=referral.child,
        justification=f"Crime reported, reference {crime_reference}",
        details={"submission": submission.pk, "crime_reference": crime_reference},
    )
    notifications.notify(
        sender=actor,
        recipients=[submission.submitter, referral.referred_by],
        kind="intel.crime_recorded",
        title=f"Intelligence {submission.reference}: crime reported, reference {crime_reference}",
        body=f"The crime has been recorded under reference {crime_reference}.",
        url=reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )
    return referral


@transaction.atomic
def crime_referral_return(*, actor: Actor, referral: CrimeReferral, note: str) -> CrimeReferral:
    """The crime recorder returns the referral to the FIB with a note (not recordable as
    it stands); the entry is back in the FIB's triaged queue for its decision."""
    note = clean_note(
        note, "note", "Say why you are returning it to the FIB (at least 10 characters)"
    )
    referral = _open_referral(actor, referral)
    referral.status = CrimeReferralStatus.RETURNED
    referral.return_note = note
    referral.closed_by = actor
    referral.closed_at = timezone.now()
    referral.save()
    submission = Submission.objects.select_for_update().get(pk=referral.submission_id)
    if submission.status == Status.CRIME_REFERRED:
        submission.status = Status.TRIAGED
        submission.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        event="intel.crime_referral_returned",
        obj=referral,
        subject=referral.child,
        justification=note[:500],
        details={"submission": submission.pk},
    )
    notifications.notify(
        sender=actor,
        recipients=[referral.referred_by],
        kind="intel.crime_referral_returned",
        title=f"Crime referral {referral.reference} for {submission.reference} returned to the FIB",
        body="The crime recorder returned the referral with a note.",
        url=reverse("intelligence:detail", args=[submission.pk]),
        obj=submission,
    )
    return referral
