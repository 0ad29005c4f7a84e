"""Missing episodes of children and their return home interviews (RHI, due within 72 hours
of the return). The table kept its name from when the Hub app held it (`hub_missingepisode`,
moved without copying data: see migrations/0001_initial.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.pole.models import Person

RHI_HOURS = 72


class PoliceRiskGrading(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    NOT_GRADED = "not_graded", "Not yet graded"


class MissingEpisode(models.Model):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missing_episodes")
    reported_at = models.DateTimeField("Reported missing")
    reported_by = models.CharField("Reported by (person or role)", max_length=200, blank=True)
    police_reference = models.CharField(max_length=60, blank=True)
    police_risk_grading = models.CharField(
        max_length=12, choices=PoliceRiskGrading.choices, default=PoliceRiskGrading.NOT_GRADED
    )
    circumstances = models.TextField(blank=True)
    found_at = models.DateTimeField("Found or returned", null=True, blank=True)
    where_found = models.CharField(max_length=300, blank=True)
    out_of_area = models.BooleanField(default=False)
    # Return home interview: due within 72 hours of the return.
    rhi_due_at = models.DateTimeField(null=True, blank=True)
    rhi_offered_on = models.DateField(null=True, blank=True)
    rhi_accepted = models.BooleanField(null=True)
    rhi_completed_at = models.DateTimeField(null=True, blank=True)
    rhi_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    rhi_notes = models.TextField(blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # An episode recorded from a sign of going missing in a concern: the sign it came from
    # (one episode per sign, whoever submits and however often) and its concern.
    source_observation = models.OneToOneField(
        "concerns.IndicatorObservation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missing_episode",
    )
    concern = models.ForeignKey(
        "concerns.Concern",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missing_episodes",
    )

    class Meta:
        # The Hub app's table: the model moved here without moving its rows.
        db_table = "hub_missingepisode"
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["child", "-reported_at"], name="missing_child_time"),
            models.Index(fields=["rhi_due_at", "rhi_completed_at"], name="missing_rhi_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(found_at__isnull=True)
                | models.Q(found_at__gte=models.F("reported_at")),
                name="missing_found_after_reported",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"MIS-{self.pk:06d}"

    @property
    def rhi_state(self) -> str:
        """not_due (still missing), completed_in_time, completed_late, overdue, due."""
        if self.rhi_due_at is None:
            return "not_due"
        if self.rhi_completed_at is not None:
            return "completed_in_time" if self.rhi_completed_at <= self.rhi_due_at else "late"
        return "overdue" if timezone.now() > self.rhi_due_at else "due"

    @property
    def rhi_state_label(self) -> str:
        return {
            "not_due": "Not due: still missing",
            "completed_in_time": "Completed within 72 hours",
            "late": "Completed late",
            "overdue": "Overdue",
            "due": "Due",
        }[self.rhi_state]
