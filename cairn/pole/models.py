"""POLE: People, Objects (vehicles, phones, online accounts), Locations, and the typed,
dated, sourced Links between them. Every POLE record has one row in `Entity`, which
carries ownership and visibility, so both ends of a link can be checked in one query
(MISP-style: a record you may not see never leaks through a link)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from cairn.accounts.models import Agency, DataRegime, Team


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone"
    ONLINE_ACCOUNT = "online_account", "Online account"
    LOCATION = "location", "Location"


class SecurityMarking(models.TextChoices):
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class Entity(models.Model):
    kind = models.CharField(max_length=20, choices=EntityKind.choices, db_index=True)
    label = models.CharField(max_length=300)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Police intelligence-derived records: visible to police agencies only unless shared.
    police_only = models.BooleanField(default=False)
    # Shared with every Hub member agency (e.g. a child discussed at the Hub).
    hub_shared = models.BooleanField(default=False)
    # Processing restricted (UK GDPR Art. 18, DPA 2018 s.47): the record stays but is
    # withheld from everyday use. Denormalised from cairn.rights.Restriction so that the
    # access layer filters it in the same query as visibility.
    restricted_since = models.DateTimeField(null=True, blank=True)
    # Disposed of under a retention rule (cairn/retention): the record's personal data is
    # gone and only a tombstone remains; withheld from everyone like a restricted one.
    disposed_at = models.DateTimeField(null=True, blank=True)
    regime = models.CharField(max_length=20, choices=DataRegime.choices)
    marking = models.CharField(
        max_length=24, choices=SecurityMarking.choices, default=SecurityMarking.OFFICIAL_SENSITIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entities"
        indexes = [models.Index(fields=["owning_agency", "kind"], name="entity_owner_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class AgencyShare(models.Model):
    """Something shared with another agency: a disclosure, so it is audited. Concrete
    shares add what is shared (a POLE record, a disruption tactic)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    # The lawful basis the disclosure relied on (cairn.sharing). A share that follows a
    # referral points at the referral's disclosure. Null only for shares made before
    # bases were recorded.
    disclosure = models.ForeignKey(
        "sharing.Disclosure",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class ShareBasis(models.TextChoices):
    # Someone in the owning agency chose to share (revocable by that agency).
    MANUAL = "manual", "Shared by the record's agency"
    # Access follows the work: a referral sent to the agency, a MASH allocation to a team.
    REFERRAL = "referral", "Referral sent"
    ALLOCATION = "allocation", "Allocated by the MASH"


class EntityShare(AgencyShare):
    """A record shared with another agency, or with one team of it. A share made because
    of a referral or an allocation names it in `source_id` (the referral's id), so the
    record's page can say why each agency sees it."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="shares")
    # Set when the share is for one team only (a MASH allocation): only its members see it.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    basis = models.CharField(max_length=12, choices=ShareBasis.choices, default=ShareBasis.MANUAL)
    source_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "agency", "basis", "source_id"],
                condition=models.Q(team__isnull=True),
                name="share_once_per_agency",
            ),
            models.UniqueConstraint(
                fields=["entity", "team", "basis", "source_id"],
                condition=models.Q(team__isnull=False),
                name="share_once_per_team",
            ),
        ]
        indexes = [models.Index(fields=["entity", "agency"], name="share_entity_agency")]

    def __str__(self) -> str:
        return f"{self.entity_id} shared with {self.agency_id}"


class PersonCategory(models.TextChoices):
    CHILD = "child", "Child or young person"
    PERSON_OF_CONCERN = "person_of_concern", "Person of concern"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other person"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    # ONS 2021 census categories (England and Wales), plus not known / not stated.
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or multiple: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or multiple: any other background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    ARAB = "arab", "Other ethnic group: Arab"
    OTHER = "other", "Other ethnic group: any other"
    NOT_KNOWN = "not_known", "Not known"
    NOT_STATED = "not_stated", "Not stated"


class LookedAfter(models.TextChoices):
    NO = "no", "Not looked after"
    SECTION_20 = "s20", "Accommodated by agreement (s20 Children Act 1989)"
    INTERIM_CARE_ORDER = "interim_care_order", "Interim care order"
    CARE_ORDER = "care_order", "Care order (s31 Children Act 1989)"
    EMERGENCY_PROTECTION_ORDER = "epo", "Emergency protection order"
    POLICE_PROTECTION = "police_protection", "In police protection (s46)"
    REMANDED = "remanded", "Remanded to local authority accommodation"
    UNKNOWN = "unknown", "Not known"


class Person(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.PROTECT, primary_key=True, related_name="person"
    )
    category = models.CharField(max_length=24, choices=PersonCategory.choices, db_index=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_age_on = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    sen_disability = models.CharField("SEN or disability", max_length=500, blank=True)
    has_learning_disability = models.BooleanField(default=False)
    looked_after = models.CharField(
        max_length=24, choices=LookedAfter.choices, default=LookedAfter.NO
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def pk_id(self) -> int:
        return int(self.entity_id)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, when: dt.date) -> int | None:
        if self.date_of_birth:
            born = self.date_of_birth
            return when.year - born.year - ((when.month, when.day) < (born.month, born.day))
        if self.estimated_age is not None and self.estimated_age_on:
            return self.estimated_age + (when - self.estimated_age_on).days // 365
        return None

    @property
    def age_is_estimated(self) -> bool:
        return self.date_of_birth is None and self.estimated_age is not None


class NameKind(models.TextChoices):
    PRIMARY = "primary", "Name"
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname"
    PREVIOUS = "previous", "Previous name"


class PersonName(models.Model):
    """Every name a person is known by (the primary name too), with indexed search keys."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=12, choices=NameKind.choices, default=NameKind.PRIMARY)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    given_key = models.CharField(max_length=100, blank=True)
    family_key = models.CharField(max_length=100, blank=True)
    given_phonetic = models.CharField(max_length=20, blank=True)
    family_phonetic = models.CharField(max_length=20, blank=True)
    # The person's date of birth, copied here by database triggers (migration 0004) and
    # never set in Python: matching at entry filters same-name people by date inside the
    # name indexes instead of reading each person (ADR 0012).
    person_dob = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            # Date then person last: the name blocks of matching at entry are index-only.
            models.Index(
                fields=["family_key", "given_key", "person_dob", "person"],
                name="pname_family_given",
            ),
            # Date then person: a first name at a crowded postcode is filtered by date
            # inside the index (matching at entry, rule 5).
            models.Index(fields=["given_key", "person_dob", "person"], name="pname_given_dob"),
            models.Index(fields=["given_phonetic"], name="pname_given_phonetic"),
            # A surname sound and a date: a crowded postcode (rule 5) and a birth year
            # (rule 4) read only the names born when the person may have been.
            models.Index(
                fields=["family_phonetic", "person_dob", "person"],
                name="pname_family_phonetic_dob",
            ),
            models.Index(
                fields=["family_phonetic", "given_phonetic", "person_dob", "person"],
                name="pname_phonetic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Vehicle(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.PROTECT, primary_key=True, related_name="vehicle"
    )
    registration = models.CharField(max_length=20)
    registration_key = models.CharField(max_length=20, db_index=True)
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.registration_key


class Phone(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.PROTECT, primary_key=True, related_name="phone"
    )
    number_e164 = models.CharField(max_length=20, db_index=True)
    as_given = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.number_e164


class Platform(models.TextChoices):
    SNAPCHAT = "snapchat", "Snapchat"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    TELEGRAM = "telegram", "Telegram"
    DISCORD = "discord", "Discord"
    OTHER = "other", "Other"


class OnlineAccount(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.PROTECT, primary_key=True, related_name="online_account"
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100)
    handle_key = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["platform", "handle_key"], name="account_platform_handle")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"


