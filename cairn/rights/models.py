"""Information rights against a person record (UK GDPR Art. 16/18, DPA 2018 s.46/s.47):
the request IG logs, with its statutory clock, and the restrictions of processing it may
lead to. The record itself is corrected through the person edit service (its audit row
keeps the old values) and withheld through `Entity.restricted_since`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.pole.models import Person


class RequestKind(models.TextChoices):
    RECTIFICATION = "rectification", "Rectification"
    RESTRICTION = "restriction", "Restriction of processing"


class RequesterKind(models.TextChoices):
    SUBJECT = "subject", "The data subject"
    REPRESENTATIVE = "representative", "Their representative"
    # A parent or carer asking for a child: they must hold parental responsibility (and
    # the child, if competent, be the one whose rights are exercised; ICO guidance).
    PARENT = "parent", "A parent or carer, for a child"


# A request made for someone else: whoever logs it confirms the authority was checked.
ON_BEHALF_KINDS = (RequesterKind.REPRESENTATIVE, RequesterKind.PARENT)


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
    # IG checked the requester's identity, and for someone else (ON_BEHALF_KINDS) their
    # authority (required when logged for them). For the data subject it may be confirmed
    # after logging; nothing is corrected or restricted until it is (UK GDPR Art. 12(6),
    # services.require_identity_checked).
    authority_checked = models.BooleanField(default=False)
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
    # A restriction IG extended to a record found to be the same person entered again
    # (a DuplicateAlert decided "the same person"): lifted with the one it extends, never
    # on its own (services.restriction_lift).
    extends = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="extensions", null=True, blank=True
    )
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


class AlertStatus(models.TextChoices):
    OPEN = "open", "Waiting for information governance"
    SAME = "same", "The same person: this record restricted too"
    NOT_SAME = "not_same", "Not the same person"
    # The restriction was lifted before anyone decided: the pair went to the duplicate
    # review queue, where both records are visible again.
    LIFTED = "lifted", "Restriction lifted before a decision"


class DuplicateAlert(models.Model):
    """A new record that strongly matched a restricted one when it was created (ADR 0023,
    amendments): the IG holding the restriction compares the two and decides whether it is
    the same person entered again (the restriction is extended to it) or not. The row is
    locked to decide, so a double press does one thing."""

    restriction = models.ForeignKey(
        Restriction, on_delete=models.PROTECT, related_name="duplicate_alerts"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    extension = models.OneToOneField(
        Restriction, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["restriction", "person"], name="duplicate_alert_once")
        ]

    def __str__(self) -> str:
        return f"Duplicate alert {self.pk}: new record {self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


# Subject access (UK GDPR Art. 15, DPA 2018 s.45): ADR 0025.


class SarStatus(models.TextChoices):
    # Values are stable: other apps (retention, the IG dashboard) read them.
    MATCHING = "matching", "Confirming records"
    REVIEW = "review", "Redaction and approval"
    DISCLOSED = "disclosed", "Disclosed"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"
    CLOSED = "closed", "Closed without disclosure"

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        """The statuses a request never leaves: nothing more is done on it."""
        return (cls.DISCLOSED.value, cls.WITHDRAWN.value, cls.CLOSED.value)


class SarCloseReason(models.TextChoices):
    """Why a request ends without a disclosure. A withdrawal is the requester's; the
    others are IG's decision under UK GDPR Art. 12(5)/(6) or DPA 2018 s.53."""

    WITHDRAWN = "withdrawn", "The requester withdrew the request"
    IDENTITY_NOT_VERIFIED = "identity_not_verified", "Identity (or authority) not verified"
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", "Manifestly unfounded"
    MANIFESTLY_EXCESSIVE = "manifestly_excessive", "Manifestly excessive"
    DUPLICATE = "duplicate", "A duplicate of another request, or logged in error"


