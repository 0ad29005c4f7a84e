"""Agencies, teams and users. A user belongs to one agency (and optionally a team) and
holds one role; what the role may do lives in rules.py, what it may see in pole/access.py."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import AgencyKind, Role


class DataRegime(models.TextChoices):
    DPA_PART3 = "dpa_part3", "DPA 2018 Part 3 (law enforcement)"
    UK_GDPR = "uk_gdpr", "UK GDPR"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # NRM first responders (police, local authorities, some charities) may refer to the NRM.
    is_first_responder = models.BooleanField(default=False)
    is_hub_member = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == AgencyKind.POLICE

    @property
    def data_regime(self) -> str:
        return DataRegime.DPA_PART3 if self.is_police else DataRegime.UK_GDPR


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.short_name or self.agency.name})"


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="members", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_police(self) -> bool:
        return self.agency is not None and self.agency.is_police

    @property
    def role_label(self) -> str:
        return Role(self.role).label
