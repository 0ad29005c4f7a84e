"""The Exploitation Hub (MACE): its set-up (member agencies, representatives, chair, terms of
reference), meetings with attendance and an agenda built from the data, the discussion of
each item (agreed risk level, decisions, next review), actions with owners and due dates,
and minutes distribution (disclosures). Missing episodes and return home interviews are
cairn/missing's."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from cairn.accounts.models import Agency
from cairn.concerns.models import RiskDecision, RiskLevel
from cairn.pole.models import Entity, Person, PersonCategory, SecurityMarking


class HubSetup(models.Model):
    """The Hub's one set-up row (pk=1): chair, terms of reference and the configurable
    thresholds the agenda and the missing-episode rules use."""

    name = models.CharField(max_length=200, default="Exploitation Hub")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    terms_of_reference = models.TextField(blank=True)
    # Frequent missing: this many episodes within this many days add the indicator.
    frequent_missing_count = models.PositiveSmallIntegerField(default=3)
    frequent_missing_days = models.PositiveSmallIntegerField(default=90)
    # A person of concern or location linked to this many children at moderate or
    # significant risk is flagged for the agenda.
    flag_linked_children = models.PositiveSmallIntegerField(default=2)
    # When there is no previous meeting, "risen since" looks back this many days.
    default_lookback_days = models.PositiveSmallIntegerField(default=28)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Hub set-up"
        verbose_name_plural = "Hub set-up"

    def __str__(self) -> str:
        return self.name


class HubMember(models.Model):
    """A member agency and its representative at the Hub."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="hub_member")
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    joined_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return str(self.agency)


class MeetingType(models.TextChoices):
    MACE_OPERATIONAL = "mace_operational", "MACE operational"
    MACE_STRATEGIC = "mace_strategic", "MACE strategic"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held (minutes being written)"
    FINALISED = "finalised", "Minutes finalised"


class Meeting(models.Model):
    meeting_type = models.CharField(
        max_length=20, choices=MeetingType.choices, default=MeetingType.MACE_OPERATIONAL
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    marking = models.CharField(
        max_length=24, choices=SecurityMarking.choices, default=SecurityMarking.OFFICIAL_SENSITIVE
    )
    agenda_generated_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["meeting_type", "starts_at"], name="meeting_type_start")]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d %b %Y})"

    @property
    def reference(self) -> str:
        return f"MACE-{self.pk:05d}"

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Apologies"
    INVITED = "invited", "Invited"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="attendance_user_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.user} ({self.get_status_display()})"


class AgendaKind(models.TextChoices):
    RISK_RAISED = "risk_raised", "Newly significant or risen since the last meeting"
    REVIEW_DUE = "review_due", "Due for review"
    OVERDUE_ACTION = "overdue_action", "Overdue action"
    PERSON_FLAGGED = "person_flagged", "Person of concern linked to several children"
    LOCATION_FLAGGED = "location_flagged", "Location linked to several children"
    OVERDUE_RHI = "overdue_rhi", "Return home interview overdue"
    OVERDUE_MASH = "overdue_mash", "MASH decision overdue"
    OTHER = "other", "Other business"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=AgendaKind.choices)
    # The record the item is about (child, person of concern, location); null for actions.
    subject = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    action = models.ForeignKey(
        "Action", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    # A key that makes generation idempotent (one item per kind and record per meeting).
    key = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    reason = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)
    discussion = models.TextField(blank=True)
    agreed_level = models.CharField(max_length=12, choices=RiskLevel.choices, blank=True)
    decisions = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    risk_decision = models.ForeignKey(
        RiskDecision, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "key"], name="agenda_item_once")]
        indexes = [models.Index(fields=["subject", "next_review_on"], name="agenda_subject_review")]

    def __str__(self) -> str:
        return self.title

    @property
    def discussed(self) -> bool:
        return self.recorded_at is not None

    @property
    def version(self) -> str:
        """What the discussion form carries back, so a discussion recorded meanwhile (in
        another tab, by another chair) is noticed rather than overwritten."""
        return self.recorded_at.isoformat() if self.recorded_at else "new"

    @property
    def number(self) -> int:
        """The item's number on the agenda: the same for every reader (an item about a
        record someone may not see leaves a gap rather than renumbering theirs)."""
        return self.position or self.pk

    @cached_property
    def child(self) -> Person | None:
        """The child the item is about, if it is about one (its subject is a person
        recorded as a child): only for a child may the meeting agree a risk level or open
        the Philomena profile. A fact of the record, not a permission."""
        if self.subject_id is None:
            return None
        return (
            Person.objects.select_related("entity")
            .filter(pk=self.subject_id, category=PersonCategory.CHILD)
            .first()
        )

    @property
    def kind_label(self) -> str:
        """What the item is, true today: an action put on the agenda because it falls due
        before the meeting is not called overdue while its due date is still ahead."""
        if (
            self.kind == AgendaKind.OVERDUE_ACTION
            and self.action is not None
            and self.action.due_on >= timezone.localdate()
        ):
            return "Action due before the meeting"
        return str(self.get_kind_display())


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETE = "complete", "Complete"


class Action(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="actions", null=True, blank=True
    )
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, related_name="actions", null=True, blank=True
    )
    subject = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hub_actions"
    )
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completion_note = models.TextField(blank=True)
    # The date an overdue reminder was sent (one per action, so reminders are idempotent).
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="action_owner_due"),
            models.Index(fields=["owner_agency", "status", "due_on"], name="action_agency_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.description[:60]}"

    @property
    def reference(self) -> str:
        return f"ACT-{self.pk:05d}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (today or timezone.localdate())


class MinutesDistribution(models.Model):
    """Minutes sent to a recipient: each row is a disclosure (also in the audit log)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="distribution")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    # The lawful basis relied on (cairn.sharing); None for the chair's own agency.
    disclosure = models.ForeignKey(
        "sharing.Disclosure", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.meeting_id} to {self.agency}"