class Exemption(models.TextChoices):
    THIRD_PARTY = "third_party", "Third-party personal data"
    INTELLIGENCE_SOURCE = "intelligence_source", "Intelligence source"
    PREJUDICE_INVESTIGATION = (
        "prejudice_investigation",
        "Would prejudice an investigation (DPA 2018 s.45(4))",
    )
    OTHER = "other", "Other (say which)"

    @classmethod
    def disclosed_label(cls, value: str) -> str:
        """The label as the requester reads it mid-sentence ("[Redacted: third-party
        personal data]"): the first letter lowered only, so "DPA 2018" keeps its capitals.
        "Other (say which)" asks IG to name it in the reason, which stays internal: the
        requester reads "another exemption", not the form's prompt (outside tester).
        None says an investigation exists (outside tester 9, F15)."""
        if value == cls.OTHER:
            return "another exemption"
        # "Would prejudice an investigation" tells the subject there is one (outside
        # tester 9, F15): the box names the provision only, which covers crime in general.
        if value == cls.PREJUDICE_INVESTIGATION:
            return "an exemption for the prevention and detection of crime (DPA 2018 s.45(4))"
        label = str(dict(cls.choices).get(value, value))
        return label[:1].lower() + label[1:]


# Exemptions under which a withheld record is left out of the disclosure without a line
# saying a record was withheld (ADR 0025, amendment "a withheld record tells nothing"):
# the line itself, "a record held by the police was withheld: would prejudice an
# investigation", tells a suspect what the withholding protects (DPA 2018 s.45(6)).
NEITHER_CONFIRM_NOR_DENY = frozenset(
    {Exemption.PREJUDICE_INVESTIGATION, Exemption.INTELLIGENCE_SOURCE}
)


