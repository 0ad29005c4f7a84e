"""Referrals between agencies: MASH referrals, National Referral Mechanism (NRM) referrals
and PPU / CSE co-ordinator notifications. One Referral row per referral carries the shared
lifecycle, sender, recipient and statutory clock; the type-specific form answers live in
`details` (validated per kind by payload.py, see ADR 0011); decisions that others act on
(MASH screening, strategy discussions, NRM grounds decisions) are rows of their own."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from cairn.accounts.models import Agency, Team
from cairn.concerns.models import Concern, RiskLevel
from cairn.core.concurrency import draft_version
from cairn.pole.models import Person


class ReferralKind(models.TextChoices):
    MASH = "mash", "MASH referral"
    NRM = "nrm", "National Referral Mechanism (NRM) referral"
    PPU = "ppu", "PPU / CSE co-ordinator notification"


REFERENCE_PREFIX = {ReferralKind.MASH: "MASH", ReferralKind.NRM: "NRM", ReferralKind.PPU: "PPU"}


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.ACKNOWLEDGED)


class Referral(models.Model):
    kind = models.CharField(max_length=8, choices=ReferralKind.choices, db_index=True)
    status = models.CharField(
        max_length=14, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, related_name="referrals", null=True, blank=True
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sender_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    # Who receives it inside Cairn; an NRM referral goes to the Home Office's Single
    # Competent Authority outside Cairn, so it has no recipient agency, only a label.
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    recipient_label = models.CharField(max_length=200, blank=True)
    # The lawful basis the referral relied on (cairn.sharing), set when it is sent to
    # another agency or the NRM; none for a referral within the sender's own agency.
    disclosure = models.ForeignKey(
        "sharing.Disclosure", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    details = models.JSONField(default=dict, blank=True)
    decline_reason = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)
    home_office_reference = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The statutory clock: MASH decision (1 working day), NRM reasonable grounds (5 working
    # days), PPU acknowledgement (hours by risk level). Stopped when the thing is done.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    clock_stopped_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The child's risk level as the referrer's agency had decided it when the referral was
    # sent (a snapshot: later decisions do not change what the recipient was told). Blank
    # when no level had been decided.
    risk_level = models.CharField(max_length=12, choices=RiskLevel.choices, blank=True)
    risk_reasons = models.TextField(blank=True)
    risk_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient_agency", "kind", "status"], name="ref_inbox"),
            models.Index(fields=["sender", "status"], name="ref_sender_status"),
            models.Index(fields=["sender_team", "status"], name="ref_team_status"),
            models.Index(fields=["child", "-created_at"], name="ref_child_time"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX[ReferralKind(self.kind)]}-{self.pk:06d}"

    @property
    def version(self) -> str:
        """The draft's last change, carried by its page so that a save from a page drawn
        before another tab's change keeps both (ADR 0015)."""
        return draft_version(self.updated_at)

    @property
    def clock_running(self) -> bool:
        return self.due_at is not None and self.clock_stopped_at is None

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.clock_running and self.due_at is not None and self.due_at < now

    @property
    def clock_label(self) -> str:
        return {
            ReferralKind.MASH: "MASH decision due (1 working day)",
            ReferralKind.NRM: "Reasonable-grounds decision target (5 working days)",
            ReferralKind.PPU: "Acknowledgement due",
        }[ReferralKind(self.kind)]

    # Set per reader by access.mark_hidden_references: the child's record (and so the
    # concern about them) is one this reader may not see. Never stored.
    child_hidden: bool = False
    concern_hidden: bool = False

    @property
    def child_display(self) -> str:
        """The child's name, or a placeholder for a reader who may not see the record."""
        return "A child you cannot see" if self.child_hidden else self.child.full_name

    @property
    def recipient_name(self) -> str:
        if self.recipient_agency_id is None:
            return self.recipient_label
        name = self.recipient_agency.name if self.recipient_agency else ""
        if self.recipient_team_id and self.recipient_team:
            name = f"{self.recipient_team.name}, {name}"
        return name


class MashOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    EARLY_HELP = "early_help", "Early help"
    S17 = "s17", "Child-in-need assessment (s17 Children Act 1989)"
    S47 = "s47", "Section 47 enquiry with a strategy discussion"
    IMMEDIATE = "immediate", "Immediate protection"


class MashDecision(models.Model):
    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="mash_decision"
    )
    outcome = models.CharField(max_length=12, choices=MashOutcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    within_timescale = models.BooleanField()
    # The team that will do the work (an s47 enquiry, an assessment, early help); its
    # members are given access to the child's record and to this referral.
    allocated_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.outcome}"


class StrategyDiscussion(models.Model):
    """Held after an s47 decision: who took part (by agency), what was decided, actions."""

    decision = models.ForeignKey(
        MashDecision, on_delete=models.CASCADE, related_name="strategy_discussions"
    )
    held_on = models.DateField()
    # [{"agency": "...", "names": "..."}]
    attendees = models.JSONField(default=list)
    decisions = models.TextField()
    # ["action (owner, due date)", ...]
    actions = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Strategy discussion {self.pk}"


class NrmStage(models.TextChoices):
    REASONABLE = "reasonable", "Reasonable grounds"
    CONCLUSIVE = "conclusive", "Conclusive grounds"


class NrmOutcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class NrmDecision(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="nrm_decisions")
    stage = models.CharField(max_length=12, choices=NrmStage.choices)
    outcome = models.CharField(max_length=10, choices=NrmOutcome.choices)
    decided_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "stage"], name="nrm_one_decision_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.stage}: {self.outcome}"
