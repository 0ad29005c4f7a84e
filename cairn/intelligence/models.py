"""Intelligence submissions (the "FIB form"), the protected source record kept apart from
them, the FIB's 3x5x2 evaluation and sanitised version, the POLE records a submission's
mentions were linked to (the basis of correlation) and disseminations (disclosures).

Content and source identity live in different tables: `Submission` never holds who the
source is, `SourceRecord` does, and only FIB officers may read it (every read audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.core.concurrency import draft_version
from cairn.pole.models import Entity, Person, PersonCategory, SecurityMarking

from .checks import is_filler


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    EVALUATED = "evaluated", "Evaluated"
    DISSEMINATED = "disseminated", "Disseminated"
    CLOSED = "closed", "Closed: no further action"
    # The crime route: an entry the FIB judged a crime goes for crime recording, or back
    # to the submitter (who edits and resubmits it, or withdraws it).
    CRIME_REFERRED = "crime_referred", "Referred for crime recording"
    RETURNED = "returned", "Returned to the submitter"
    WITHDRAWN = "withdrawn", "Withdrawn by the submitter"


class CrimeJudgement(models.TextChoices):
    CRIME = "crime", "A crime: the submitter's reason was not accepted"
    NOT_CRIME = "not_crime", "Intelligence only: the submitter's reason was accepted"


class DangerState(models.TextChoices):
    """An entry that must reach a person at once (danger now, sent after the warning, or
    "yes, someone is in danger"): open until a FIB officer records what they did."""

    OPEN = "open", "Danger now: waiting for the FIB to act"
    PASSED = "passed", "Passed on for an immediate police response"
    NOT_DANGER = "not_danger", "Not danger now"


class DangerTold(models.TextChoices):
    """Who an escalation reached: the FIB, or with no active FIB officer a fallback
    (services._danger_recipients says why these), or nobody at all."""

    FIB = "fib", "The FIB"
    POLICE_LEAD = "ppu", "The PPU / CSE co-ordinators (no FIB officer was active)"
    ADMIN = "admin", "The system admins (no FIB officer or PPU co-ordinator was active)"
    NOBODY = "nobody", "Nobody: no FIB officer, PPU co-ordinator or system admin was active"


class HowKnown(models.TextChoices):
    FIRST_HAND = "first_hand", "First-hand: the source saw or heard it"
    TOLD = "told", "Told by someone else"
    NOT_KNOWN = "not_known", "Don't know"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class Priority(models.TextChoices):
    ROUTINE = "routine", "Routine"
    PRIORITY = "priority", "Priority"
    URGENT = "urgent", "Urgent"


class SourceGrade(models.TextChoices):
    RELIABLE = "1", "1: Reliable"
    UNTESTED = "2", "2: Untested"
    NOT_RELIABLE = "3", "3: Not reliable"


class IntelGrade(models.TextChoices):
    A = "A", "A: Known directly to the source"
    B = "B", "B: Known indirectly to the source but corroborated"
    C = "C", "C: Known indirectly to the source"
    D = "D", "D: Not known"
    E = "E", "E: Suspected to be false"


class Handling(models.TextChoices):
    P = "P", "P: Lawful sharing permitted"
    C = "C", "C: Lawful sharing permitted with conditions"


def same_reference(one: str, other: str) -> bool:
    """Two crime references are the same but for spaces and letter case."""

    def plain(reference: str) -> str:
        return "".join(reference.split()).casefold()

    return plain(one) == plain(other)


class Submission(models.Model):
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitter_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        "concerns.Concern",
        on_delete=models.SET_NULL,
        related_name="intelligence",
        null=True,
        blank=True,
    )
    # One subject per entry: a known record (e.g. the child from a concern) and/or a name.
    subject = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    subject_description = models.CharField(max_length=300, blank=True)
    what = models.TextField("What was seen or heard", blank=True)
    where = models.CharField(max_length=300, blank=True)
    when_on = models.DateField(null=True, blank=True)
    when_time = models.TimeField(null=True, blank=True)
    how_known = models.CharField(max_length=12, choices=HowKnown.choices, blank=True)
    further_information = models.TextField(blank=True)
    # Structured details in the mention format (cairn/pole/mentions.py).
    mentions = models.JSONField(default=list, blank=True)
    # The form's two plain questions, asked before the free text (ADR 0019): a yes is a
    # flag of its own (999 or the crime steps); the text check is the net under a no.
    anyone_in_danger = models.CharField(
        "Is anyone in danger right now?", max_length=3, choices=Answer.choices, blank=True
    )
    crime_described = models.CharField(
        "Has anyone described something that could be a crime?",
        max_length=3,
        choices=Answer.choices,
        blank=True,
    )
    # Crime-disclosure check as it stood when submitted, and how a flag was resolved.
    check_result = models.JSONField(default=dict, blank=True)
    # In a draft: what the submitter typed on the check page, kept while they change an
    # earlier answer (nothing typed is lost); once submitted, what they sent.
    crime_reference = models.CharField(max_length=60, blank=True)
    intel_only_reason = models.CharField(max_length=500, blank=True)
    # The reference the entry's own text gives, as the check page offered it when the entry
    # was submitted (services.reference_in_text): the FIB is told when the submitter
    # confirmed another one (`crime_reference_differs`).
    crime_reference_in_text = models.CharField(max_length=60, blank=True)
    # The check read the entry as someone in danger now and the submitter, sending it as
    # intelligence only, confirmed they had checked that nobody is: the FIB sees both.
    no_danger_confirmed = models.BooleanField(default=False)
    # Danger now sent after the warning, or "yes" to the danger question: escalated to
    # every FIB officer at submission and top of the queue until one records what they did
    # (ADR 0016, amendment of 2026-12-08). Blank for every other entry.
    danger_state = models.CharField(max_length=10, choices=DangerState.choices, blank=True)
    danger_note = models.CharField("What the FIB did", max_length=1000, blank=True)
    danger_actioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    danger_actioned_at = models.DateTimeField(null=True, blank=True)
    # Who the escalation reached (blank: not escalated, or escalated before this was kept).
    danger_told = models.CharField(max_length=6, choices=DangerTold.choices, blank=True)
    # The FIB's judgement of the crime flag (accepting or rejecting the submitter's reason).
    crime_judgement = models.CharField(max_length=10, choices=CrimeJudgement.choices, blank=True)
    crime_judgement_note = models.CharField(max_length=1000, blank=True)
    crime_judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    crime_judged_at = models.DateTimeField(null=True, blank=True)
    # The FIB's note to the submitter when it returns the entry to them.
    return_note = models.CharField(max_length=1000, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    # Server-side draft of the source fields until submission moves them to SourceRecord.
    draft_source = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # FIB workflow.
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    triage_note = models.CharField(max_length=1000, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    source_grade = models.CharField(max_length=1, choices=SourceGrade.choices, blank=True)
    intel_grade = models.CharField(max_length=1, choices=IntelGrade.choices, blank=True)
    handling = models.CharField(max_length=1, choices=Handling.choices, blank=True)
    handling_conditions = models.TextField(blank=True)
    legacy_grade = models.CharField("Legacy 5x5x5 grade", max_length=8, blank=True)
    # The record's reference in the previous intelligence system, for entries brought in by
    # `manage.py import_intelligence`; blank for entries submitted in Cairn. One entry per
    # reference, so re-running an import skips what it already brought in.
    external_reference = models.CharField(
        "Reference in the previous system", max_length=60, blank=True
    )
    marking = models.CharField(
        max_length=24, choices=SecurityMarking.choices, default=SecurityMarking.OFFICIAL_SENSITIVE
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    sanitised_text = models.TextField(blank=True)
    sanitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sanitised_at = models.DateTimeField(null=True, blank=True)
    # The search keys of the registrations, postcodes and phone numbers in the sanitised
    # text ("NM19KXT 447700900123"), set with it by the services: the search document is the
    # sanitised text plus these, so any spelling finds the entry (ADR 0010). Never shown.
    sanitised_keys = models.TextField(blank=True, default="", editable=False)
    # Set when IG disposed of the entry under its agency's retention rule (cairn/retention,
    # ADR 0024): the row stays (disseminations and crime referrals point at it), its text,
    # source record and mentions are erased, and every everyday read leaves it out.
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="intel_status_time"),
            models.Index(fields=["submitter", "status"], name="intel_submitter_status"),
            models.Index(fields=["-submitted_at"], name="intel_submitted"),
            # The queue's "act now" list: few rows, read on every queue page.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(danger_state="open"),
                name="intel_danger_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~models.Q(external_reference=""),
                name="intel_external_ref_once",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"INT-{self.pk:06d}"

    @property
    def version(self) -> str:
        """The draft's last change, carried by its check page so that a submit from a page
        drawn before a change (another tab) is refused, not sent unseen (ADR 0015)."""
        return draft_version(self.updated_at)

    @property
    def grade(self) -> str:
        if not (self.source_grade and self.intel_grade and self.handling):
            return ""
        return f"{self.source_grade}/{self.intel_grade}/{self.handling}"

    @property
    def is_sanitised(self) -> bool:
        return bool(self.sanitised_text.strip())

    @property
    def child_to_refer_id(self) -> int | None:
        """The child a MASH referral from this entry is about: the subject when a child,
        else the child of the concern it came from (outside tester 12: an entry about the
        adult linked to a referral about the adult, which the referral form refused)."""
        if self.subject is not None and self.subject.category == PersonCategory.CHILD:
            return self.subject_id
        return self.concern.child_id if self.concern is not None else None

    @property
    def subject_age(self) -> int | None:
        """The known subject's age today (from a date of birth or an estimate), for the queue."""
        if self.subject is None:
            return None
        return self.subject.age_on(timezone.localdate())

    @property
    def crime_flagged(self) -> bool:
        return bool((self.check_result or {}).get("crime_disclosure"))

    @property
    def danger_flagged(self) -> bool:
        return bool((self.check_result or {}).get("danger_now"))

    @property
    def crime_reference_differs(self) -> bool:
        """The submitter gave a crime reference other than the one the entry's own text
        gives (changed on the check page, or sent so through the API): which is right is
        for the FIB to check."""
        return bool(
            self.crime_reference
            and self.crime_reference_in_text
            and not same_reference(self.crime_reference, self.crime_reference_in_text)
        )

    @property
    def further_information_given(self) -> str:
        """ "Anything else" as the FIB reads it: a filler answer ("Nothing else.") is not
        given (outside tester: the FIB was shown it as content), as the check reads it."""
        return "" if is_filler(self.further_information) else self.further_information.strip()

    @property
    def what_given(self) -> str:
        return "" if is_filler(self.what) else self.what

    @property
    def danger_open(self) -> bool:
        return self.danger_state == DangerState.OPEN

    @property
    def danger_overridden(self) -> bool:
        """Sent as intelligence although the check read it as danger now (not merely said)."""
        return self.danger_flagged and self.no_danger_confirmed

    @property
    def crime_reference_recorded(self) -> bool:
        """The reference was recorded by police through the crime route, not typed by the
        submitter (selectors annotate `police_recorded` for lists)."""
        if not self.crime_reference:
            return False
        annotated = getattr(self, "police_recorded", None)
        if annotated is not None:
            return bool(annotated)
        return self.crime_referrals.filter(crime_reference=self.crime_reference).exists()

    @property
    def submitter_outcome(self) -> str:
        """Where the entry is, in words the submitter may see: never the FIB's grading,
        sanitised text or disseminations, but every outcome of the crime route."""
        if self.status == Status.DRAFT:
            return "Draft: not submitted yet"
        if self.status == Status.RETURNED:
            return "Returned to you by the FIB"
        if self.status == Status.WITHDRAWN:
            return "Withdrawn"
        if self.crime_reference and self.crime_reference_recorded:
            return f"Crime reported, reference {self.crime_reference}"
        if self.crime_reference:
            # Typed by the submitter: nobody has checked it is a real crime report yet.
            return (
                f"The submitter gave crime reference {self.crime_reference} "
                "(not yet checked by the FIB)"
            )
        if self.status == Status.CLOSED:
            return "Closed with no further action"
        if self.status == Status.CRIME_REFERRED:
            return "Referred for crime recording"
        if self.crime_judgement == CrimeJudgement.NOT_CRIME:
            return "With the FIB: accepted as intelligence"
        return "With the FIB"


