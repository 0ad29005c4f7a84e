"""Every write about information rights: keyword-only, actor first, in a transaction,
audited. State changes lock the row first and re-check its state inside the
transaction (ADR 0015), so a double submit answers Conflict instead of acting twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.rules import roles_for
from cairn.audit import services as audit
from cairn.core.concurrency import Conflict, lock
from cairn.notifications.services import notify
from cairn.pole import services as pole
from cairn.pole.models import Entity, Person

from .access import access_person_for_rights, access_request_by_id, can_answer, can_restrict, is_ig
from .models import (
    Outcome,
    RequestKind,
    RequestStatus,
    Restriction,
    RightsRequest,
    add_months,
)

# UK GDPR Art. 12(3): one month, extendable by two further months where complex.
MONTHS_TO_ANSWER = 1
MONTHS_WITH_EXTENSION = 3


def _owners(person: Person) -> list[User]:
    return list(
        User.objects.filter(
            agency_id=person.entity.owning_agency_id,
            role__in=roles_for("pole.change_person"),
            is_active=True,
        )
    )


@transaction.atomic
def request_log(
    *,
    actor: Any,
    person_id: int,
    kind: str,
    requester: str,
    requester_kind: str,
    grounds: str,
    received_on: dt.date,
) -> RightsRequest:
    if not is_ig(actor):
        raise Http404("No person found.")
    person = access_person_for_rights(actor, person_id)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    rr = RightsRequest(
        kind=kind,
        person=person,
        requester=requester.strip(),
        requester_kind=requester_kind,
        grounds=grounds.strip(),
        received_on=received_on,
        due_on=add_months(received_on, MONTHS_TO_ANSWER),
        created_by=actor,
    )
    rr.full_clean()
    rr.save()
    audit.record(
        actor=actor,
        event="rights.request_logged",
        obj=rr,
        subject=person,
        justification=f"{rr.get_kind_display()} request logged",
        details={
            "kind": kind,
            "requester_kind": requester_kind,
            "received_on": received_on.isoformat(),
            "due_on": rr.due_on.isoformat(),
        },
    )
    # The owning agency decides: it sees the request in its inbox.
    notify(
        recipients=_owners(person),
        kind="rights_request",
        title=f"{rr.get_kind_display()} request {rr.reference} about a record your agency holds",
        body=f"Please answer by {rr.due_on:%-d %B %Y}.",
        url=reverse("rights:detail", args=[rr.pk]),
        obj=rr,
    )
    return rr


def _locked_open(actor: Any, request_id: int) -> RightsRequest:
    rr = lock(access_request_by_id(actor, request_id))
    if not rr.is_open:
        raise Conflict(f"{rr.reference} has already been answered.")
    return rr


@transaction.atomic
def request_extend(*, actor: Any, request_id: int, reason: str) -> RightsRequest:
    if not is_ig(actor):
        raise Http404("No request found.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request needs more time"})
    rr = _locked_open(actor, request_id)
    if rr.extended:
        raise Conflict(f"{rr.reference} has already been extended.")
    old_due = rr.due_on
    rr.due_on = add_months(rr.received_on, MONTHS_WITH_EXTENSION)
    rr.extension_reason = reason.strip()
    rr.save(update_fields=["due_on", "extension_reason"])
    audit.record(
        actor=actor,
        event="rights.request_extended",
        obj=rr,
        subject=rr.person,
        justification=reason.strip()[:500],
        details={"before": old_due.isoformat(), "after": rr.due_on.isoformat()},
    )
    return rr


def _close(actor: Any, rr: RightsRequest, outcome: str, reason: str) -> None:
    rr.status = RequestStatus.CLOSED
    rr.outcome = outcome
    rr.outcome_reason = reason.strip()
    rr.closed_at = timezone.now()
    rr.closed_by = actor
    rr.save(update_fields=["status", "outcome", "outcome_reason", "closed_at", "closed_by"])
    audit.record(
        actor=actor,
        event="rights.request_closed",
        obj=rr,
        subject=rr.person,
        justification=f"{rr.reference}: {rr.get_outcome_display()}",
        details={"outcome": outcome, "reason": rr.outcome_reason[:500]},
    )
    if not is_ig(actor):
        notify(
            recipients=User.objects.filter(role__in=roles_for("rights.manage_request")),
            kind="rights_request",
            title=f"{rr.reference} answered: {rr.get_outcome_display()}",
            body="The reply to the requester is ready to send.",
            url=reverse("rights:detail", args=[rr.pk]),
            obj=rr,
        )


@transaction.atomic
def request_refuse(*, actor: Any, request_id: int, reason: str) -> RightsRequest:
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request is refused"})
    rr = _locked_open(actor, request_id)
    if not can_answer(actor, rr):
        raise Http404("No request found.")
    _close(actor, rr, Outcome.REFUSED, reason)
    return rr


@transaction.atomic
def request_rectify(*, actor: Any, request_id: int, note: str, **fields: Any) -> RightsRequest:
    """The owner corrects the record through the person edit service, whose audit row
    keeps the old and new values, and the request closes as corrected."""
    rr = _locked_open(actor, request_id)
    if rr.kind != RequestKind.RECTIFICATION or not can_answer(actor, rr):
        raise Http404("No request found.")
    person = rr.person
    lock(person.entity)
    if person.entity.restricted_since is not None:
        raise ValidationError("The record is restricted: lift the restriction before correcting it")
    if all(getattr(person, name) == value for name, value in fields.items()):
        raise ValidationError("Nothing was changed: correct a detail, or refuse the request")
    pole.person_update(
        actor=actor, person=person, justification=f"Rectification {rr.reference}", **fields
    )
    _close(actor, rr, Outcome.CORRECTED, note)
    return rr


@transaction.atomic
def restriction_apply(
    *, actor: Any, person_id: int, reason: str, request_id: int | None = None
) -> Restriction:
    if not reason.strip():
        raise ValidationError({"reason": "Enter why processing is restricted"})
    rr = None
    if request_id is not None:
        rr = _locked_open(actor, request_id)
        if rr.kind != RequestKind.RESTRICTION or rr.person_id != person_id:
            raise Http404("No request found.")
    person = access_person_for_rights(actor, person_id)
    if not can_restrict(actor, person):
        raise Http404("No person found.")
    entity = lock(Entity(pk=person.pk))
    if entity.restricted_since is not None:
        raise Conflict("Processing of this record is already restricted.")
    now = timezone.now()
    try:
        with transaction.atomic():
            restriction = Restriction.objects.create(
                person=person, request=rr, reason=reason.strip(), applied_by=actor, applied_at=now
            )
    except IntegrityError:
        raise Conflict("Processing of this record is already restricted.") from None
    entity.restricted_since = now
    entity.save(update_fields=["restricted_since", "updated_at"])
    audit.record(
        actor=actor,
        event="rights.restricted",
        obj=restriction,
        subject=person,
        justification=reason.strip()[:500],
        details={"request": rr.reference if rr else None},
    )
    if rr is not None:
        _close(actor, rr, Outcome.RESTRICTED, reason)
    return restriction


@transaction.atomic
def restriction_lift(*, actor: Any, person_id: int, reason: str) -> Restriction:
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the restriction is lifted"})
    person = access_person_for_rights(actor, person_id)
    if not can_restrict(actor, person):
        raise Http404("No person found.")
    entity = lock(Entity(pk=person.pk))
    restriction = (
        Restriction.objects.select_for_update()
        .filter(person_id=person.pk, lifted_at__isnull=True)
        .first()
    )
    if entity.restricted_since is None or restriction is None:
        raise Conflict("Processing of this record is not restricted.")
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lift_reason = reason.strip()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    entity.restricted_since = None
    entity.save(update_fields=["restricted_since", "updated_at"])
    audit.record(
        actor=actor,
        event="rights.restriction_lifted",
        obj=restriction,
        subject=person,
        justification=reason.strip()[:500],
        details={"restricted_since": restriction.applied_at.isoformat()},
    )
    return restriction
