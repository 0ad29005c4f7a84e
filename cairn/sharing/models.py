"""Information-sharing agreements between agencies, and the lawful basis each disclosure
relied on. Every path that passes information to another agency (a record share, a
referral, an intelligence dissemination, a tactic share, Hub minutes) points its row at
one `Disclosure`, so IG reads every disclosure by basis from one table."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.accounts.models import Agency

# An agreement whose review date is this close is flagged on the register.
REVIEW_SOON_DAYS = 60


class LawfulBasis(models.TextChoices):
    """The curated list IG chooses an agreement's bases from (DOMAIN.md; verify locally)."""

    CA2004_S10 = "ca2004_s10", "Children Act 2004 s.10 (co-operation to improve well-being)"
    CA2004_S11 = "ca2004_s11", "Children Act 2004 s.11 (duty to safeguard and promote welfare)"
    CA1989_S47 = (
        "ca1989_s47",
        "Children Act 1989 s.47 (helping child protection enquiries)",
    )
    CDA1998_S115 = "cda1998_s115", "Crime and Disorder Act 1998 s.115 (disclosure to reduce crime)"
    DPA_SCH8_P1 = "dpa_sch8_p1", "DPA 2018 Sch. 8 para 1 (statutory purposes)"
    DPA_SCH8_P3 = "dpa_sch8_p3", "DPA 2018 Sch. 8 para 3 (protecting vital interests)"
    DPA_SCH8_P4 = "dpa_sch8_p4", "DPA 2018 Sch. 8 para 4 (safeguarding children and people at risk)"
    DPA_SCH1_P18 = "dpa_sch1_p18", "DPA 2018 Sch. 1 para 18 (safeguarding, UK GDPR processing)"
    MSA2015_NRM = "msa2015_nrm", "Modern Slavery Act 2015 (NRM referral by a first responder)"
    OTHER = "other", "Other (named in the agreement)"


# A disclosure made with no agreement covering the two agencies must rest on one of these,
# with the reason written down: a child's safety comes before paperwork (ADR 0026).
EXCEPTIONAL_BASES = (
    LawfulBasis.DPA_SCH8_P4,
    LawfulBasis.DPA_SCH8_P3,
    LawfulBasis.DPA_SCH1_P18,
)


class AgreementState(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SharingAgreement(models.Model):
    title = models.CharField(max_length=200)
    parties = models.ManyToManyField(Agency, related_name="sharing_agreements")
    purposes = models.TextField()
    # LawfulBasis values; "other" is named in `other_basis`.
    bases = models.JSONField(default=list)
    other_basis = models.CharField(max_length=300, blank=True)
    start_date = models.DateField()
    review_date = models.DateField()
    state = models.CharField(
        max_length=10, choices=AgreementState.choices, default=AgreementState.ACTIVE
    )
    document_reference = models.CharField(max_length=200, blank=True)
    withdrawn_reason = models.CharField(max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Optimistic locking: an edit names the version it read.
    version = models.PositiveIntegerField(default=1)
    # Null for an agreement loaded as set-up data rather than entered by IG.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review_date", "pk"]
        indexes = [models.Index(fields=["state", "review_date"], name="isa_state_review")]

    def __str__(self) -> str:
        return self.title

    def basis_label(self, basis: str) -> str:
        if basis == LawfulBasis.OTHER and self.other_basis:
            return f"Other: {self.other_basis}"
        return LawfulBasis(basis).label if basis in LawfulBasis.values else basis

    @property
    def basis_labels(self) -> list[str]:
        return [self.basis_label(b) for b in self.bases]

    def review_status(self, today: dt.date | None = None) -> str:
        """'overdue', 'soon' or '' (only an active agreement is reviewed)."""
        if self.state != AgreementState.ACTIVE:
            return ""
        today = today or timezone.localdate()
        if self.review_date < today:
            return "overdue"
        if self.review_date <= today + dt.timedelta(days=REVIEW_SOON_DAYS):
            return "soon"
        return ""


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified: the exceptional basis applied"
    NOT_JUSTIFIED = "not_justified", "Not justified: it should not have been disclosed"


# What an IG reviewer must do next when a disclosure was not justified (shown on the page
# and kept in the flash message): UK GDPR Art. 33 gives 72 hours to report a breach that
# risks people's rights and freedoms to the ICO.
NOT_JUSTIFIED_NEXT_STEP = (
    "Treat it as a possible personal data breach: tell your Data Protection Officer today. "
    "A breach that risks people's rights must be reported to the ICO within 72 hours of "
    "becoming aware of it."
)


class DisclosureKind(models.TextChoices):
    RECORD_SHARE = "record_share", "Record shared"
    REFERRAL = "referral", "Referral sent"
    DISSEMINATION = "dissemination", "Intelligence disseminated"
    TACTIC_SHARE = "tactic_share", "Disruption tactic shared"
    MINUTES = "minutes", "Hub minutes sent"


class Disclosure(models.Model):
    """One disclosure to another agency and the lawful basis it relied on: an agreement
    and one of its bases, or (no agreement covering the two agencies) an exceptional basis
    with its reason."""

    kind = models.CharField(max_length=20, choices=DisclosureKind.choices)
    # What was disclosed, as a reference that names no person (e.g. "MASH-2026-0004").
    reference = models.CharField(max_length=100)
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # None when the recipient is outside Cairn (the NRM's Single Competent Authority) or
    # is the Hub as a whole.
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient = models.CharField(max_length=200)
    agreement = models.ForeignKey(
        SharingAgreement,
        on_delete=models.PROTECT,
        related_name="disclosures",
        null=True,
        blank=True,
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    exceptional_reason = models.CharField(max_length=1000, blank=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(default=timezone.now)
    # An exceptional disclosure is reviewed afterwards by its agency's IG: was it justified,
    # and does the Hub need an agreement (or a new basis in one) for next time?
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Blank only for reviews recorded before the outcome was asked for.
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-disclosed_at", "-pk"]
        indexes = [
            models.Index(fields=["lawful_basis", "disclosed_at"], name="disclosure_basis"),
            models.Index(fields=["agreement", "disclosed_at"], name="disclosure_isa"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} to {self.recipient}"

    @property
    def is_exceptional(self) -> bool:
        return self.agreement_id is None and bool(self.exceptional_reason)

    @property
    def awaits_review(self) -> bool:
        return self.is_exceptional and self.reviewed_at is None

    @property
    def basis_label(self) -> str:
        if self.agreement is not None:
            return self.agreement.basis_label(self.lawful_basis)
        return self.get_lawful_basis_display()