class PremisesType(models.TextChoices):
    RESIDENTIAL = "residential", "Residential address"
    HOTEL = "hotel", "Hotel or short-let"
    TAKEAWAY = "takeaway", "Takeaway or restaurant"
    SHOP = "shop", "Shop"
    LICENSED = "licensed", "Licensed premises"
    SCHOOL = "school", "School or college"
    PARK = "park", "Park or open space"
    CAR_PARK = "car_park", "Car park"
    TRANSPORT = "transport", "Station or transport hub"
    OTHER = "other", "Other"


class Location(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.PROTECT, primary_key=True, related_name="location"
    )
    name = models.CharField("Premises or place name", max_length=200, blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    premises_type = models.CharField(
        max_length=20, choices=PremisesType.choices, default=PremisesType.RESIDENTIAL
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        parts = [self.name, self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)


class LinkType(models.TextChoices):
    LIVES_AT = "lives_at", "Lives at"
    STAYS_AT = "stays_at", "Stays at"
    FREQUENTS = "frequents", "Frequents"
    SEEN_AT = "seen_at", "Seen at"
    FAMILY = "family", "Family member of"
    SIBLING = "sibling", "Sibling of"
    PARENT = "parent", "Parent or carer of"
    ASSOCIATE = "associate", "Associates with"
    PARTNER = "partner", "In a relationship with"
    USES_PHONE = "uses_phone", "Uses phone"
    USES_ACCOUNT = "uses_account", "Uses online account"
    OWNS_VEHICLE = "owns_vehicle", "Keeper or driver of"
    SEEN_IN_VEHICLE = "seen_in_vehicle", "Seen in vehicle"
    WORKS_AT = "works_at", "Works at"
    PROFESSIONAL = "professional", "Professional involved with"
    OTHER = "other", "Linked to"


# Link types that read the same both ways: A associates with B is B associates with A, so
# the fact is one link whichever way round it was recorded.
SYMMETRIC_LINKS = frozenset(
    {LinkType.ASSOCIATE, LinkType.FAMILY, LinkType.SIBLING, LinkType.PARTNER, LinkType.OTHER}
)


def fact_key(from_id: int, to_id: int, link_type: str) -> tuple[int, int, str]:
    """What makes two links the same fact: the two records and the type, in either order
    for a symmetric type."""
    if link_type in SYMMETRIC_LINKS:
        from_id, to_id = min(from_id, to_id), max(from_id, to_id)
    return (from_id, to_id, str(link_type))


class Link(models.Model):
    """One fact: two POLE records are connected in a typed way. A fact is ONE row; the
    records that assert it (a concern, an intelligence entry, a tactic, a note typed by
    hand) are its `sources`, so the same fact from two sources is one link with two
    sources (ADR 0017). Only `cairn.pole.services.link_record` writes links. The dates
    and the police-only flag are rolled up from the sources: the link spans what they
    assert, and is police-only while every source is."""

    from_entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="links_out")
    to_entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="links_in")
    link_type = models.CharField(max_length=20, choices=LinkType.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # The agency that first recorded the fact.
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_only = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["from_entity", "link_type"], name="link_from_type"),
            models.Index(fields=["to_entity", "link_type"], name="link_to_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_entity=models.F("to_entity")), name="link_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="link_dates_ordered",
            ),
            # One row per fact...
            models.UniqueConstraint(
                fields=["from_entity", "to_entity", "link_type"], name="link_fact_once"
            ),
            # ...whichever way round a symmetric one was recorded.
            models.UniqueConstraint(
                Least("from_entity", "to_entity"),
                Greatest("from_entity", "to_entity"),
                "link_type",
                condition=models.Q(link_type__in=sorted(SYMMETRIC_LINKS)),
                name="link_fact_once_either_way",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_entity_id} {self.link_type} {self.to_entity_id}"

    @property
    def key(self) -> tuple[int, int, str]:
        return fact_key(self.from_entity_id, self.to_entity_id, self.link_type)


class LinkSource(models.Model):
    """A record that asserts a link: a concern (`concerns.concern`), an intelligence entry
    (`intelligence.submission`), a tactic (`disruption.tactic`)... named by type and id,
    or a note typed by hand (`source_type` and `source_id` blank). Each source is added to
    a link once, so recording the same thing again changes nothing. A police-only source
    (intelligence) is shown to police only, even on a link others may see."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="sources")
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # What this source asserts about when (the link spans all its sources).
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    police_only = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Not auto_now_add: folding old links into one keeps when each source was recorded.
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="link_source_record")]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "source_type", "source_id"],
                condition=~models.Q(source_id=""),
                name="link_source_once",
            ),
            models.UniqueConstraint(
                fields=["link", "recorded_by", "note"],
                condition=models.Q(source_id=""),
                name="link_note_once",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="link_source_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} from {self.source_type or 'note'} {self.source_id}".strip()

    @property
    def label(self) -> str:
        """What a person reads: the note, or the record's type and id."""
        return self.note or f"{self.source_type} {self.source_id}".strip()
