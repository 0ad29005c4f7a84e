"""Every write about sharing agreements and disclosure bases: IG keeps the register
(create, change with optimistic locking, withdraw), and the disclosing services resolve
and record the lawful basis of each disclosure here. Each write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.rules import roles_for
from cairn.audit import services as audit
from cairn.core.concurrency import Conflict
from cairn.core.http import agency_id_of, require
from cairn.core.text import says_too_little
from cairn.core.types import Actor
from cairn.notifications.services import notify

from . import access, selectors
from .models import (
    EXCEPTIONAL_BASES,
    AgreementState,
    Disclosure,
    LawfulBasis,
    ReviewOutcome,
    SharingAgreement,
)

EXCEPTIONAL = "exceptional"  # the form's choice for "no agreement covers this"


# The register -------------------------------------------------------------------------


def _clean(
    *,
    actor: Actor | None,
    title: str,
    parties: Sequence[Agency],
    purposes: str,
    bases: Sequence[str],
    other_basis: str,
    start_date: dt.date | None,
    review_date: dt.date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter the agreement's title"]
    if len({a.pk for a in parties}) < 2:
        errors["parties"] = ["Choose at least two agencies that are party to the agreement"]
    elif actor is not None and actor.agency_id not in {a.pk for a in parties}:
        errors["parties"] = [
            "Your agency must be party to the agreement: another agency's information "
            "governance adds or changes agreements it is not party to"
        ]
    if not purposes.strip():
        errors["purposes"] = ["Enter what the agencies share information for"]
    if not bases:
        errors["bases"] = ["Choose at least one lawful basis"]
    elif any(b not in LawfulBasis.values for b in bases):
        errors["bases"] = ["Choose lawful bases from the list"]
    elif LawfulBasis.OTHER in bases and not other_basis.strip():
        errors["other_basis"] = ["Name the other lawful basis"]
    if other_basis.strip() and LawfulBasis.OTHER not in bases:
        errors["other_basis"] = ["Tick Other to give another lawful basis, or clear this box"]
    if start_date is None:
        errors["start_date"] = ["Enter the date the agreement starts"]
    if review_date is None:
        errors["review_date"] = ["Enter the date the agreement is to be reviewed"]
    elif start_date is not None and review_date < start_date:
        errors["review_date"] = ["The review date must be on or after the start date"]
    elif actor is not None and review_date < timezone.localdate():
        errors["review_date"] = [
            "The review date must be today or later: review the agreement and set the next date"
        ]
    return errors


def _ordered_bases(bases: Sequence[str]) -> list[str]:
    return [b for b in LawfulBasis.values if b in set(bases)]


def _snapshot(agreement: SharingAgreement) -> dict[str, Any]:
    return {
        "title": agreement.title,
        "parties": sorted(a.pk for a in agreement.parties.all()),
        "bases": list(agreement.bases),
        "other_basis": agreement.other_basis,
        "start_date": agreement.start_date.isoformat(),
        "review_date": agreement.review_date.isoformat(),
        "state": agreement.state,
        "document_reference": agreement.document_reference,
    }


@transaction.atomic
def agreement_create(
    *,
    actor: Actor | None,
    title: str,
    parties: Sequence[Agency],
    purposes: str,
    bases: Sequence[str],
    start_date: dt.date | None,
    review_date: dt.date | None,
    other_basis: str = "",
    document_reference: str = "",
    state: str = AgreementState.ACTIVE,
) -> SharingAgreement:
    """Add an agreement to the register. `actor` None: set-up data (the demo, an import of
    the Hub's existing agreements), entered as it stands, an old review date and an
    expired state included."""
    if actor is not None:
        require(actor, "sharing.manage_agreement")
    errors = _clean(
        actor=actor,
        title=title,
        parties=parties,
        purposes=purposes,
        bases=bases,
        other_basis=other_basis,
        start_date=start_date,
        review_date=review_date,
    )
    if errors:
        raise ValidationError(errors)
    assert start_date is not None and review_date is not None
    agreement = SharingAgreement.objects.create(
        title=title.strip()[:200],
        purposes=purposes.strip(),
        bases=_ordered_bases(bases),
        other_basis=other_basis.strip()[:300] if LawfulBasis.OTHER in bases else "",
        start_date=start_date,
        review_date=review_date,
        document_reference=document_reference.strip()[:200],
        state=state if actor is None else AgreementState.ACTIVE,
        created_by=actor,
    )
    agreement.parties.set(parties)
    if actor is None:
        audit.record_system(
            event="sharing.agreement_created",
            justification="Information-sharing agreement loaded as set-up data",
            details=_snapshot(agreement),
        )
    else:
        audit.record(
            actor=actor,
            event="sharing.agreement_created",
            obj=agreement,
            justification="Information-sharing agreement added to the register",
            details=_snapshot(agreement),
        )
    return agreement


def _locked(agreement_id: int) -> SharingAgreement:
    agreement = SharingAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise Conflict("This agreement no longer exists.")
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement_id: int,
    version: int,
    title: str,
    parties: Sequence[Agency],
    purposes: str,
    bases: Sequence[str],
    start_date: dt.date | None,
    review_date: dt.date | None,
    state: str,
    other_basis: str = "",
    document_reference: str = "",
) -> SharingAgreement:
    """Change an agreement (a new review date after a review, a party added, expiry).
    `version` is the one the editor read: someone else's change in between is a 409, not
    a silent overwrite. A withdrawn agreement stays withdrawn."""
    require(actor, "sharing.manage_agreement")
    access.access_agreement_for_change(actor, agreement_id)
    agreement = _locked(agreement_id)
    if agreement.version != version:
        raise Conflict(
            "Someone else changed this agreement while you were editing it. "
            "Reload it to see their changes, then make yours again."
        )
    if agreement.state == AgreementState.WITHDRAWN:
        raise Conflict("This agreement has been withdrawn and cannot be changed.")
    errors = _clean(
        actor=actor,
        title=title,
        parties=parties,
        purposes=purposes,
        bases=bases,
        other_basis=other_basis,
        start_date=start_date,
        review_date=review_date,
    )
    if state not in (AgreementState.ACTIVE, AgreementState.EXPIRED):
        errors["state"] = ["Choose active or expired (withdraw an agreement with Withdraw)"]
    if errors:
        raise ValidationError(errors)
    assert start_date is not None and review_date is not None
    before = _snapshot(agreement)
    agreement.title = title.strip()[:200]
    agreement.purposes = purposes.strip()
    agreement.bases = _ordered_bases(bases)
    agreement.other_basis = other_basis.strip()[:300] if LawfulBasis.OTHER in bases else ""
    agreement.start_date = start_date
    agreement.review_date = review_date
    agreement.state = state
    agreement.document_reference = document_reference.strip()[:200]
    agreement.version += 1
    agreement.save()
    agreement.parties.set(parties)
    after = _snapshot(agreement)
    audit.record(
        actor=actor,
        event="sharing.agreement_changed",
        obj=agreement,
        justification="Information-sharing agreement changed",
        details={
            "changed": {
                k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]
            }
        },
    )
    return agreement


@transaction.atomic
def agreement_withdraw(*, actor: Actor, agreement_id: int, reason: str) -> SharingAgreement:
    """Withdraw from an agreement. Of two parties, either ends it: no new disclosure may
    rely on it; the disclosures that did keep pointing at it. Of more, one party's IG
    withdraws only their own agency, and the agreement stays in force between the rest
    (one agency cannot end the Hub's basis for everyone). The other parties' IG are told.
    Withdrawing twice is harmless (the second changes nothing)."""
    require(actor, "sharing.manage_agreement")
    access.access_agreement_for_change(actor, agreement_id)
    agreement = _locked(agreement_id)
    if agreement.state == AgreementState.WITHDRAWN:
        return agreement
    if not reason.strip():
        raise ValidationError({"reason": ["Enter why the agreement is withdrawn"]})
    parties = list(agreement.parties.all())
    if len(parties) > 2:
        agreement.parties.remove(agency_id_of(actor))
        agreement.version += 1
        agreement.save(update_fields=["version", "updated_at"])
        audit.record(
            actor=actor,
            event="sharing.agreement_changed",
            obj=agreement,
            justification=reason.strip()[:500],
            details={"changed": {"parties": {"removed": [actor.agency_id]}}},
        )
        _tell_parties(actor, agreement, parties, left=True)
        return agreement
    agreement.state = AgreementState.WITHDRAWN
    agreement.withdrawn_reason = reason.strip()[:1000]
    agreement.withdrawn_at = timezone.now()
    agreement.withdrawn_by = actor
    agreement.version += 1
    agreement.save(
        update_fields=[
            "state",
            "withdrawn_reason",
            "withdrawn_at",
            "withdrawn_by",
            "version",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        event="sharing.agreement_withdrawn",
        obj=agreement,
        justification=reason.strip()[:500],
    )
    _tell_parties(actor, agreement, parties, left=False)
    return agreement


def _tell_parties(
    actor: Actor, agreement: SharingAgreement, parties: Sequence[Agency], *, left: bool
) -> None:
    others = [a.pk for a in parties if a.pk != actor.agency_id]
    recipients = User.objects.filter(
        agency_id__in=others, role__in=roles_for(access.MANAGE), is_active=True
    )
    agency = actor.agency.name if actor.agency else "Another agency"
    notify(
        recipients=list(recipients),
        kind="sharing.withdrawn",
        title=(
            f"{agency} withdrew from {agreement.title}"
            if left
            else f"{agency} withdrew {agreement.title}"
        ),
        body=(
            "The agreement stays in force between the other parties."
            if left
            else "No new disclosure can rely on it. Add a new agreement if you still need one."
        ),
        url=reverse("sharing:list"),
        obj=agreement,
        sender=actor,
    )


# The basis of a disclosure ------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """What a disclosure relied on: an agreement and one of its bases, a statutory basis
    that needs no agreement (an NRM referral), or an exceptional basis with its reason."""

    lawful_basis: str
    agreement: SharingAgreement | None = None
    exceptional_reason: str = ""


NRM_BASIS = Basis(lawful_basis=LawfulBasis.MSA2015_NRM)


def parse_choice(value: str) -> tuple[int | None, str, bool]:
    """A form's "<agreement id>:<basis>" or "exceptional" as (agreement id, basis,
    exceptional). Anything else is (None, "", False): nothing chosen."""
    value = (value or "").strip()
    if value == EXCEPTIONAL:
        return None, "", True
    head, _, basis = value.partition(":")
    if head.isdigit() and len(head) < 10 and basis in LawfulBasis.values:
        return int(head), basis, False
    return None, "", False


def _names(agencies: Sequence[Agency]) -> str:
    return " and ".join(a.name for a in agencies)


@dataclass(frozen=True)
class Claim:
    """The basis a user (or script) says a disclosure relies on, as given. Empty: let
    Cairn choose it when only one is possible."""

    agreement_id: int | None = None
    lawful_basis: str = ""
    exceptional: bool = False
    exceptional_reason: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> Claim:
        agreement_id, basis, exceptional = parse_choice(str(data.get("sharing_basis") or ""))
        return cls(
            agreement_id=agreement_id,
            lawful_basis=str(data.get("exceptional_basis") or "") if exceptional else basis,
            exceptional=exceptional,
            exceptional_reason=str(data.get("exceptional_reason") or "") if exceptional else "",
        )


def basis_resolve(
    *,
    from_agency: Agency,
    to_agencies: Sequence[Agency],
    claim: Claim = Claim(),
    field: str = "sharing_basis",
) -> Basis:
    """Check the basis a disclosure from `from_agency` to `to_agencies` claims, or choose
    it when only one is possible (one active agreement covering them, with one basis).
    Raises ValidationError on `field` with what to do instead."""
    agreement_id, exceptional = claim.agreement_id, claim.exceptional
    lawful_basis, exceptional_reason = claim.lawful_basis, claim.exceptional_reason
    lawful_basis = (lawful_basis or "").strip()
    reason = (exceptional_reason or "").strip()
    parties = [from_agency, *to_agencies]
    if agreement_id is not None:
        agreement = selectors.covering_agreements(parties).filter(pk=agreement_id).first()
        if agreement is None:
            raise ValidationError(
                {
                    field: [
                        f"That agreement is not an active agreement covering {_names(parties)}. "
                        "Choose one that covers them."
                    ]
                }
            )
        if not lawful_basis and len(agreement.bases) == 1:
            lawful_basis = agreement.bases[0]
        if lawful_basis not in agreement.bases:
            raise ValidationError({field: [f"Choose one of the lawful bases of {agreement.title}"]})
        return Basis(lawful_basis=lawful_basis, agreement=agreement)
    if exceptional or reason:
        covering = selectors.covering_agreements(parties)
        if covering.exists():
            raise ValidationError(
                {
                    field: [
                        f"{covering.first()} covers {_names(parties)}: choose it. The "
                        "exceptional basis is only for a share no agreement covers."
                    ]
                }
            )
        if not reason:
            raise ValidationError(
                {"exceptional_reason": ["Say why this must be shared without an agreement"]}
            )
        basis = lawful_basis or LawfulBasis.DPA_SCH8_P4
        if basis not in EXCEPTIONAL_BASES:
            raise ValidationError(
                {"exceptional_basis": ["Choose a safeguarding or vital-interests basis"]}
            )
        return Basis(lawful_basis=basis, exceptional_reason=reason[:1000])
    options = selectors.basis_options(parties)
    if lawful_basis:
        options = [o for o in options if o[1] == lawful_basis]
    if len(options) == 1:
        return Basis(lawful_basis=options[0][1], agreement=options[0][0])
    if not options:
        raise ValidationError(
            {
                field: [
                    f"No active information-sharing agreement covers {_names(parties)}. "
                    "If a child's safety needs this now, record an exceptional basis and "
                    "why; and ask your information governance lead to add an agreement."
                ]
            }
        )
    raise ValidationError({field: ["Choose the agreement and lawful basis this relies on"]})


def register_url() -> str:
    return reverse("sharing:list")


def disclosure_record(
    *,
    actor: Actor,
    kind: str,
    reference: str,
    from_agency: Agency,
    to_agency: Agency | None,
    recipient: str,
    basis: Basis,
    subject: Any = None,
) -> Disclosure:
    """Record the basis of a disclosure the calling service is making (inside its
    transaction; that service audits the disclosure itself)."""
    disclosure = Disclosure.objects.create(
        kind=kind,
        reference=reference[:100],
        from_agency=from_agency,
        to_agency=to_agency,
        recipient=recipient[:200],
        agreement=basis.agreement,
        lawful_basis=basis.lawful_basis,
        exceptional_reason=basis.exceptional_reason,
        disclosed_by=actor,
    )
    audit.record(
        actor=actor,
        event="sharing.basis_recorded",
        obj=disclosure,
        subject=subject,
        recipient=recipient[:200],
        justification=basis.exceptional_reason[:500]
        or f"Disclosure under {disclosure.basis_label}"[:500],
        details={
            "kind": kind,
            "agreement": basis.agreement.pk if basis.agreement else None,
            "lawful_basis": basis.lawful_basis,
            "exceptional": bool(basis.exceptional_reason),
        },
    )
    if basis.exceptional_reason:
        _tell_ig(actor, disclosure)
    return disclosure


def _tell_ig(actor: Actor, disclosure: Disclosure) -> None:
    """IG of the disclosing agency reviews every exceptional disclosure: each is told, with
    a link to those awaiting review (no personal data in the message). One unread message
    at a time: a busy night's eight disclosures are one item in the inbox, not eight, and
    the list it opens shows them all."""
    recipients = User.objects.filter(
        agency_id=disclosure.from_agency_id,
        role__in=roles_for("sharing.view_disclosures"),
        is_active=True,
    )
    notify(
        recipients=list(recipients),
        kind="sharing.exceptional",
        title="Exceptional disclosures to review",
        body=(
            f"{disclosure.get_kind_display()} {disclosure.reference} was disclosed to "
            f"{disclosure.recipient} without an information-sharing agreement. Any made "
            "before you open this are in the same list, without another message."
        ),
        url=reverse("sharing:disclosures") + "?awaiting=on",
        obj=disclosure,
        sender=actor,
        unless_unread=True,
    )


@transaction.atomic
def disclosures_export_audit(*, actor: Actor, filters: dict[str, Any], rows: int) -> None:
    require(actor, "sharing.view_disclosures")
    audit.record(
        actor=actor,
        event="sharing.disclosures_exported",
        recipient=f"CSV download by {actor.get_username()}",
        justification="Disclosures by lawful basis exported",
        details={"filters": filters, "rows": rows},
    )


# Reviewing an exceptional disclosure --------------------------------------------------


@transaction.atomic
def disclosure_review(*, actor: Actor, disclosure_id: int, outcome: str, note: str) -> Disclosure:
    """The agency's IG records that an exceptional disclosure was reviewed: whether it was
    justified, and what they found. Once only: a second review (two IG at once included) is
    refused, naming the first, so nobody's finding is overwritten."""
    access.access_disclosure_for_review(actor, disclosure_id)
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure_id)
    reviewer = disclosure.reviewed_by
    if disclosure.reviewed_at is not None and reviewer is not None:
        raise Conflict(
            f"{reviewer.get_full_name() or reviewer.get_username()} already reviewed this "
            f"disclosure at {timezone.localtime(disclosure.reviewed_at):%H:%M on %-d %B %Y}: "
            f"{_finding(disclosure)}"
        )
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = ["Select whether the disclosure was justified"]
    if not note.strip():
        errors["note"] = ["Enter what the review found"]
    elif says_too_little(note):
        # Read later by whoever must account for the disclosure (the DPO, the ICO).
        errors["note"] = [
            "Say what the review found in a few words (at least 10 characters): it is "
            "what the DPO or the ICO will read"
        ]
    if errors:
        raise ValidationError(errors)
    disclosure.reviewed_by = actor
    disclosure.reviewed_at = timezone.now()
    disclosure.review_outcome = outcome
    disclosure.review_note = note.strip()[:1000]
    disclosure.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note"])
    audit.record(
        actor=actor,
        event="sharing.disclosure_reviewed",
        obj=disclosure,
        justification=disclosure.review_note[:500],
        details={
            "reference": disclosure.reference,
            "kind": disclosure.kind,
            "outcome": outcome,
        },
    )
    return disclosure


def _finding(disclosure: Disclosure) -> str:
    """A recorded review in words: its outcome (when it has one) and the note."""
    if disclosure.review_outcome:
        return f"{disclosure.get_review_outcome_display()}. {disclosure.review_note}"
    return disclosure.review_note
