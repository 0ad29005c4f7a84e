"""Reads: which agreements cover which agencies (for the disclosure forms), the register,
and disclosures by basis for IG. The register names no person; the disclosures list names
a reference and the two agencies, never the person disclosed about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.audit import services as audit
from cairn.core.types import Actor

from .models import (
    EXCEPTIONAL_BASES,
    REVIEW_SOON_DAYS,
    AgreementState,
    Disclosure,
    LawfulBasis,
    SharingAgreement,
)


def covering_agreements(
    parties: Sequence[Agency], *, today: dt.date | None = None
) -> QuerySet[SharingAgreement]:
    """Active agreements in force today whose parties include every agency given."""
    today = today or timezone.localdate()
    qs = SharingAgreement.objects.filter(state=AgreementState.ACTIVE, start_date__lte=today)
    for agency in {a.pk: a for a in parties}.values():
        qs = qs.filter(parties=agency)
    return qs.order_by("title", "pk")


def basis_options(parties: Sequence[Agency]) -> list[tuple[SharingAgreement, str]]:
    """Every (agreement, lawful basis) a disclosure between these agencies may rely on."""
    return [(a, b) for a in covering_agreements(parties) for b in a.bases]


def form_choices(parties: Sequence[Agency]) -> list[tuple[str, str]]:
    """The disclosure form's options. With the recipient still to be chosen on the same
    page, `parties` is the sender only; the service then checks the agreement covers the
    recipient too."""
    return [(f"{a.pk}:{b}", f"{a.title}: {a.basis_label(b)}") for a, b in basis_options(parties)]


def exceptional_choices() -> list[tuple[str, str]]:
    return [(b.value, b.label) for b in EXCEPTIONAL_BASES]


def agreements_register(*, state: str = "") -> QuerySet[SharingAgreement]:
    qs = SharingAgreement.objects.select_related("withdrawn_by").prefetch_related("parties")
    if state in AgreementState.values:
        qs = qs.filter(state=state)
    return qs.order_by("review_date", "pk")


def due_for_review_count(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return SharingAgreement.objects.filter(
        state=AgreementState.ACTIVE,
        review_date__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS),
    ).count()


def agreement_by_id(agreement_id: int) -> SharingAgreement:
    agreement = SharingAgreement.objects.prefetch_related("parties").filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404("No such agreement.")
    return agreement


@dataclass(frozen=True)
class DisclosureFilters:
    lawful_basis: str = ""
    agreement_id: int | None = None
    agency_id: int | None = None  # either end: the sender or the recipient
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    exceptional_only: bool = False
    awaiting_review: bool = False  # exceptional and not yet reviewed by its agency's IG

    def as_dict(self) -> dict[str, Any]:
        return {
            "lawful_basis": self.lawful_basis or None,
            "agreement": self.agreement_id,
            "agency": self.agency_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "exceptional_only": self.exceptional_only,
            "awaiting_review": self.awaiting_review,
        }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def disclosures(filters: DisclosureFilters) -> QuerySet[Disclosure]:
    qs = Disclosure.objects.select_related(
        "from_agency", "to_agency", "agreement", "disclosed_by", "reviewed_by"
    )
    if filters.lawful_basis in LawfulBasis.values:
        qs = qs.filter(lawful_basis=filters.lawful_basis)
    if filters.agreement_id is not None:
        qs = qs.filter(agreement_id=filters.agreement_id)
    if filters.agency_id is not None:
        qs = qs.filter(Q(from_agency_id=filters.agency_id) | Q(to_agency_id=filters.agency_id))
    if filters.date_from is not None:
        qs = qs.filter(disclosed_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        qs = qs.filter(disclosed_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.exceptional_only or filters.awaiting_review:
        qs = qs.filter(agreement__isnull=True).exclude(exceptional_reason="")
    if filters.awaiting_review:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.order_by("-disclosed_at", "-pk")


def awaiting_review_count(user: Actor) -> int:
    """Exceptional disclosures by `user`'s agency that its IG has not yet reviewed."""
    if not user.has_perm("sharing.review_disclosure") or user.agency_id is None:
        return 0
    return (
        disclosures(DisclosureFilters(awaiting_review=True))
        .filter(from_agency_id=user.agency_id)
        .count()
    )


def counts_by_basis(filters: DisclosureFilters) -> list[dict[str, Any]]:
    """Disclosures per lawful basis (agreement or exceptional), most first."""
    rows = (
        disclosures(filters)
        .order_by()
        .values("lawful_basis")
        .annotate(
            total=Count("pk"),
            exceptional=Count("pk", filter=Q(agreement__isnull=True) & ~Q(exceptional_reason="")),
        )
    )
    out = [
        {
            "lawful_basis": r["lawful_basis"],
            "label": LawfulBasis(r["lawful_basis"]).label
            if r["lawful_basis"] in LawfulBasis.values
            else r["lawful_basis"],
            "total": r["total"],
            "exceptional": r["exceptional"],
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r["total"], r["label"]))


def hub_member_agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_hub_member=True).order_by("pk"))


def all_agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


# Consultation rows for reads shown on both channels ---------------------------------------


def consult_agreements(user: Actor, *, state: Any, count: int, justification: str) -> None:
    """The register of agreements shown (web or API): one consultation row."""
    audit.record(
        actor=user,
        event="sharing.agreements_listed",
        justification=justification,
        details={"state": state, "count": count},
    )


def consult_disclosures(
    user: Actor, filters: DisclosureFilters, *, page: int, justification: str
) -> None:
    """A page of disclosures by lawful basis shown (web or API): one consultation row."""
    audit.record(
        actor=user,
        event="sharing.disclosures_listed",
        justification=justification,
        details={"filters": filters.as_dict(), "page": page},
    )
