"""Every write for disruption: tactics of every type, CAWN issue/service/breaches, markers
(review, removal), vehicle sightings, sharing, disruption plans, location assessments (and
their actions done or reopened) and review reminders. Keyword-only, actor first, atomic,
validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import AgencyKind, Role
from cairn.audit import services as audit
from cairn.core.concurrency import Conflict, lock
from cairn.core.dates import add_months
from cairn.core.http import require
from cairn.core.text import as_id, strip_controls
from cairn.core.types import Actor
from cairn.core.wording import place_phrase
from cairn.notifications import services as notifications
from cairn.pole import services as pole
from cairn.pole.access import access_entity_by_id, access_person_by_id
from cairn.pole.models import Entity, EntityKind, Location, Person, Vehicle
from cairn.pole.selectors import find_visible_object
from cairn.sharing import services as sharing
from cairn.sharing.models import DisclosureKind

from .access import (
    can_change_assessment,
    can_change_tactic,
    can_record_tactic_type,
    is_police_user,
    visible_tactics,
)
from .access import first_person_subject as _first_person_subject
from .eligibility import cawn_eligibility
from .models import (
    COURT_ORDER_TYPES,
    LEGAL_BASIS,
    PERSON_ORDER_TYPES,
    REMOVAL_REASON_MAX,
    TOOLKIT_TYPES,
    Cawn,
    CawnBreach,
    DisruptionPlan,
    DrugsWarrant,
    EnforcementVisit,
    ImmigrationCheck,
    LocationAction,
    LocationAssessment,
    Marker,
    MarkerRequest,
    MarkerRequestStatus,
    ReminderStage,
    ReviewReminder,
    SubjectRole,
    Tactic,
    TacticShare,
    TacticStatus,
    TacticSubject,
    TacticType,
    ToolkitOrder,
    VehicleSighting,
)

# s116 ASB, Crime and Policing Act 2014: a hotel notice lasts at most 6 months.
HOTEL_NOTICE_MAX_MONTHS = 6
# A review due within this many days raises a "due soon" reminder.
REMINDER_LEAD_DAYS = 7
ROLE_FOR_KIND = {
    EntityKind.LOCATION: SubjectRole.LOCATION,
    EntityKind.VEHICLE: SubjectRole.VEHICLE,
}


def _who(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone else"


def _today() -> dt.date:
    return timezone.localdate()


def _day(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "not set"


def _audit(actor: Actor, event: str, tactic: Tactic, justification: str, **details: Any) -> None:
    audit.record(
        actor=actor,
        event=event,
        obj=tactic,
        subject=_first_person_subject(tactic),
        justification=justification,
        details={"type": tactic.tactic_type, **details},
    )


def _validate_dates(tactic: Tactic) -> None:
    errors: dict[str, str] = {}
    if tactic.started_on and tactic.planned_on and tactic.started_on < tactic.planned_on:
        errors["started_on"] = "Start date must be on or after the planned date"
    if tactic.completed_on and tactic.started_on and tactic.completed_on < tactic.started_on:
        errors["completed_on"] = "Completion date must be on or after the start date"
    if tactic.status == TacticStatus.DONE and not tactic.outcome.strip():
        errors["outcome"] = "Enter the outcome of a completed tactic"
    if errors:
        raise ValidationError(errors)


def _date_the_start(tactic: Tactic) -> None:
    """A tactic under way or done has started: on the day it was done, or today, unless
    that is before the day it was planned (the planned date is then all that is known)."""
    if tactic.status not in (TacticStatus.IN_PROGRESS, TacticStatus.DONE) or tactic.started_on:
        return
    day = min(tactic.completed_on or _today(), _today())
    if tactic.planned_on is None or tactic.planned_on <= day:
        tactic.started_on = day


DETAIL_DATES = (
    "applied_on",
    "granted_on",
    "executed_on",
    "starts_on",
    "expires_on",
    "visited_on",
    "checked_on",
    "referred_on",
)
DETAIL_TEXTS = ("address", "result", "premises", "found", "court_or_authority", "conditions")


def _typed_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The type-specific fields as the types they must be (dates, text, a person id), from
    a form's cleaned data or an API body alike: a number where a date belongs, or "abc" as
    a person, is a validation error, never a crash further on."""
    out = dict(detail)
    errors: dict[str, str] = {}
    for key in DETAIL_DATES:
        value = out.get(key)
        if value in (None, ""):
            out.pop(key, None)
            continue
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if (
            not isinstance(value, dt.date)
            or isinstance(value, dt.datetime)
            or not 1900 <= value.year <= 2100
        ):
            errors[key] = "Enter a real date between 1900 and 2100, as YYYY-MM-DD"
            continue
        out[key] = value
    for key in DETAIL_TEXTS:
        value = out.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[key] = "Enter this as text"
            continue
        out[key] = strip_controls(value)
    if "person_id" in out:
        person_id = out["person_id"]
        out["person_id"] = as_id(person_id if isinstance(person_id, int) else str(person_id))
        if out["person_id"] is None:
            errors["person_id"] = "Choose the person who was checked, by their record number"
    if errors:
        raise ValidationError(errors)
    return out


