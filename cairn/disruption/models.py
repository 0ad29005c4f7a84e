"""Disruption: the tactics police and partners use against exploitation (CAWNs, markers,
drugs warrants, vehicle reports, enforcement visits, immigration checks and the wider Home
Office toolkit), tracked against the POLE records they protect or target.

Shape (ADR 0009): one `Tactic` row per tactic carries what every tactic has (type, legal
basis, owner, status, dates, review date, outcome, owning agency, police-only flag);
`TacticSubject` joins it to POLE entities with a role, so visibility is checked on both
sides; a one-to-one detail model holds what is specific to the type."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cairn.accounts.models import Agency
from cairn.pole.models import AgencyShare, Entity, Location, Person, Vehicle


class TacticType(models.TextChoices):
    CAWN = "cawn", "Child abduction warning notice (CAWN)"
    POC_LETTER = "poc_letter", "Warning letter to a person of concern"
    MARKER = "marker", "Warning or information marker"
    DRUGS_WARRANT = "drugs_warrant", "Drugs warrant (s23 Misuse of Drugs Act 1971)"
    VEHICLE_REPORT = "vehicle_report", "Vehicle sighting report"
    ENFORCEMENT_VISIT = "enforcement_visit", "Enforcement visit"
    IMMIGRATION_CHECK = "immigration_check", "Immigration check"
    SRO = "sro", "Sexual Risk Order"
    SHPO = "shpo", "Sexual Harm Prevention Order"
    STPO = "stpo", "Slavery and Trafficking Prevention Order"
    STRO = "stro", "Slavery and Trafficking Risk Order"
    CLOSURE_ORDER = "closure_order", "Closure order"
    CPN = "cpn", "Community Protection Notice"
    HOTEL_NOTICE = "hotel_notice", "Hotel guest-information notice (s116)"
    LICENSING_REVIEW = "licensing_review", "Licensing review"
    TAXI_LICENSING_REVIEW = "taxi_licensing_review", "Taxi licensing review"
    CIVIL_INJUNCTION = "civil_injunction", "Civil injunction"
    GANG_INJUNCTION = "gang_injunction", "Gang injunction"
    DISPERSAL = "dispersal", "Dispersal direction"


# The wider toolkit: orders and notices that share one detail model (ToolkitOrder).
TOOLKIT_TYPES = frozenset(
    {
        TacticType.SRO,
        TacticType.SHPO,
        TacticType.STPO,
        TacticType.STRO,
        TacticType.CLOSURE_ORDER,
        TacticType.CPN,
        TacticType.HOTEL_NOTICE,
        TacticType.LICENSING_REVIEW,
        TacticType.TAXI_LICENSING_REVIEW,
        TacticType.CIVIL_INJUNCTION,
        TacticType.GANG_INJUNCTION,
        TacticType.DISPERSAL,
    }
)

# Orders a court makes: they run from a start date to an expiry date.
COURT_ORDER_TYPES = frozenset(
    {
        TacticType.SRO,
        TacticType.SHPO,
        TacticType.STPO,
        TacticType.STRO,
        TacticType.CLOSURE_ORDER,
        TacticType.CIVIL_INJUNCTION,
        TacticType.GANG_INJUNCTION,
    }
)

# Orders made against a person (not premises): the tactic names whom it is against.
PERSON_ORDER_TYPES = frozenset(
    {
        TacticType.SRO,
        TacticType.SHPO,
        TacticType.STPO,
        TacticType.STRO,
        TacticType.CIVIL_INJUNCTION,
        TacticType.GANG_INJUNCTION,
    }
)

# A marker's removal reason: a reason, not a file.
REMOVAL_REASON_MAX = 2000

# Only police may record these.
POLICE_TYPES = frozenset(
    {
        TacticType.CAWN,
        TacticType.POC_LETTER,
        TacticType.MARKER,
        TacticType.DRUGS_WARRANT,
        TacticType.VEHICLE_REPORT,
        TacticType.IMMIGRATION_CHECK,
    }
)

LEGAL_BASIS = {
    TacticType.CAWN: (
        "Non-statutory; section 2, Child Abduction Act 1984 / section 49, Children Act 1989"
    ),
    TacticType.POC_LETTER: "Non-statutory warning letter",
    TacticType.MARKER: "Police information management (MoPI)",
    TacticType.DRUGS_WARRANT: "s23 Misuse of Drugs Act 1971",
    TacticType.VEHICLE_REPORT: "Police intelligence (vehicle sighting)",
    TacticType.ENFORCEMENT_VISIT: "Powers of entry as applicable to the premises",
    TacticType.IMMIGRATION_CHECK: "Immigration Act 1971 (referral to Immigration Enforcement)",
    TacticType.SRO: "s122A Sexual Offences Act 2003",
    TacticType.SHPO: "s103A Sexual Offences Act 2003 / s343 Sentencing Act 2020",
    TacticType.STPO: "ss14-15 Modern Slavery Act 2015",
    TacticType.STRO: "s23 Modern Slavery Act 2015",
    TacticType.CLOSURE_ORDER: "s80 Anti-social Behaviour, Crime and Policing Act 2014",
    TacticType.CPN: "s43 Anti-social Behaviour, Crime and Policing Act 2014",
    TacticType.HOTEL_NOTICE: "s116 Anti-social Behaviour, Crime and Policing Act 2014",
    TacticType.LICENSING_REVIEW: "s51 Licensing Act 2003",
    TacticType.TAXI_LICENSING_REVIEW: "s61 Local Government (Miscellaneous Provisions) Act 1976",
    TacticType.CIVIL_INJUNCTION: "s1 Anti-social Behaviour, Crime and Policing Act 2014",
    TacticType.GANG_INJUNCTION: "s34 Policing and Crime Act 2009",
    TacticType.DISPERSAL: "s35 Anti-social Behaviour, Crime and Policing Act 2014",
}


class TacticStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class SubjectRole(models.TextChoices):
    PROTECTED_CHILD = "protected_child", "Child protected"
    TARGET = "target", "Person targeted"
    LOCATION = "location", "Location"
    VEHICLE = "vehicle", "Vehicle"


class Tactic(models.Model):
    tactic_type = models.CharField(max_length=24, choices=TacticType.choices, db_index=True)
    title = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=12, choices=TacticStatus.choices, default=TacticStatus.PLANNED
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Police tactics are police-only unless shared (DPA 2018 Part 3 records).
    police_only = models.BooleanField(default=True)
    planned_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True, db_index=True)
    outcome = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "review_on"], name="tactic_status_review")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"DIS-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in (TacticStatus.PLANNED, TacticStatus.IN_PROGRESS)

    @property
    def version(self) -> str:
        """What an edit form carries back, so a change made meanwhile is noticed."""
        return self.updated_at.isoformat() if self.updated_at else ""


class TacticSubject(models.Model):
    tactic = models.ForeignKey(Tactic, on_delete=models.CASCADE, related_name="subjects")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=SubjectRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tactic", "entity", "role"], name="tactic_subject_once")
        ]
        indexes = [models.Index(fields=["entity", "role"], name="tactic_subject_entity")]

    def __str__(self) -> str:
        return f"{self.tactic_id} {self.role} {self.entity_id}"


class TacticShare(AgencyShare):
    """A police-only tactic shared with another agency."""

    tactic = models.ForeignKey(Tactic, on_delete=models.CASCADE, related_name="shares")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tactic", "agency"], name="tactic_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.tactic_id} shared with {self.agency_id}"


class CawnBasis(models.TextChoices):
    # Worded to read inside a sentence ("the child is under 16 (section 2, ...)"), so the
    # notice never prints nested brackets around a capitalised label.
    UNDER_16 = "under_16", "under 16 (section 2, Child Abduction Act 1984)"
    CARE_ORDER = "care_order", "under 18 and in care (section 49, Children Act 1989)"
    EPO = (
        "epo",
        "under 18 and on an emergency protection order (section 49, Children Act 1989)",
    )
    POLICE_PROTECTION = (
        "police_protection",
        "under 18 and in police protection (section 49, Children Act 1989)",
    )


class AuthorisedBy(models.TextChoices):
    PARENT = "parent", "Parent or person with parental responsibility"
    LOCAL_AUTHORITY = "local_authority", "Local authority"


class Cawn(models.Model):
    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="cawn"
    )
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_of_concern = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=20, choices=CawnBasis.choices)
    authorised_by = models.CharField(max_length=20, choices=AuthorisedBy.choices)
    authorised_by_name = models.CharField(max_length=200)
    # When the recipient's full name or date of birth is not known: how to recognise them
    # and why the name or date is missing (a notice "To: Deano" alone cannot be served).
    recipient_description = models.TextField(blank=True)
    recipient_unknown_reason = models.TextField(blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    served_by_name = models.CharField(max_length=200, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    served_place = models.CharField(max_length=300, blank=True)
    copied_to_social_care_on = models.DateField(null=True, blank=True)
    social_care_contact = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"CAWN {self.tactic_id}"

    @property
    def served(self) -> bool:
        return self.served_at is not None


class CawnBreach(models.Model):
    cawn = models.ForeignKey(Cawn, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField()
    evidence = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Breach of {self.cawn_id} on {self.occurred_on}"


class MarkerType(models.TextChoices):
    WARNING = "warning", "Warning marker"
    INFORMATION = "information", "Information marker"
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation / county lines"
    VULNERABLE = "vulnerable", "Vulnerable child or adult"
    WEAPONS = "weapons", "Weapons"
    DRUGS = "drugs", "Drugs"


class Marker(models.Model):
    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="marker"
    )
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    marker_type = models.CharField(max_length=20, choices=MarkerType.choices)
    reason = models.TextField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    removal_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Marker {self.tactic_id}"

    @property
    def active(self) -> bool:
        return self.removed_at is None


class DrugsWarrant(models.Model):
    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="drugs_warrant"
    )
    address = models.CharField(max_length=300)
    applied_on = models.DateField(null=True, blank=True)
    granted_on = models.DateField(null=True, blank=True)
    executed_on = models.DateField(null=True, blank=True)
    result = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Warrant {self.tactic_id}"


class VehicleSighting(models.Model):
    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="sighting"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    registration_seen = models.CharField(max_length=20)
    seen_at = models.DateTimeField(db_index=True)
    place = models.CharField(max_length=300)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    occupants = models.CharField(max_length=500, blank=True)
    direction = models.CharField(max_length=200, blank=True)
    marker_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.registration_seen} at {self.seen_at:%Y-%m-%d %H:%M}"


class MarkerRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ADDED = "added", "Marker added"
    DECLINED = "declined", "Declined"


class MarkerRequest(models.Model):
    """A request, made with a vehicle sighting, for a marker on the vehicle: a task in the
    marker owners' inboxes until a marker is added or the request is declined. One per
    sighting."""

    sighting = models.OneToOneField(
        VehicleSighting, on_delete=models.CASCADE, related_name="marker_request"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=MarkerRequestStatus.choices, default=MarkerRequestStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Marker request {self.pk} ({self.status})"


class EnforcementVisit(models.Model):
    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="visit"
    )
    premises = models.CharField(max_length=300)
    visited_on = models.DateField()
    found = models.TextField("Who was found", blank=True)

    def __str__(self) -> str:
        return f"Visit {self.tactic_id}"


class ImmigrationOutcome(models.TextChoices):
    NO_ISSUE = "no_issue", "No immigration issue found"
    STATUS_UNCLEAR = "unclear", "Status unclear, further checks needed"
    OFFENCE = "offence", "Immigration offence suspected"


class ImmigrationCheck(models.Model):
    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="immigration"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField()
    result = models.CharField(max_length=12, choices=ImmigrationOutcome.choices)
    referred_to_immigration_enforcement = models.BooleanField(default=False)
    referred_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Immigration check {self.tactic_id}"


class ToolkitOrder(models.Model):
    """An order, notice, review, injunction or direction from the wider toolkit."""

    tactic = models.OneToOneField(
        Tactic, on_delete=models.CASCADE, primary_key=True, related_name="order"
    )
    court_or_authority = models.CharField(max_length=200, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    granted_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Order {self.tactic_id}"


class DisruptionPlan(models.Model):
    """The plan against one person of concern: objectives, the tactics, a review date."""

    person_of_concern = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="disruption_plans"
    )
    objectives = models.TextField()
    review_on = models.DateField(db_index=True)
    tactics = models.ManyToManyField(Tactic, blank=True, related_name="plans")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_only = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Plan {self.pk} for {self.person_of_concern_id}"

    @property
    def version(self) -> str:
        """What the plan's form carries back, so that two people changing it at once keep
        each other's changes (`cairn.core.step_guard`, ADR 0015)."""
        return self.updated_at.isoformat() if self.updated_at else ""


class LocationAssessment(models.Model):
    """A Contextual Safeguarding assessment of a place, with actions."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()
    summary = models.TextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"


class LocationAction(models.Model):
    assessment = models.ForeignKey(
        LocationAssessment, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(max_length=500)
    owner_name = models.CharField("Who will do it", max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class ReminderStage(models.TextChoices):
    DUE = "due", "Review due soon"
    OVERDUE = "overdue", "Review overdue"


class ReviewReminder(models.Model):
    """One reminder raised for one item, review date and stage: the scheduler's memory,
    so running it again never raises the same reminder twice."""

    tactic = models.ForeignKey(
        Tactic, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    plan = models.ForeignKey(
        DisruptionPlan, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    due_on = models.DateField()
    stage = models.CharField(max_length=8, choices=ReminderStage.choices)
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tactic", "due_on", "stage"],
                condition=models.Q(tactic__isnull=False),
                name="reminder_once_per_tactic",
            ),
            models.UniqueConstraint(
                fields=["plan", "due_on", "stage"],
                condition=models.Q(plan__isnull=False),
                name="reminder_once_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.due_on}"