class DisclosureMethod(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Secure email"
    POST = "post", "Recorded post"
    IN_PERSON = "in_person", "Handed over in person"


class SubjectAccessRequest(models.Model):
    """A request by or for a person to see what the Hub holds about them. The requester's
    names (and other names they have used) drive the search; IG confirms which records
    found are theirs; the bundle is built from those."""

    requester = models.CharField(max_length=200)
    requester_kind = models.CharField(max_length=16, choices=RequesterKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    other_names = models.CharField(
        max_length=500, blank=True, help_text="Aliases, nicknames, former surnames"
    )
    received_on = models.DateField()
    due_on = models.DateField()
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SarStatus.choices, default=SarStatus.MATCHING, db_index=True
    )
    people = models.ManyToManyField(Person, blank=True, related_name="+")
    # IG checked the requester's identity, and for someone else (ON_BEHALF_KINDS) their
    # parental responsibility or written authority (required when logged for them). For
    # the data subject it may be confirmed after logging, so the clock starts; nothing is
    # approved or disclosed until it is (services.require_sar_identity_checked).
    authority_checked = models.BooleanField(default=False)
    # An open request for the same name and date of birth existed when this was logged,
    # and IG chose to log it anyway.
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    override_reason = models.TextField(blank=True)
    recipient = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=16, choices=DisclosureMethod.choices, blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    close_reason = models.CharField(max_length=24, choices=SarCloseReason.choices, blank=True)
    close_note = models.TextField(blank=True)
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
        return f"SAR-{self.pk:05d}" if self.pk else "SAR (new)"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.status not in SarStatus.finished()

    @property
    def closed_without_disclosure(self) -> bool:
        return self.status in (SarStatus.WITHDRAWN, SarStatus.CLOSED)

    @property
    def overdue(self) -> bool:
        return self.is_open and timezone.localdate() > self.due_on


class BundleItem(models.Model):
    """One record found about the requester, as its text stood when the bundle was built
    (what is disclosed is that snapshot, redacted). `withheld` removes it whole."""

    sar = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    police_only = models.BooleanField(default=False)
    text = models.TextField()
    # Who the record was disclosed to, as built: [{"to", "on", "basis"}] from the
    # Disclosure register and the shares (for the Art. 15(1)(c) recipients).
    recipients = models.JSONField(default=list, blank=True)
    withheld_exemption = models.CharField(max_length=24, choices=Exemption.choices, blank=True)
    withheld_reason = models.TextField(blank=True)
    # Whose IG withheld it: the holding agency sees a withholding by the handling IG and
    # may undo it (ADR 0025, amendment); only the holding agency's own withholding
    # answers for a police part without its approval.
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The agency the requester is told holds the record, where that is not `agency`:
    # intelligence a partner gave the police is police intelligence, held by the force,
    # and naming the partner would tell the subject who informed on them (outside tester
    # 9, F3). None: the holding agency is named. The handling IG may name the source
    # deliberately (services.sar_name_source), which clears it.
    disclosed_as = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Words in a partner's intelligence that may identify it as the police's source
    # (rights.checks.source_checks), disclosed deliberately: why, by whom and when. Unset,
    # the request is not disclosed until they are redacted or this is recorded.
    source_words_reason = models.TextField(blank=True)
    source_words_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source_words_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Set per viewer by the selectors (cairn.rights.access.can_see_item); hidden unless
    # they say so, so a page that forgets to ask shows the placeholder.
    shown: bool = False

    class Meta:
        ordering = ["sar", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sar", "record_type", "record_id"], name="sar_item_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def withheld(self) -> bool:
        return bool(self.withheld_exemption)

    @property
    def holder(self) -> Any:
        """The agency the requester reads as holding the record (`disclosed_as`)."""
        return self.disclosed_as if self.disclosed_as_id else self.agency

    @property
    def source_hidden(self) -> bool:
        return self.disclosed_as_id is not None


class Redaction(models.Model):
    """A span of an item's text [start, end) that is not disclosed, with its exemption
    and the reason IG gives."""

    item = models.ForeignKey(BundleItem, on_delete=models.CASCADE, related_name="redactions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exemption = models.CharField(max_length=24, choices=Exemption.choices)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "start", "pk"]

    def __str__(self) -> str:
        return f"Redaction {self.start}-{self.end} of item {self.item_id}"


class AgencyApproval(models.Model):
    """An owning agency's approval of its part of the bundle: one per agency."""

    sar = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="approvals"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sar", "agency"], name="sar_approval_once")]

    def __str__(self) -> str:
        return f"{self.agency_id} approved {self.sar_id}"


class PartTakeover(models.Model):
    """The handling IG took over another (non-police) agency's part that agency did not
    approve in time (ADR 0025, amendment): from then on the handling IG reads, redacts
    and withholds those items and answers for them; that agency no longer approves. No
    part of a police agency is ever taken over."""

    sar = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="takeovers"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sar", "agency"], name="sar_takeover_once")]

    def __str__(self) -> str:
        return f"{self.sar_id}: part of {self.agency_id} taken over"


class PossibleEntryStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    INCLUDED = "included", "About them: included"
    NOT_THEM = "not_them", "Not them"


class PossibleEntry(models.Model):
    """An intelligence entry that names a confirmed person in words only (a subject typed
    as free text, a mention never matched to a record, the account) and is not otherwise
    in the bundle (ADR 0025, amendment "unlinked entries"). Found when the records are
    confirmed; the handling IG decides each: about them (it becomes a `BundleItem` of its
    agency's part) or not them, with a reason. Disclosure waits until none is open. The
    quotes are a snapshot, like the bundle's text, kept as long as the request."""

    sar = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="possible_entries"
    )
    submission = models.ForeignKey(
        "intelligence.Submission", on_delete=models.PROTECT, related_name="+"
    )
    # The agency holding the entry (its submitter's): the part it joins if included.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    subject_text = models.CharField(max_length=300, blank=True)
    # Where the entry names them: [{"field", "label", "before", "match", "after"}].
    hits = models.JSONField(default=list)
    status = models.CharField(
        max_length=10,
        choices=PossibleEntryStatus.choices,
        default=PossibleEntryStatus.OPEN,
        db_index=True,
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    item = models.OneToOneField(
        BundleItem, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sar", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sar", "submission"], name="sar_possible_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.sar_id}: possible entry {self.submission_id}"

    @property
    def reference(self) -> str:
        return f"INT-{self.submission_id:06d}"

    @property
    def is_open(self) -> bool:
        return self.status == PossibleEntryStatus.OPEN