def _validate_detail(tactic_type: str, detail: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if tactic_type in TOOLKIT_TYPES:
        starts, expires = detail.get("starts_on"), detail.get("expires_on")
        if tactic_type in COURT_ORDER_TYPES:
            # Without them the order never shows as expiring and no review is reminded.
            if not starts:
                errors["starts_on"] = "Enter the date the order starts"
            if not expires:
                errors["expires_on"] = "Enter the date the order expires"
        if starts and expires and expires < starts:
            errors["expires_on"] = "Expiry date must be on or after the start date"
        if tactic_type == TacticType.HOTEL_NOTICE:
            if not starts or not expires:
                errors["expires_on"] = "Enter when the hotel notice starts and expires"
            elif expires > add_months(starts, HOTEL_NOTICE_MAX_MONTHS):
                errors["expires_on"] = (
                    "A hotel notice (s116) can last at most 6 months: expiry must be on or "
                    f"before {add_months(starts, HOTEL_NOTICE_MAX_MONTHS):%-d %B %Y}"
                )
    if tactic_type == TacticType.DRUGS_WARRANT:
        if not str(detail.get("address") or "").strip():
            errors["address"] = "Enter the address the warrant is for"
        applied, granted, executed = (
            detail.get("applied_on"),
            detail.get("granted_on"),
            detail.get("executed_on"),
        )
        if applied and granted and granted < applied:
            errors["granted_on"] = "Date granted must be on or after the date applied"
        if granted and executed and executed < granted:
            errors["executed_on"] = "Date executed must be on or after the date granted"
    if tactic_type == TacticType.ENFORCEMENT_VISIT:
        if not str(detail.get("premises") or "").strip():
            errors["premises"] = "Enter the premises visited"
        if not detail.get("visited_on"):
            errors["visited_on"] = "Enter the date of the visit"
    if tactic_type == TacticType.IMMIGRATION_CHECK:
        if not detail.get("result"):
            errors["result"] = "Choose the result of the check"
        if not detail.get("checked_on"):
            errors["checked_on"] = "Enter the date of the check"
        if detail.get("referred_to_immigration_enforcement") and not detail.get("referred_on"):
            errors["referred_on"] = "Enter the date of the referral to Immigration Enforcement"
        if not detail.get("person_id"):
            errors["person_id"] = "Choose the person who was checked"
    if errors:
        raise ValidationError(errors)


ORDER_FIELDS = (
    "court_or_authority",
    "applied_on",
    "granted_on",
    "starts_on",
    "expires_on",
    "conditions",
)
DETAIL_FIELDS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    TacticType.DRUGS_WARRANT: (
        DrugsWarrant,
        ("address", "applied_on", "granted_on", "executed_on", "result"),
    ),
    TacticType.ENFORCEMENT_VISIT: (EnforcementVisit, ("premises", "visited_on", "found")),
    **dict.fromkeys(TOOLKIT_TYPES, (ToolkitOrder, ORDER_FIELDS)),
}


def _subjects(actor: Actor, subjects: list[tuple[int, str]]) -> list[tuple[Entity, str]]:
    out = []
    # The same record in the same role twice is one subject (not a database error).
    for entity_id, role in dict.fromkeys((int(e), str(r)) for e, r in subjects):
        entity = access_entity_by_id(actor, int(entity_id))
        if role not in SubjectRole.values:
            raise ValidationError({"subjects": f"Unknown role {role!r}"})
        out.append((entity, role))
    return out


def _detail_id(detail: dict[str, Any], key: str) -> int:
    try:
        value = int(detail[key])
    except (KeyError, TypeError, ValueError):
        value = 0
    if not 1 <= value < 2**63:
        raise ValidationError({key: "Choose the person the check is about"})
    return value


