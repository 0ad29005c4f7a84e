"""Concerns about a child, the indicator catalogue, indicator observations (the evidence
screening reads), risk-level decisions (the child's trajectory) and pathway decisions
("What can you do?")."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cairn.accounts.models import Agency
from cairn.core.concurrency import draft_version
from cairn.pole.models import Person


class ExploitationType(models.TextChoices):
    CSE = "cse", "Child sexual exploitation (CSE)"
    CCE = "cce", "Child criminal exploitation (CCE)"
    COUNTY_LINES = "county_lines", "County lines"
    ONLINE = "online", "Online exploitation"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery or trafficking"
    OTHER = "other", "Other exploitation"


class IndicatorCategory(models.TextChoices):
    VULNERABILITY = "vulnerability", "Vulnerability (background)"
    MODERATE = "moderate", "Moderate indicator"
    SIGNIFICANT = "significant", "Significant indicator"
    COUNTY_LINES = "county_lines_cce", "County lines or criminal exploitation"
    ONLINE = "online", "Online"


class RiskLevel(models.TextChoices):
    NONE = "none", "No current risk identified"
    EMERGING = "emerging", "Emerging"
    MODERATE = "moderate", "Moderate"
    SIGNIFICANT = "significant", "Significant"


RISK_ORDER = {
    RiskLevel.NONE: 0,
    RiskLevel.EMERGING: 1,
    RiskLevel.MODERATE: 2,
    RiskLevel.SIGNIFICANT: 3,
}


class ExploitationModel(models.TextChoices):
    NOT_KNOWN = "not_known", "Not known"
    BOYFRIEND = "boyfriend", "Boyfriend model"
    GANG = "gang", "Gang model"
    PEER = "peer", "Peer recruitment"
    ONLINE = "online", "Online grooming"


class BoyfriendStage(models.IntegerChoices):
    ENSNARING = 1, "1. Ensnaring (gifts, an expensive lifestyle)"
    DEPENDENCY = 2, "2. Creating dependency (cutting ties with family and friends)"
    CONTROL = 3, "3. Taking control (of all aspects of life)"
    DOMINANCE = 4, "4. Total dominance"


class Indicator(models.Model):
    """One sign or vulnerability in the versioned catalogue (data migrations load it)."""

    code = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=IndicatorCategory.choices)
    exploitation_types = models.JSONField(default=list, blank=True)
    weight = models.PositiveSmallIntegerField()
    guidance = models.TextField(blank=True)
    from_seed_deck = models.BooleanField(default=False)
    catalogue_version = models.PositiveSmallIntegerField(default=1)
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "label"]

    def __str__(self) -> str:
        return self.label


class ConcernStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCREENED = "screened", "Screened"
    COMPLETE = "complete", "Next steps recorded"


class Concern(models.Model):
    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="concerns", null=True, blank=True
    )
    status = models.CharField(
        max_length=12, choices=ConcernStatus.choices, default=ConcernStatus.DRAFT
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reporter_role = models.CharField("Reporter's job or role", max_length=200, blank=True)
    observed_on = models.DateField(null=True, blank=True)
    observed_time = models.TimeField(null=True, blank=True)
    observed_where = models.CharField(max_length=300, blank=True)
    narrative = models.TextField(blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)
    exploitation_model = models.CharField(
        max_length=12, choices=ExploitationModel.choices, default=ExploitationModel.NOT_KNOWN
    )
    boyfriend_stage = models.PositiveSmallIntegerField(
        choices=BoyfriendStage.choices, null=True, blank=True
    )
    immediate_danger = models.BooleanField(null=True)
    crime_disclosed = models.BooleanField(null=True)
    crime_reference = models.CharField(max_length=60, blank=True)
    # Server-side draft: what the practitioner has typed so far, kept across steps,
    # validation errors and session time-outs.
    draft = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Set when IG disposed of the concern under its agency's retention rule (cairn/retention,
    # ADR 0024): the row stays (referrals and decisions point at it), its free text is
    # erased, and every everyday read (cairn/concerns/access.py) leaves it out.
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["child", "-observed_on"], name="concern_child_date"),
            models.Index(fields=["reporter", "status"], name="concern_reporter_status"),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    @property
    def reference(self) -> str:
        return f"CON-{self.pk:06d}"

    @property
    def version(self) -> str:
        """The draft's last change, carried by its check page so that a submit from a page
        drawn before a change (another tab) is refused, not sent unseen (ADR 0015)."""
        return draft_version(self.updated_at)


class IndicatorObservation(models.Model):
    """An indicator seen on a date, with evidence. Concerns add them; later sources
    (missing episodes, Hub meetings) add them too, with their own source."""

    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="indicator_observations"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="observations", null=True, blank=True
    )
    observed_on = models.DateField()
    evidence = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on"]
        indexes = [models.Index(fields=["child", "-observed_on"], name="obs_child_date")]

    def __str__(self) -> str:
        return f"{self.indicator_id} on {self.observed_on}"


class RiskDecision(models.Model):
    """A practitioner's (or the Hub's) decision on a child's risk level, with the
    system's suggestion beside it. The ordered set is the child's risk trajectory."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_decisions")
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, related_name="risk_decisions", null=True, blank=True
    )
    suggested_level = models.CharField(max_length=12, choices=RiskLevel.choices)
    suggested_reasons = models.JSONField(default=list)
    level = models.CharField(max_length=12, choices=RiskLevel.choices)
    rationale = models.TextField()
    source = models.CharField(max_length=40, default="concern")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["child", "-decided_at"], name="risk_child_time")]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.level}"

    @property
    def overridden(self) -> bool:
        return self.level != self.suggested_level


class Pathway(models.TextChoices):
    EMERGENCY = "emergency", "Call 999: the child is in immediate danger"
    CRIME_REPORT = "crime_report", "Report a crime"
    FIB = "fib", "Submit intelligence (FIB form)"
    PPU = "ppu", "Notify the PPU / CSE co-ordinator"
    MASH = "mash", "Make a MASH referral"
    NRM = "nrm", "Make a National Referral Mechanism (NRM) referral"


class PathwayDecision(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="pathway_decisions")
    code = models.CharField(max_length=20, choices=Pathway.choices)
    recommended = models.BooleanField()
    recommendation_reason = models.CharField(max_length=500, blank=True)
    taken = models.BooleanField()
    note = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["concern", "code"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "code"], name="one_decision_per_pathway")
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.code}: {'taken' if self.taken else 'not taken'}"
