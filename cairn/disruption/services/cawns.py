"""Child Abduction Warning Notices: issue (eligibility first, one in force per child and
person of concern), record service, log breaches."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.concurrency import Conflict, lock
from cairn.core.http import require
from cairn.core.types import Actor
from cairn.disruption.access import can_change_tactic, can_record_tactic_type
from cairn.disruption.eligibility import cawn_eligibility
from cairn.disruption.models import Cawn, CawnBreach, SubjectRole, TacticStatus, TacticType
from cairn.pole.access import access_person_by_id
from cairn.pole.models import Person

from . import tactics
from ._common import _today, _who


@transaction.atomic
def cawn_issue(
    *,
    actor: Actor,
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
    tactic = tactics.tactic_create(
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
    actor: Actor,
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
    *, actor: Actor, cawn: Cawn, occurred_on: dt.date, evidence: str
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