@transaction.atomic
def tactic_create(
    *,
    actor: Any,
    tactic_type: str,
    title: str,
    subjects: list[tuple[int, str]],
    legal_basis: str = "",
    status: str = TacticStatus.PLANNED,
    planned_on: dt.date | None = None,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    review_on: dt.date | None = None,
    outcome: str = "",
    notes: str = "",
    police_only: bool | None = None,
    detail: dict[str, Any] | None = None,
    _audit_event: bool = True,
) -> Tactic:
    """Record a tactic with the POLE records it protects or targets. Police tactics are
    police-only unless `police_only=False`; other agencies' tactics never are."""
    require(actor, "disruption.add_tactic", agency=True)
    if tactic_type not in TacticType.values:
        raise ValidationError({"tactic_type": "Choose a type of tactic"})
    if not can_record_tactic_type(actor, tactic_type):
        raise PermissionDenied("Only police can record this kind of tactic.")
    if not title.strip():
        raise ValidationError({"title": "Enter a short title for the tactic"})
    detail = _typed_detail(detail or {})
    _validate_detail(tactic_type, detail)
    chosen = _subjects(actor, subjects)
    if not chosen:
        raise ValidationError({"subjects": "Link at least one person, place or vehicle"})
    if tactic_type in PERSON_ORDER_TYPES and not any(
        role == SubjectRole.TARGET and entity.kind == EntityKind.PERSON for entity, role in chosen
    ):
        raise ValidationError(
            {"person_of_concern": "Choose the person of concern the order is against"}
        )
    if tactic_type in COURT_ORDER_TYPES and review_on is None:
        review_on = detail.get("expires_on")  # so a review is reminded before it lapses
    checked: Person | None = None
    if tactic_type == TacticType.IMMIGRATION_CHECK:
        # The writer must see the person (404 as for a missing one), and the person joins
        # the subjects so the tactic is checked against them both ways (ADR 0009): a
        # partner given the tactic never learns of a record they may not see.
        checked = access_person_by_id(actor, _detail_id(detail, "person_id"))
        if all(entity.pk != checked.pk for entity, _ in chosen):
            role = (
                SubjectRole.PROTECTED_CHILD if checked.category == "child" else SubjectRole.TARGET
            )
            chosen.append((checked.entity, role))
    tactic = Tactic(
        tactic_type=tactic_type,
        title=title.strip(),
        legal_basis=legal_basis.strip() or LEGAL_BASIS.get(TacticType(tactic_type), ""),
        status=status,
        owner=actor,
        owning_agency=actor.agency,
        police_only=bool(is_police_user(actor) if police_only is None else police_only)
        and is_police_user(actor),
        planned_on=planned_on,
        started_on=started_on,
        completed_on=completed_on,
        review_on=review_on,
        outcome=outcome.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    if status == TacticStatus.DONE and completed_on is None:
        # The day it was done: the visit, check or execution when recorded, else today.
        tactic.completed_on = (
            detail.get("visited_on")
            or detail.get("checked_on")
            or detail.get("executed_on")
            or _today()
        )
    _date_the_start(tactic)
    tactic.full_clean()
    _validate_dates(tactic)
    tactic.save()
    TacticSubject.objects.bulk_create(
        TacticSubject(tactic=tactic, entity=entity, role=role) for entity, role in chosen
    )
    if tactic_type in DETAIL_FIELDS:
        model, fields = DETAIL_FIELDS[tactic_type]
        row = model(tactic=tactic, **{f: detail[f] for f in fields if detail.get(f) is not None})
        row.full_clean(exclude=["tactic"])
        row.save()
    elif checked is not None:
        check = ImmigrationCheck(
            tactic=tactic,
            person=checked,
            checked_on=detail["checked_on"],
            result=detail["result"],
            referred_to_immigration_enforcement=bool(
                detail.get("referred_to_immigration_enforcement")
            ),
            referred_on=detail.get("referred_on"),
        )
        check.full_clean(exclude=["tactic"])
        check.save()
    if _audit_event:
        _audit(actor, "tactic.created", tactic, f"{tactic.get_tactic_type_display()} recorded")
    return tactic


@transaction.atomic
def tactic_update(
    *,
    actor: Any,
    tactic: Tactic,
    status: str,
    outcome: str = "",
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    review_on: dt.date | None = None,
    version: str | None = None,
) -> Tactic:
    """Change a tactic's status and outcome. `version` is the tactic's `version` when the
    form was shown: if someone else changed it since, the change is refused rather than
    silently replacing theirs."""
    if not can_change_tactic(actor, tactic):
        raise PermissionDenied("You cannot change this tactic.")
    if status not in TacticStatus.values:
        raise ValidationError({"status": "Choose a status"})
    lock(tactic)
    if version is not None and version != tactic.version:
        raise Conflict(
            f"Someone else changed this tactic while you were editing it: it is now "
            f"{tactic.get_status_display().lower()}. Nothing has been changed; open it "
            "again to see their change."
        )
    tactic.status = status
    tactic.outcome = outcome.strip()
    tactic.started_on = started_on or tactic.started_on
    tactic.completed_on = completed_on
    tactic.review_on = review_on
    if status == TacticStatus.DONE and tactic.completed_on is None:
        tactic.completed_on = _today()
    _date_the_start(tactic)
    _validate_dates(tactic)
    tactic.save()
    _audit(actor, "tactic.changed", tactic, "Tactic status or outcome changed", status=status)
    return tactic


# CAWNs -------------------------------------------------------------------------------


@transaction.atomic
def cawn_issue(
    *,
    actor: Any,
    child: Person,
    person_of_concern: Person,
    authorised_by: str,
    authorised_by_name: str,
    review_on: dt.date,
    notes: str = "",
    recipient_description: str = "",
    recipient_unknown_reason: str = "",
) -> Cawn:
    """Issue a CAWN for an eligible child against a person of concern. An ineligible child
    gives a ValidationError that explains why and names the alternative. The recipient
    needs a full name and date of birth on their record, or else a description and the
    reason they are not known (a notice served on a nickname alone is no evidence)."""
    # Who may issue is settled first, so no one else learns whether a notice exists.
    require(actor, "disruption.add_tactic", agency=True)
    if not can_record_tactic_type(actor, TacticType.CAWN):
        raise PermissionDenied("Only police can issue a CAWN.")
    child = access_person_by_id(actor, child.pk)
    person_of_concern = access_person_by_id(actor, person_of_concern.pk)
    today = _today()
    result = cawn_eligibility(
        age=child.age_on(today),
        looked_after=child.looked_after,
        is_child=child.category == "child",
    )
    errors: dict[str, str] = {}
    if not result.eligible:
        errors["child"] = f"{result.explanation} {result.alternative}".strip()
    if person_of_concern.pk == child.pk:
        errors["person_of_concern"] = "The person of concern must be someone other than the child"
    if authorised_by not in ("parent", "local_authority"):
        errors["authorised_by"] = "Say who authorised the notice"
    if not authorised_by_name.strip():
        errors["authorised_by_name"] = "Enter the name of the person who authorised the notice"
    if review_on is None or review_on <= today:
        errors["review_on"] = "Review date must be in the future"
    identified = bool(person_of_concern.family_name.strip() and person_of_concern.date_of_birth)
    if not identified:
        if not recipient_description.strip():
            errors["recipient_description"] = (
                f"{person_of_concern.full_name}'s full name or date of birth is not recorded: "
                "describe the person the notice is served on, or record their full name "
                "and date of birth on their profile first"
            )
        if not recipient_unknown_reason.strip():
            errors["recipient_unknown_reason"] = (
                "Say why the full name or date of birth of the person the notice is served "
                "on is not known"
            )
    if errors:
        raise ValidationError(errors)
    # The child's row is the lock two officers issuing for the same pair queue on, so the
    # second sees the first's notice (ADR 0015).
    lock(child)
    existing = _cawn_in_force(child, person_of_concern)
    if existing is not None:
        then = "record a breach or renew it" if existing.served else "record its service"
        raise Conflict(
            f"{existing.tactic.reference} is already in force against "
            f"{person_of_concern.full_name} for {child.full_name}: {then} instead. "
            "No new notice has been issued."
        )
    tactic = tactic_create(
        actor=actor,
        tactic_type=TacticType.CAWN,
        title=f"CAWN: {person_of_concern.full_name} not to associate with {child.full_name}",
        subjects=[
            (child.pk, SubjectRole.PROTECTED_CHILD),
            (person_of_concern.pk, SubjectRole.TARGET),
        ],
        status=TacticStatus.PLANNED,
        planned_on=today,
        review_on=review_on,
        notes=notes,
        _audit_event=False,
    )
    cawn = Cawn.objects.create(
        tactic=tactic,
        child=child,
        person_of_concern=person_of_concern,
        basis=result.basis,
        authorised_by=authorised_by,
        authorised_by_name=authorised_by_name.strip(),
        # A fully identified recipient needs neither; keep them empty so the notice
        # prints the name and date of birth alone.
        recipient_description="" if identified else recipient_description.strip(),
        recipient_unknown_reason="" if identified else recipient_unknown_reason.strip(),
    )
    audit.record(
        actor=actor,
        event="cawn.issued",
        obj=tactic,
        subject=child,
        justification=result.explanation,
        details={
            "basis": result.basis,
            "person_of_concern": person_of_concern.pk,
            "recipient_identified": identified,
        },
    )
    return cawn


def _cawn_in_force(child: Person, person_of_concern: Person) -> Cawn | None:
    """The open (planned or served) CAWN against this person for this child, if any."""
    return (
        Cawn.objects.filter(
            child=child,
            person_of_concern=person_of_concern,
            tactic__status__in=[TacticStatus.PLANNED, TacticStatus.IN_PROGRESS],
        )
        .select_related("tactic")
        .order_by("tactic_id")
        .first()
    )


@transaction.atomic
def cawn_record_service(
    *,
    actor: Any,
    cawn: Cawn,
    served_by_name: str,
    served_at: dt.datetime,
    served_place: str,
    copied_to_social_care_on: dt.date | None = None,
    social_care_contact: str = "",
) -> Cawn:
    if not can_change_tactic(actor, cawn.tactic):
        raise PermissionDenied("You cannot change this CAWN.")
    lock(cawn)
    if cawn.served:
        raise Conflict(
            f"Service of this notice was already recorded by {_who(cawn.served_by)}. "
            "Nothing has been changed."
        )
    errors: dict[str, str] = {}
    if not served_by_name.strip():
        errors["served_by_name"] = "Enter the name of the officer who served the notice"
    if served_at is None:
        errors["served_at"] = "Enter the date and time the notice was served"
    elif served_at > timezone.now():
        errors["served_at"] = "Date served must be today or in the past"
    if not served_place.strip():
        errors["served_place"] = "Enter where the notice was served"
    if copied_to_social_care_on and copied_to_social_care_on > _today():
        errors["copied_to_social_care_on"] = "Date copied must be today or in the past"
    if errors:
        raise ValidationError(errors)
    cawn.served_by = actor
    cawn.served_by_name = served_by_name.strip()
    cawn.served_at = served_at
    cawn.served_place = served_place.strip()
    cawn.copied_to_social_care_on = copied_to_social_care_on
    cawn.social_care_contact = social_care_contact.strip()
    cawn.save()
    tactic = cawn.tactic
    tactic.status = TacticStatus.IN_PROGRESS
    tactic.started_on = timezone.localtime(served_at).date()
    tactic.save(update_fields=["status", "started_on", "updated_at"])
    audit.record(
        actor=actor,
        event="cawn.served",
        obj=tactic,
        subject=cawn.child,
        justification="CAWN service recorded",
        recipient="Children's social care" if copied_to_social_care_on else "",
    )
    return cawn


@transaction.atomic
def cawn_breach_record(
    *, actor: Any, cawn: Cawn, occurred_on: dt.date, evidence: str
) -> CawnBreach:
    if not can_change_tactic(actor, cawn.tactic):
        raise PermissionDenied("You cannot change this CAWN.")
    lock(cawn)  # service is checked as it stands now
    errors: dict[str, str] = {}
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date of the breach"
    elif occurred_on > _today():
        errors["occurred_on"] = "Date of the breach must be today or in the past"
    elif cawn.served_at and occurred_on < timezone.localtime(cawn.served_at).date():
        errors["occurred_on"] = "A breach must be on or after the date the notice was served"
    if not cawn.served:
        errors["occurred_on"] = "Record service of the notice before logging a breach"
    if not evidence.strip():
        errors["evidence"] = "Describe the evidence of the breach"
    if errors:
        raise ValidationError(errors)
    # Under the CAWN's lock: the same breach logged twice (two officers, or a resend) is
    # one breach, so the count stays evidence.
    same = _same_text(evidence)
    for logged in cawn.breaches.filter(occurred_on=occurred_on).select_related("recorded_by"):
        if _same_text(logged.evidence) == same:
            raise Conflict(
                f"This breach on {occurred_on:%-d %B %Y} was already logged by "
                f"{_who(logged.recorded_by)} at "
                f"{timezone.localtime(logged.recorded_at):%H:%M on %-d %B %Y}, with the same "
                "evidence. Nothing has been added."
            )
    breach = CawnBreach.objects.create(
        cawn=cawn, occurred_on=occurred_on, evidence=evidence.strip(), recorded_by=actor
    )
    audit.record(
        actor=actor,
        event="cawn.breach_recorded",
        obj=cawn.tactic,
        subject=cawn.child,
        justification="CAWN breach logged",
        details={"occurred_on": occurred_on.isoformat()},
    )
    return breach


def _same_text(text: str) -> str:
    """Text as compared for duplicates: case and spacing do not make a breach different."""
    return " ".join(text.split()).casefold()


# Markers -----------------------------------------------------------------------------


@transaction.atomic
def marker_add(
    *,
    actor: Any,
    entity_id: int,
    marker_type: str,
    reason: str,
    review_on: dt.date,
) -> Marker:
    entity = access_entity_by_id(actor, entity_id)
    if entity.kind not in (EntityKind.PERSON, EntityKind.LOCATION, EntityKind.VEHICLE):
        raise ValidationError({"entity": "Markers go on a person, a location or a vehicle"})
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for the marker"
    if review_on is None:
        errors["review_on"] = "Enter a review date"
    if errors:
        raise ValidationError(errors)
    role = ROLE_FOR_KIND.get(EntityKind(entity.kind), SubjectRole.TARGET)
    person = getattr(entity, "person", None) if entity.kind == EntityKind.PERSON else None
    if person is not None and person.category == "child":
        role = SubjectRole.PROTECTED_CHILD
    tactic = tactic_create(
        actor=actor,
        tactic_type=TacticType.MARKER,
        title=f"Marker on {entity.label}",
        subjects=[(entity.pk, role)],
        status=TacticStatus.IN_PROGRESS,
        started_on=_today(),
        review_on=review_on,
        _audit_event=False,
    )
    marker = Marker(tactic=tactic, entity=entity, marker_type=marker_type, reason=reason.strip())
    marker.full_clean(exclude=["tactic"])
    marker.save()
    answered: list[int] = []
    if entity.kind == EntityKind.VEHICLE:
        # The marker answers any open request for one on this vehicle.
        requests = MarkerRequest.objects.select_for_update().filter(
            vehicle_id=entity.pk, status=MarkerRequestStatus.REQUESTED
        )
        answered = list(requests.values_list("pk", flat=True))
        MarkerRequest.objects.filter(pk__in=answered).update(status=MarkerRequestStatus.ADDED)
    _audit(
        actor,
        "marker.added",
        tactic,
        reason.strip()[:200],
        marker_type=marker_type,
        answered_requests=answered,
    )
    return marker


def _lock_active_marker(marker: Marker) -> None:
    lock(marker)
    if not marker.active:
        raise Conflict(
            f"This marker was already removed by {_who(marker.removed_by)}. "
            "Nothing has been changed."
        )


@transaction.atomic
def marker_review(
    *,
    actor: Any,
    marker: Marker,
    next_review_on: dt.date,
    note: str,
    version: str | None = None,
) -> Marker:
    """The marker was reviewed and is still needed: set the next review date. `version` is
    the tactic's `version` when the form was shown: a review recorded since is refused,
    saying what the other person recorded, rather than silently replaced."""
    if not can_change_tactic(actor, marker.tactic):
        raise PermissionDenied("You cannot review this marker.")
    _lock_active_marker(marker)
    tactic = lock(marker.tactic)
    if version is not None and version != tactic.version:
        reviews = [line for line in tactic.notes.splitlines() if line.startswith("Reviewed ")]
        said = f" ({reviews[-1]})" if reviews else ""
        raise Conflict(
            "Someone else changed this marker while you were reviewing it: its next review "
            f"is now {_day(tactic.review_on)}{said}. Nothing has been changed; open it again "
            "to see their review."
        )
    errors: dict[str, str] = {}
    if next_review_on is None or next_review_on <= _today():
        errors["next_review_on"] = "Next review date must be in the future"
    if not note.strip():
        errors["note"] = "Say why the marker is still needed"
    if errors:
        raise ValidationError(errors)
    tactic.review_on = next_review_on
    tactic.notes = (tactic.notes + f"\nReviewed {_today():%-d %B %Y}: {note.strip()}").strip()
    tactic.save(update_fields=["review_on", "notes", "updated_at"])
    _audit(actor, "marker.reviewed", tactic, note.strip()[:200])
    return marker


@transaction.atomic
def marker_remove(*, actor: Any, marker: Marker, reason: str) -> Marker:
    if not can_change_tactic(actor, marker.tactic):
        raise PermissionDenied("You cannot remove this marker.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for removing the marker"})
    if len(reason.strip()) > REMOVAL_REASON_MAX:
        raise ValidationError(
            {"reason": f"Reason must be {REMOVAL_REASON_MAX:,} characters or fewer"}
        )
    _lock_active_marker(marker)
    marker.removed_at = timezone.now()
    marker.removed_by = actor
    marker.removal_reason = reason.strip()
    marker.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    tactic = marker.tactic
    tactic.status = TacticStatus.DONE
    tactic.completed_on = _today()
    tactic.outcome = f"Removed: {reason.strip()}"
    tactic.review_on = None  # a removed marker is never reviewed again
    tactic.save(update_fields=["status", "completed_on", "outcome", "review_on", "updated_at"])
    _audit(actor, "marker.removed", tactic, reason.strip()[:200])
    return marker


