"""Information rights against a person record (UK GDPR Art. 16/18, DPA 2018 s.46/s.47):
the request IG logs, with its statutory clock, and the restrictions of processing it may
lead to. The record itself is corrected through the person edit service (its audit row
keeps the old values) and withheld through `Entity.restricted_since`."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.pole.models import Person


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day where that day
    does not exist (received 31 January: due 28 or 29 February), as the ICO reads the
    one-month limit."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


class RequestKind(models.TextChoices):
    RECTIFICATION = "rectification", "Rectification"
    RESTRICTION = "restriction", "Restriction of processing"


class RequesterKind(models.TextChoices):
    SUBJECT = "subject", "The data subject"
    REPRESENTATIVE = "representative", "Their representative"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    CORRECTED = "corrected", "Record corrected"
    RESTRICTED = "restricted", "Processing restricted"
    REFUSED = "refused", "Refused"


class RightsRequest(models.Model):
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requester = models.CharField(max_length=200)
    requester_kind = models.CharField(max_length=16, choices=RequesterKind.choices)
    grounds = models.TextField()
    received_on = models.DateField()
    due_on = models.DateField()
    extension_reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"IR-{self.pk:05d}" if self.pk else "IR (new)"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)

    @property
    def overdue(self) -> bool:
        return self.is_open and timezone.localdate() > self.due_on


class Restriction(models.Model):
    """One period of restricted processing. At most one is in force per record (the
    constraint backs the row lock in the service against a double submit)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        RightsRequest,
        on_delete=models.PROTECT,
        related_name="restrictions",
        null=True,
        blank=True,
    )
    reason = models.TextField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_restriction_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"Restriction of {self.person_id} from {self.applied_at:%Y-%m-%d}"
