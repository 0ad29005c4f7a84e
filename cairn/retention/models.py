"""Retention as data (issue 16, item 1; ADR 0024): each agency's rules for how long each
record type is kept and when it is reviewed, the reviews IG records (keep, with a reason
and the next review; or dispose), and the tombstone a disposal leaves behind.

Examples the defaults seed (`rules.py`): police information under the College of
Policing's Management of Police Information (MoPI) groups 1 to 3; children's social care
records to the 25th birthday, 75 years from birth for looked-after children; health and
school records to the 25th birthday; other agencies six years after the last action."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cairn.accounts.models import Agency
from cairn.pole.models import PersonCategory


class RecordType(models.TextChoices):
    PERSON = "pole.person", "Person record"
    CONCERN = "concerns.concern", "Concern"
    SUBMISSION = "intelligence.submission", "Intelligence entry"


# URL slugs for the record types (retention/<slug>/<id>/).
SLUGS = {
    "person": RecordType.PERSON,
    "concern": RecordType.CONCERN,
    "intelligence": RecordType.SUBMISSION,
}
SLUG_OF = {value: slug for slug, value in SLUGS.items()}


class Clock(models.TextChoices):
    LAST_ACTIVITY = "last_activity", "From the last action on the record"
    BIRTHDAY = "birthday", "From the subject's date of birth"
    CREATED = "created", "From when the record was made"


class Condition(models.TextChoices):
    ALL = "all", "Every record of the type"
    LOOKED_AFTER = "looked_after", "Looked-after children"
    # Never chosen automatically: a reviewer assigns it (e.g. MoPI group 1 or 2).
    ASSIGNED = "assigned", "When a reviewer assigns it"


class RetentionRule(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40, choices=RecordType.choices)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    authority = models.CharField("Where the rule comes from", max_length=300, blank=True)
    condition = models.CharField(max_length=16, choices=Condition.choices, default=Condition.ALL)
    clock = models.CharField(max_length=16, choices=Clock.choices)
    # Kept this many years from the clock's date; None: no fixed end, reviewed only.
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    # Reviewed this often (years) from the last review, or from the clock's date.
    review_every_years = models.PositiveSmallIntegerField(null=True, blank=True)
    # Among automatic rules that match a record, the lowest wins.
    priority = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["agency", "record_type", "priority", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "record_type", "code"], name="retention_rule_once"
            ),
            models.CheckConstraint(
                condition=models.Q(years__isnull=False)
                | models.Q(review_every_years__isnull=False),
                name="retention_rule_ends_or_reviews",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    RETAIN = "retain", "Keep"
    DISPOSE = "dispose", "Dispose of"


class ReviewDecision(models.Model):
    """One review of one record by IG. A keep names the next review (and may move the
    record to another of its agency's rules, e.g. MoPI group 2); a disposal leaves a
    Tombstone. The record is named by type and id: it may no longer exist in full."""

    record_type = models.CharField(max_length=40, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    assigned_rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    last_activity_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [
            models.Index(
                fields=["record_type", "record_id", "-decided_at"], name="retention_decision_rec"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.record_type} {self.record_id}"


REMOVED_LABELS = {
    "names": "Names and aliases (search and matching index)",
    "links": "Links to other records",
    "shares": "Shares with other agencies",
    "duplicate_pairs": "Possible-duplicate pairs",
    "intelligence_mentions": "Mentions in intelligence entries",
    "intelligence_entries_redacted": "Intelligence entries redacted (and their search index)",
    "concerns_redacted": "Concerns redacted",
    "missing_episodes_redacted": "Missing episodes redacted",
    "referral_drafts_cleared": "Referral details cleared",
    "merge_snapshots_cleared": "Merge undo data cleared",
    "audit_values": "Personal values beside audit entries",
    # Concerns and intelligence entries disposed of on their own.
    "concern_text": "The concern's free text and draft",
    "observations_redacted": "Indicator observations' evidence",
    "pathway_notes_cleared": "Next-step decisions' notes",
    "risk_rationales_redacted": "Risk decisions' rationale",
    "intelligence_text": "The entry's text, sanitised version and drafts (and its search index)",
    "source_record": "Source record (who the source is)",
    "dissemination_reasons_redacted": "Disseminations' reasons",
    "link_sources": "Links it was a source of",
}


class Tombstone(models.Model):
    """What is left of a disposed record: its type, id, owner, the rule and the decision,
    and how many rows each store held. No personal data."""

    record_type = models.CharField(max_length=40, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=40, blank=True)
    decision = models.OneToOneField(
        ReviewDecision, on_delete=models.PROTECT, related_name="tombstone"
    )
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField()
    removed = models.JSONField(default=dict)
    owners_told = models.JSONField(default=list)

    class Meta:
        ordering = ["-disposed_at"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="tombstone_once")
        ]

    def __str__(self) -> str:
        return f"Tombstone of {self.record_type} {self.record_id}"

    @property
    def reference(self) -> str:
        return f"DSP-{self.pk:06d}"

    @property
    def removed_rows(self) -> list[tuple[str, int]]:
        return [(REMOVED_LABELS.get(k, k), int(v)) for k, v in self.removed.items()]

    @property
    def category_label(self) -> str:

        try:
            return str(PersonCategory(self.category).label)
        except ValueError:
            return self.category