# Vehicle sightings -------------------------------------------------------------------


@transaction.atomic
def sighting_record(
    *,
    actor: Any,
    registration: str,
    seen_at: dt.datetime,
    place: str,
    occupants: str = "",
    direction: str = "",
    location_id: int | None = None,
    child_ids: list[int] | None = None,
    marker_requested: bool = False,
) -> VehicleSighting:
    """A sighting of a vehicle (found by registration among visible vehicles, or created),
    optionally at a known location and near named children."""

    errors: dict[str, str] = {}
    if seen_at is None:
        errors["seen_at"] = "Enter when the vehicle was seen"
    elif seen_at > timezone.now():
        errors["seen_at"] = "The sighting must be in the past"
    if not place.strip():
        errors["place"] = "Enter where the vehicle was seen"
    if errors:
        raise ValidationError(errors)
    vehicle_id = find_visible_object(actor, "vehicle", {"registration": registration})
    if vehicle_id is None:
        vehicle = pole.vehicle_create(actor=actor, registration=registration, police_only=True)
    else:
        vehicle = Vehicle.objects.get(pk=vehicle_id)
    subjects: list[tuple[int, str]] = [(vehicle.pk, SubjectRole.VEHICLE)]
    location: Location | None = None
    if location_id:
        entity = access_entity_by_id(actor, location_id)
        if entity.kind != EntityKind.LOCATION:
            raise ValidationError({"location_id": "Choose a location"})
        location = entity.location
        subjects.append((entity.pk, SubjectRole.LOCATION))
    for child_id in child_ids or []:
        subjects.append((access_person_by_id(actor, child_id).pk, SubjectRole.PROTECTED_CHILD))
    local = timezone.localtime(seen_at)
    tactic = tactic_create(
        actor=actor,
        tactic_type=TacticType.VEHICLE_REPORT,
        title=f"{vehicle.registration_key} seen {place_phrase(place)}"[:200],
        subjects=subjects,
        status=TacticStatus.DONE,
        started_on=local.date(),
        completed_on=local.date(),
        outcome="Sighting recorded" + ("; marker requested" if marker_requested else ""),
        _audit_event=False,
    )
    sighting = VehicleSighting.objects.create(
        tactic=tactic,
        vehicle=vehicle,
        registration_seen=registration.strip().upper(),
        seen_at=seen_at,
        place=place.strip(),
        location=location,
        occupants=occupants.strip(),
        direction=direction.strip(),
        marker_requested=marker_requested,
    )
    _audit(actor, "sighting.recorded", tactic, "Vehicle sighting recorded")
    if marker_requested:
        marker_request_create(actor=actor, sighting=sighting)
    return sighting