class SourceRecord(models.Model):
    """Who the source is and how to reach them: held apart from the content and visible
    only to FIB officers (`intelligence.view_source`); every read is audited."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, primary_key=True, related_name="source_record"
    )
    source_is_submitter = models.BooleanField(default=False)
    name = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    relationship = models.CharField("Relationship to the subject", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Source for {self.submission_id}"


class SubmissionEntity(models.Model):
    """A mention in a submission linked by the FIB to a POLE record. Correlation counts
    other submissions sharing an entity, so this table is indexed by entity."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="entities")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    mention_index = models.PositiveSmallIntegerField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "mention_index"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "entity"], name="intel_entity_once")
        ]
        indexes = [models.Index(fields=["entity", "submission"], name="intel_entity_sub")]

    def __str__(self) -> str:
        return f"{self.submission_id} -> {self.entity_id}"


class RecipientKind(models.TextChoices):
    PPU = "ppu", "Public Protection Unit (PPU / CSE co-ordinator)"
    HUB = "hub", "The Exploitation Hub (MACE)"
    AGENCY = "agency", "A partner agency"


class Dissemination(models.Model):
    """The sanitised version and grading shared with a recipient: a disclosure."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="disseminations"
    )
    recipient_kind = models.CharField(max_length=10, choices=RecipientKind.choices)
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.CharField(max_length=1000)
    disseminated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disseminated_at = models.DateTimeField(auto_now_add=True)
    # The lawful basis relied on (cairn.sharing) when it left the police: to a partner
    # agency or the Hub. None for the PPU (inside the police).
    disclosure = models.ForeignKey(
        "sharing.Disclosure", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-disseminated_at"]
        indexes = [
            models.Index(fields=["recipient_kind", "recipient_agency"], name="intel_diss_to")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} to {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_kind == RecipientKind.AGENCY and self.recipient_agency is not None:
            return self.recipient_agency.name
        return RecipientKind(self.recipient_kind).label


# A child is anyone under 18 (Children Act 1989, s105).
ADULT_AGE = 18


class CrimeReferralStatus(models.TextChoices):
    OPEN = "open", "Waiting to be recorded"
    RECORDED = "recorded", "Crime recorded"
    RETURNED = "returned", "Returned to the FIB"


class CrimeReferral(models.Model):
    """An entry the FIB judged a crime, sent to the police crime recording queue (the PPU /
    CSE co-ordinators) with the entry and the child attached: a disclosure. The crime
    recorder records the crime reference, or returns the referral to the FIB with a note."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="crime_referrals"
    )
    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    concern = models.ForeignKey(
        "concerns.Concern",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        max_length=10, choices=CrimeReferralStatus.choices, default=CrimeReferralStatus.OPEN
    )
    note = models.CharField("Why it is a crime", max_length=1000)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(auto_now_add=True)
    crime_reference = models.CharField(max_length=60, blank=True)
    return_note = models.CharField(max_length=1000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_at"]
        indexes = [
            models.Index(fields=["status", "-referred_at"], name="intel_crime_ref_queue"),
            models.Index(fields=["child", "status"], name="intel_crime_ref_child"),
        ]
        constraints = [
            # One referral waiting per entry at a time.
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(status="open"),
                name="intel_crime_ref_one_open",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"CRR-{self.pk:06d}"

    @property
    def subject_label(self) -> str:
        """What the person the referral is about is called on its page: "Child" if under
        18 when it was seen or heard (or, with no age known, recorded as a child), "Adult"
        if 18 or over then, else "Person". The field is named `child` for the usual case,
        but the FIB refers crimes against adults too."""
        person = self.child
        if person is None:
            return "Person"
        on = self.submission.when_on or timezone.localdate(self.referred_at)
        age = person.age_on(on)
        if age is not None:
            return "Child" if age < ADULT_AGE else "Adult"
        return "Child" if person.category == PersonCategory.CHILD else "Person"
