"""Writes for any tactic: record one (with its subjects and typed details), change its
status and outcome, and share it with another agency. Keyword-only, actor first, atomic,
validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cairn.accounts.models import Agency
from cairn.audit import services as audit
from cairn.core.concurrency import Conflict, lock
from cairn.core.http import require
from cairn.core.types import Actor
from cairn.disruption.access import (
    can_change_tactic,
    can_record_tactic_type,
    is_police_user,
    visible_tactics,
)
from cairn.disruption.access import first_person_subject as _first_person_subject
from cairn.disruption.models import (
    COURT_ORDER_TYPES,
    LEGAL_BASIS,
    PERSON_ORDER_TYPES,
    ImmigrationCheck,
    SubjectRole,
    Tactic,
    TacticShare,
    TacticStatus,
    TacticSubject,
    TacticType,
)
from cairn.pole import services as pole
from cairn.pole.access import access_entity_by_id, access_person_by_id
from cairn.pole.models import Entity, EntityKind, Person
from cairn.sharing import services as sharing
from cairn.sharing.models import DisclosureKind

from . import details
from ._common import _audit, _today


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
    actor: Actor,
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
    detail = details.typed_detail(detail or {})
    details.validate_detail(tactic_type, detail)
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
    if tactic_type in details.DETAIL_FIELDS:
        model, fields = details.DETAIL_FIELDS[tactic_type]
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
    actor: Actor,
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


# Sharing -----------------------------------------------------------------------------


@transaction.atomic
def tactic_share(
    *,
    actor: Actor,
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