def marker_owners() -> list[Any]:
    """Who decides on police markers: the Hub's FIB officers (police intelligence owns
    markers under MoPI), or its police PPU co-ordinators when there is no FIB officer."""

    police = User.objects.filter(is_active=True, agency__kind=AgencyKind.POLICE)
    owners = list(police.filter(role=Role.FIB_OFFICER).order_by("pk"))
    return owners or list(police.filter(role=Role.PPU_COORDINATOR).order_by("pk"))


@transaction.atomic
def marker_request_create(*, actor: Actor, sighting: VehicleSighting) -> MarkerRequest:
    """Ask the marker owners to put a marker on the sighted vehicle: a request in status
    "requested" and an inbox item for each owner. One request per sighting: the sighting
    row is locked, so a repeated or concurrent request returns the first."""
    require(actor, "disruption.add_tactic", agency=True)
    if not is_police_user(actor):
        raise PermissionDenied("Only police can request a marker.")
    locked = VehicleSighting.objects.select_for_update().get(pk=sighting.pk)
    existing = MarkerRequest.objects.filter(sighting=locked).first()
    if existing is not None:
        return existing
    request = MarkerRequest.objects.create(
        sighting=locked, vehicle_id=locked.vehicle_id, requested_by=actor
    )
    if not locked.marker_requested:
        locked.marker_requested = True
        locked.save(update_fields=["marker_requested"])
    vehicle_url = reverse("disruption:vehicle", args=[locked.vehicle_id])
    local = timezone.localtime(locked.seen_at)
    notifications.notify(
        sender=actor,
        recipients=marker_owners(),
        kind="disruption.marker_requested",
        title=f"Marker requested on vehicle {locked.registration_seen}",
        body=(
            f"{actor} asked for a marker on {locked.registration_seen} after it was seen "
            f"{place_phrase(locked.place)} on {local:%-d %B %Y at %H:%M}. Add the marker from the "
            "vehicle page."
        ),
        url=vehicle_url,
        obj=request,
    )
    _audit(
        actor,
        "marker.requested",
        locked.tactic,
        "Marker requested on a sighted vehicle",
        marker_request=request.pk,
        vehicle=locked.vehicle_id,
    )
    return request


