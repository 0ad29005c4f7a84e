"""Entity resolution records: trained match models (versioned), the review queue of
candidate duplicate pairs, and reversible merges of person records."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cairn.pole.models import Person


class MatchModel(models.Model):
    """A trained Splink model (its settings JSON with m and u probabilities)."""

    version = models.PositiveIntegerField(unique=True)
    settings_json = models.JSONField()
    record_count = models.PositiveIntegerField(default=0)
    splink_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Match model v{self.version}"


class PairStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    MERGED = "merged", "Merged"
    REJECTED = "rejected", "Not the same person"


class CandidatePair(models.Model):
    """A possible duplicate found by batch linkage, waiting for a person to decide.
    Never merged automatically (ADR 0008 documents the review threshold)."""

    # No database constraint: a pair outlives a merge that removes one of its records
    # (and is whole again if the merge is undone).
    person_a = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    person_b = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    explanation = models.JSONField(default=dict)
    model_version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_weight"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="candidate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="candidate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.match_weight:.1f})"


class PersonMerge(models.Model):
    """One merge: the absorbed record's snapshot and every reference moved, so it can be
    undone exactly. `absorbed_id` is kept as a plain number: the record itself is gone
    until an unmerge restores it with the same id."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    absorbed_id = models.PositiveBigIntegerField(db_index=True)
    absorbed_label = models.CharField(max_length=300)
    survivor_before = models.JSONField(default=dict)
    snapshot = models.TextField()  # Django JSON serialisation of the deleted rows
    moved = models.JSONField(default=list)  # [{"model", "field", "ids"}]
    renamed_primary_ids = models.JSONField(default=list)
    reason = models.CharField(max_length=500)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} merged into {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        return self.unmerged_at is None