# Sharing -----------------------------------------------------------------------------


@transaction.atomic
def tactic_share(
    *,
    actor: Any,
    tactic: Tactic,
    agency: Agency,
    reason: str,
    claim: sharing.Claim = sharing.Claim(),  # noqa: B008 (frozen)
) -> TacticShare:
    """Share a tactic (and the records it names) with another agency: a disclosure, with
    the lawful basis it relied on (the records shared with it rely on the same)."""
    require(actor, "disruption.share_tactic", agency=True)
    if not visible_tactics(actor).filter(pk=tactic.pk).exists():
        raise PermissionDenied("You cannot share this tactic.")
    if tactic.police_only and not is_police_user(actor):
        raise PermissionDenied("Only police can share a police-only tactic.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why this tactic is being shared"})
    share = TacticShare.objects.filter(tactic=tactic, agency=agency).first()
    if share is None:
        sender = actor.agency or tactic.owning_agency
        basis = sharing.basis_resolve(from_agency=sender, to_agencies=[agency], claim=claim)
        share = TacticShare.objects.create(
            tactic=tactic,
            agency=agency,
            shared_by=actor,
            reason=reason.strip(),
            disclosure=sharing.disclosure_record(
                actor=actor,
                kind=DisclosureKind.TACTIC_SHARE,
                reference=f"Tactic {tactic.pk}",
                from_agency=sender,
                to_agency=agency,
                recipient=agency.name,
                basis=basis,
                subject=_first_person_subject(tactic),
            ),
        )
    for subject in tactic.subjects.select_related("entity"):
        if actor.has_perm("pole.share_entity"):
            pole.entity_share(
                actor=actor,
                entity_id=subject.entity_id,
                agency=agency,
                reason=reason,
                disclosure=share.disclosure,
            )
    audit.record(
        actor=actor,
        event="tactic.shared",
        obj=tactic,
        subject=_first_person_subject(tactic),
        recipient=agency.name,
        justification=reason.strip(),
    )
    return share


# Plans and location assessments -------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    actor: Any,
    person_of_concern: Person,
    objectives: str,
    review_on: dt.date,
    tactic_ids: list[int] | None = None,
    plan: DisruptionPlan | None = None,
) -> DisruptionPlan:
    require(actor, "disruption.manage_plan", agency=True)
    person_of_concern = access_person_by_id(actor, person_of_concern.pk)
    errors: dict[str, str] = {}
    if not objectives.strip():
        errors["objectives"] = "Enter the plan's objectives"
    if review_on is None or review_on <= _today():
        errors["review_on"] = "Review date must be in the future"
    if errors:
        raise ValidationError(errors)
    tactics = list(visible_tactics(actor).filter(pk__in=tactic_ids or []))
    if len(tactics) != len(set(tactic_ids or [])):
        raise ValidationError({"tactic_ids": "Choose tactics you can see"})
    created = plan is None
    if plan is None:
        plan = DisruptionPlan(
            person_of_concern=person_of_concern,
            owner=actor,
            owning_agency=actor.agency,
            police_only=is_police_user(actor),
        )
    elif plan.person_of_concern_id != person_of_concern.pk:
        raise ValidationError({"person_of_concern": "This plan is for someone else"})
    plan.objectives = objectives.strip()
    plan.review_on = review_on
    plan.save()
    plan.tactics.set(tactics)
    audit.record(
        actor=actor,
        event="plan.created" if created else "plan.changed",
        obj=plan,
        subject=person_of_concern,
        justification="Disruption plan saved",
        details={"tactics": [t.pk for t in tactics]},
    )
    return plan


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    location_entity_id: int,
    assessed_on: dt.date,
    summary: str,
    actions: list[tuple[str, str, dt.date | None]],
) -> LocationAssessment:
    """A Contextual Safeguarding location assessment with its actions
    ((description, who, due date))."""
    require(actor, "disruption.add_tactic", agency=True)
    entity = access_entity_by_id(actor, location_entity_id)
    if entity.kind != EntityKind.LOCATION:
        raise ValidationError({"location": "Choose a location"})
    errors: dict[str, str] = {}
    if assessed_on is None or assessed_on > _today():
        errors["assessed_on"] = "Date of the assessment must be today or in the past"
    if not summary.strip():
        errors["summary"] = "Enter what the assessment found"
    if errors:
        raise ValidationError(errors)
    assessment = LocationAssessment.objects.create(
        location=entity.location,
        assessed_on=assessed_on,
        summary=summary.strip(),
        assessed_by=actor,
        owning_agency=actor.agency,
        police_only=False,
    )
    LocationAction.objects.bulk_create(
        LocationAction(
            assessment=assessment, description=desc.strip(), owner_name=who.strip(), due_on=due
        )
        for desc, who, due in actions
        if desc.strip()
    )
    audit.record(
        actor=actor,
        event="location_assessment.recorded",
        obj=assessment,
        justification="Location assessment recorded",
        details={"location": entity.pk, "actions": len(actions)},
    )
    return assessment


def _location_action_audit(actor: Actor, event: str, action: LocationAction, why: str) -> None:
    audit.record(
        actor=actor,
        event=event,
        obj=action.assessment,
        justification=why,
        details={
            "action": action.pk,
            "location": action.assessment.location_id,
            "done_on": action.done_on.isoformat() if action.done_on else None,
        },
    )


@transaction.atomic
def location_action_complete(
    *, actor: Any, action: LocationAction, done_on: dt.date | None = None
) -> LocationAction:
    """Mark an action of a location assessment done (today unless `done_on` is given)."""
    if not can_change_assessment(actor, action.assessment):
        raise PermissionDenied("You cannot change this location assessment.")
    done_on = done_on or _today()
    if done_on > _today():
        raise ValidationError({"done_on": "The date it was done must be today or in the past"})
    if done_on < action.assessment.assessed_on:
        raise ValidationError(
            {"done_on": "The date it was done must be on or after the date of the assessment"}
        )
    lock(action)
    if action.done_on is not None:
        raise Conflict(f"This action was already marked as done ({action.done_on:%-d %B %Y}).")
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    _location_action_audit(actor, "location_action.done", action, "Location action done")
    return action


@transaction.atomic
def location_action_reopen(*, actor: Any, action: LocationAction) -> LocationAction:
    """Reopen an action marked done by mistake (or that needs doing again)."""
    if not can_change_assessment(actor, action.assessment):
        raise PermissionDenied("You cannot change this location assessment.")
    lock(action)
    if action.done_on is None:
        raise Conflict("This action has already been reopened: it is not done.")
    action.done_on = None
    action.save(update_fields=["done_on"])
    _location_action_audit(actor, "location_action.reopened", action, "Location action reopened")
    return action


# Reminders ---------------------------------------------------------------------------


def _review_items(today: dt.date) -> list[tuple[Tactic | DisruptionPlan, dt.date]]:
    horizon = today + dt.timedelta(days=REMINDER_LEAD_DAYS)
    tactics = (
        Tactic.objects.filter(
            review_on__isnull=False,
            review_on__lte=horizon,
            status__in=[TacticStatus.PLANNED, TacticStatus.IN_PROGRESS],
        )
        .exclude(marker__removed_at__isnull=False)
        .select_related("owner")
    )
    plans = DisruptionPlan.objects.filter(review_on__lte=horizon).select_related("owner")
    items: list[tuple[Tactic | DisruptionPlan, dt.date]] = []
    items += [(t, t.review_on) for t in tactics if t.review_on is not None]
    items += [(p, p.review_on) for p in plans]
    return items


@transaction.atomic
def raise_review_reminders(*, today: dt.date | None = None) -> int:
    """Raise due (within a week) and overdue reviews of tactics (markers, CAWNs, orders)
    and plans into their owners' inboxes. Idempotent: one reminder per item, review date
    and stage, however often it runs. Returns how many reminders were raised."""
    today = today or _today()
    raised = 0
    for item, due_on in _review_items(today):
        stage = ReminderStage.OVERDUE if due_on < today else ReminderStage.DUE
        is_plan = isinstance(item, DisruptionPlan)
        key: dict[str, Any] = {"plan_id": item.pk} if is_plan else {"tactic_id": item.pk}
        _, created = ReviewReminder.objects.get_or_create(**key, due_on=due_on, stage=stage)
        if not created:
            continue
        if is_plan:
            what = "Disruption plan"
            url = reverse("disruption:plan-detail", args=[item.pk])
        else:
            assert isinstance(item, Tactic)
            what = f"{item.get_tactic_type_display()} {item.reference}"
            url = reverse("disruption:tactic-detail", args=[item.pk])
        verb = "was due" if stage == ReminderStage.OVERDUE else "is due"
        notifications.notify(
            recipients=[item.owner],
            kind=f"disruption.review_{stage}",
            title=f"Review {'overdue' if stage == 'overdue' else 'due'}: {what}",
            body=f"The review of {what} {verb} on {due_on:%-d %B %Y}.",
            url=url,
            obj=item,
        )
        raised += 1
    if raised:
        audit.record_system(
            event="disruption.reminders_raised",
            justification="Scheduled review reminders",
            details={"raised": raised, "on": today.isoformat()},
        )
    return raised
