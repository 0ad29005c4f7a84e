"""The small demo hub: about 60 children and 40 adults of concern in the invented county
of Northmoor, with their homes, phones, vehicles, online accounts, the places the Hub
worries about, and the dated, sourced links between them.

Every record is written through cairn.pole.services, signed in as the demo user whose
agency would have recorded it, so the audit log and the visibility rules look exactly as
they would on a live hub. The same seed (on the same day: ages and dates are relative to
today) gives the same hub. Nothing here is graphic: notes say where a link came from."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.audit import services as audit
from cairn.pole import services as pole
from cairn.pole.models import (
    Entity,
    LinkType,
    Location,
    LookedAfter,
    NameKind,
    OnlineAccount,
    Person,
    PersonCategory,
    Phone,
    Platform,
    PremisesType,
    Sex,
    Vehicle,
)
from cairn.sharing.demo import install_agreements

from . import names
from .constants import TOWNS
from .org import ensure_agencies, ensure_demo_users

DRAMA_PHONE_FIRST = 900000
DRAMA_PHONE_LAST = 900999
# Letters the DVLA never uses as the first letter of a current-style mark, so a demo
# registration starting with Z cannot belong to a real vehicle.
_REG_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def drama_phone(number: int) -> str:
    """'07700 900123' from 900123; only Ofcom's drama range is allowed."""
    if not DRAMA_PHONE_FIRST <= number <= DRAMA_PHONE_LAST:
        raise ValueError(f"{number} is outside Ofcom's drama range 07700 900000-900999.")
    return f"07700 {number}"


def sub_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def date_of_birth_for_age(rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A date of birth on which someone is exactly `age` today."""
    latest = sub_years(today, age)
    earliest = sub_years(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def invented_registration(rng: random.Random) -> str:
    age_id = rng.choice(["15", "16", "66", "18", "68", "19", "69", "21", "71", "23", "73"])
    tail = "".join(rng.choice(_REG_LETTERS) for _ in range(3))
    return f"Z{rng.choice(_REG_LETTERS)}{age_id} {tail}"


def invented_postcode(rng: random.Random, district: str) -> str:
    unit = "".join(rng.choice(_POSTCODE_LETTERS) for _ in range(2))
    return f"{district} {rng.randint(1, 9)}{unit}"


def invented_street(rng: random.Random) -> str:
    return f"{rng.choice(names.STREETS)} {rng.choice(names.STREET_KINDS)}"


HANDLE_WORDS_A = names.words(
    "sunny misty quiet lucky midnight silver velvet neon cosmic frosty amber golden "
    "lazy tiny cloudy stormy"
)
HANDLE_WORDS_B = names.words(
    "fox otter wren comet pixel maple echo river falcon pebble lynx moth heron badger kite willow"
)


@dataclass
class Hotspot:
    key: str
    name: str
    line_1: str
    town: str
    premises_type: str
    creator: str


HOTSPOTS = (
    Hotspot("hotel", "Kettlebridge Lodge Hotel", "2 Ferry Road", "Kettlebridge", "hotel", "fib"),
    Hotspot(
        "takeaway", "Golden Griddle Takeaway", "41 Mill Street", "Ravensholt", "takeaway", "fib"
    ),
    Hotspot("park", "Beck Meadows Park", "Beck Lane", "Cresswick", "park", "fib"),
    Hotspot(
        "car_park",
        "Tollgate Multi-Storey Car Park",
        "Tollgate Way",
        "Kettlebridge",
        "car_park",
        "fib",
    ),
    Hotspot(
        "station",
        "Kettlebridge Railway Station",
        "Station Approach",
        "Kettlebridge",
        "transport",
        "fib",
    ),
    Hotspot("bus_station", "Dunholt Bus Station", "Market Square", "Dunholt", "transport", "fib"),
    Hotspot("short_let", "Short-let flat", "Flat 3, 9 Quarry Lane", "Dunholt", "hotel", "fib"),
    Hotspot("school", "Heatherfield Academy", "Heather Rise", "Elmerby", "school", "school"),
)

# Which hotspots each network of adults uses.
NETWORKS: dict[str, tuple[str, ...]] = {
    "takeaway": ("takeaway", "car_park", "park"),
    "hotel": ("hotel", "car_park"),
    "online": ("park",),
    "travel": ("station", "bus_station", "short_let"),
}
NETWORK_LABELS = {
    "takeaway": "the Ravensholt takeaway group",
    "hotel": "the Kettlebridge hotel group",
    "online": "the online contact group",
    "travel": "the Dunholt travel group",
}
# (network, adults, children in it)
NETWORK_SIZES = (("takeaway", 12, 10), ("hotel", 8, 7), ("online", 8, 8), ("travel", 8, 6))
PERIPHERAL_ADULTS = 4

# Agency of the practitioner who records each household (user key -> weight).
HOUSEHOLD_CREATORS = (
    ("sw.demo", 45),
    ("earlyhelp.demo", 15),
    ("school.demo", 10),
    ("yjs.demo", 10),
    ("health.demo", 5),
    ("ppu.demo", 10),
    ("charity.demo", 5),
)
STREET_NICKNAMES = ("Smudge", "Tiny", "Kaz", "Deano", "Jonno", "Robbo", "Bigs", "Sully", "Red")
# A household's first language other than English, by name background (some need an
# interpreter).
LANGUAGES: dict[str, tuple[str, ...]] = {
    "eastern_european": ("Polish", "Romanian", "Slovak"),
    "black_african_caribbean": ("Somali", "Tigrinya", "Yoruba"),
    "middle_eastern": ("Arabic", "Kurdish", "Turkish"),
    "south_asian": ("Urdu", "Bengali", "Punjabi"),
    "east_asian": ("Vietnamese", "Cantonese"),
}


@dataclass
class DemoSummary:
    counts: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))


@dataclass
class Child:
    person: Person
    creator: str
    household: int
    network: str | None = None


class DemoHubBuilder:
    def __init__(self, *, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.agencies: dict[str, Agency] = {}
        self.users: dict[str, User] = {}
        self.hotspots: dict[str, Location] = {}
        self.summary = DemoSummary()
        self._phones = self.rng.sample(range(DRAMA_PHONE_FIRST, DRAMA_PHONE_LAST + 1), 400)
        self._regs: set[str] = set()
        self._handles: set[str] = set()
        self._used_names: set[tuple[str, str]] = set()

    # -- small helpers -------------------------------------------------------------
    def user(self, key: str) -> User:
        return self.users[key if "." in key else f"{key}.demo"]

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def _fresh_name(
        self, sex: str, pool: names.NamePool, family: str | None = None
    ) -> tuple[str, str]:
        for _ in range(50):
            given, fam = names.person_name(self.rng, sex, pool)
            fam = family or fam
            if (given, fam) not in self._used_names and not names.is_refused(given, fam):
                self._used_names.add((given, fam))
                return given, fam
        raise RuntimeError("Could not draw a fresh demo name.")

    def link(
        self,
        actor: str,
        a: Any,
        b: Any,
        link_type: str,
        note: str,
        *,
        started: dt.date | None = None,
        ended: dt.date | None = None,
        police_only: bool = False,
    ) -> None:
        pole.link_record(
            actor=self.user(actor),
            from_entity_id=a.pk,
            to_entity_id=b.pk,
            link_type=link_type,
            started_on=started or self.days_ago(20, 540),
            ended_on=ended,
            source_note=note,
            police_only=police_only,
        )
        self.summary.counts[f"link:{link_type}"] += 1
        self.summary.counts["links"] += 1

    def phone(self, actor: str, *, police_only: bool = False) -> Phone:
        phone = pole.phone_create(
            actor=self.user(actor), number=drama_phone(self._phones.pop()), police_only=police_only
        )
        self.summary.counts["phones"] += 1
        return phone

    def vehicle(self, actor: str, *, police_only: bool = False) -> Vehicle:
        reg = invented_registration(self.rng)
        while reg in self._regs:
            reg = invented_registration(self.rng)
        self._regs.add(reg)
        make, model = self.rng.choice(
            [
                ("Ford", "Fiesta"),
                ("Vauxhall", "Corsa"),
                ("Volkswagen", "Golf"),
                ("BMW", "3 Series"),
                ("Audi", "A3"),
                ("Mercedes-Benz", "C-Class"),
                ("Toyota", "Yaris"),
                ("Seat", "Leon"),
            ]
        )
        colour = self.rng.choice(["Black", "White", "Silver", "Grey", "Blue", "Red"])
        vehicle = pole.vehicle_create(
            actor=self.user(actor),
            registration=reg,
            make=make,
            model=model,
            colour=colour,
            police_only=police_only,
        )
        self.summary.counts["vehicles"] += 1
        return vehicle

    def account(self, actor: str, *, police_only: bool = False) -> OnlineAccount:
        platform = self.rng.choice(
            [Platform.SNAPCHAT, Platform.INSTAGRAM, Platform.TIKTOK, Platform.SNAPCHAT]
        )
        handle = ""
        while not handle or handle in self._handles:
            handle = (
                f"{self.rng.choice(HANDLE_WORDS_A)}.{self.rng.choice(HANDLE_WORDS_B)}"
                f"{self.rng.randint(1, 99):02d}"
            )
        self._handles.add(handle)
        account = pole.online_account_create(
            actor=self.user(actor), platform=platform, handle=handle, police_only=police_only
        )
        self.summary.counts["online_accounts"] += 1
        return account

    def home(self, actor: str, *, hub_shared: bool = False) -> Location:
        town, district = self.rng.choice(TOWNS)
        location = pole.location_create(
            actor=self.user(actor),
            address_line_1=f"{self.rng.randint(1, 120)} {invented_street(self.rng)}",
            town=town,
            postcode=invented_postcode(self.rng, district),
            premises_type=PremisesType.RESIDENTIAL,
            hub_shared=hub_shared,
        )
        self.summary.counts["locations"] += 1
        return location

    # -- the cast ------------------------------------------------------------------
    def build(self) -> DemoSummary:
        self.agencies = ensure_agencies()
        self.users = ensure_demo_users(self.agencies)
        self.summary.counts["users"] = len(self.users)
        # Every share below relies on an information-sharing agreement.
        install_agreements(agencies=self.agencies, today=self.today)
        self.hotspots = self._hotspots()
        children = self._households()
        adults = self._adults()
        self._networks(children, adults)
        self._shares(children)
        return self.summary

    def _hotspots(self) -> dict[str, Location]:
        spots: dict[str, Location] = {}
        district = dict(TOWNS)
        for spot in HOTSPOTS:
            spots[spot.key] = pole.location_create(
                actor=self.user(spot.creator),
                name=spot.name,
                address_line_1=spot.line_1,
                town=spot.town,
                postcode=invented_postcode(self.rng, district[spot.town]),
                premises_type=spot.premises_type,
                hub_shared=True,
            )
            self.summary.counts["locations"] += 1
        spots["childrens_home"] = pole.location_create(
            actor=self.user("sw"),
            name="Elmfield House (children's home)",
            address_line_1="7 Rowan Close",
            town="Elmerby",
            postcode=invented_postcode(self.rng, district["Elmerby"]),
            premises_type=PremisesType.RESIDENTIAL,
        )
        self.summary.counts["locations"] += 1
        return spots

    def _household_sizes(self) -> list[tuple[int, bool]]:
        """(children, has twins) per household: about 60 children in all."""
        sizes = [(2, True), (3, True)]  # two families with twins, one also an older sibling
        sizes += [(self.rng.choice([2, 2, 3]), False) for _ in range(7)]
        total = sum(size for size, _ in sizes)
        sizes += [(1, False)] * (60 - total)
        self.rng.shuffle(sizes)
        return sizes

    def _households(self) -> list[Child]:
        creators, weights = zip(*HOUSEHOLD_CREATORS, strict=True)
        children: list[Child] = []
        sizes = self._household_sizes()
        network_of = self._plan_networks(sum(size for size, _ in sizes))
        looked_after_left = 9
        learning_disability_left = 6
        for number, (size, twins) in enumerate(sizes):
            # A looked-after child lives in the Trust's care: the Trust records them.
            looked_after = size == 1 and looked_after_left > 0 and self.rng.random() < 0.35
            creator = "sw.demo" if looked_after else self.rng.choices(creators, weights=weights)[0]
            actor = self.user(creator)
            pool = names.pick_pool(self.rng)
            family_name = names.family_name_for(self.rng, pool)
            ethnicity = names.ethnicity_for(self.rng, pool)
            language, interpreter = ("English", False)
            if pool.key in LANGUAGES and self.rng.random() < 0.3:
                language = self.rng.choice(LANGUAGES[pool.key])
                interpreter = self.rng.random() < 0.4
            home = self.home(creator)
            moved_in = self.days_ago(400, 3000)
            ages = sorted((self.rng.randint(11, 17) for _ in range(size)), reverse=True)
            if twins:
                ages[-1] = ages[-2]
            twin_dob: dt.date | None = None
            members: list[Person] = []
            for index, age in enumerate(ages):
                sex = self.rng.choice([Sex.FEMALE, Sex.MALE])
                given, _ = self._fresh_name(sex, pool, family_name)
                is_twin = twins and index >= size - 2
                if is_twin and twin_dob is not None:
                    dob = twin_dob
                else:
                    dob = date_of_birth_for_age(self.rng, self.today, age)
                    twin_dob = dob if is_twin else None
                fields: dict[str, Any] = {
                    "date_of_birth": dob,
                    "sex": sex,
                    "ethnicity": ethnicity,
                    "first_language": language,
                    "interpreter_needed": interpreter,
                }
                aliases: list[tuple[str, str, str]] = []
                nick = names.NICKNAMES.get(given)
                if nick and self.rng.random() < 0.6:
                    aliases.append((NameKind.NICKNAME, self.rng.choice(nick), ""))
                if learning_disability_left and self.rng.random() < 0.15:
                    learning_disability_left -= 1
                    fields["has_learning_disability"] = True
                    fields["sen_disability"] = "Moderate learning difficulty; EHC plan in place"
                if looked_after:
                    looked_after_left -= 1
                    fields["looked_after"] = self.rng.choice(
                        [
                            LookedAfter.CARE_ORDER,
                            LookedAfter.SECTION_20,
                            LookedAfter.INTERIM_CARE_ORDER,
                        ]
                    )
                year = 7 + max(0, min(6, age - 11))
                fields["description"] = (
                    f"Year {year}. Known to {actor.agency.name if actor.agency else 'the Hub'}."
                    + (" Twin." if is_twin else "")
                )
                network = network_of.get(len(children))
                person = pole.person_create(
                    actor=actor,
                    given_name=given,
                    family_name=family_name,
                    category=PersonCategory.CHILD,
                    aliases=aliases,
                    hub_shared=network is not None,
                    justification="Demo data: child known to the agency",
                    **fields,
                )
                self.summary.counts["children"] += 1
                if fields.get("has_learning_disability"):
                    self.summary.counts["children_learning_disability"] += 1
                members.append(person)
                children.append(
                    Child(person=person, creator=creator, household=number, network=network)
                )
                if looked_after:
                    self.summary.counts["children_looked_after"] += 1
                    placed = self.days_ago(60, 380)
                    self.link(
                        creator,
                        person,
                        home,
                        LinkType.LIVES_AT,
                        "Family home before coming into care (case record)",
                        started=moved_in,
                        ended=placed,
                    )
                    self.link(
                        "sw",
                        person,
                        self.hotspots["childrens_home"],
                        LinkType.LIVES_AT,
                        "Placement recorded by the Children's Trust",
                        started=placed,
                    )
                else:
                    self.link(
                        creator,
                        person,
                        home,
                        LinkType.LIVES_AT,
                        "Home address confirmed at a home visit",
                        started=moved_in,
                    )
            for i, older in enumerate(members):
                for younger in members[i + 1 :]:
                    same_dob = older.date_of_birth == younger.date_of_birth
                    self.link(
                        creator,
                        older,
                        younger,
                        LinkType.SIBLING,
                        "Twins (birth records seen by the allocated worker)"
                        if same_dob
                        else "Siblings, same household (family assessment)",
                        started=older.date_of_birth,
                    )
            if size > 1 or self.rng.random() < 0.15:
                self._parent(creator, pool, family_name, ethnicity, home, members, moved_in)
        return children

    def _parent(
        self,
        creator: str,
        pool: names.NamePool,
        family_name: str,
        ethnicity: str,
        home: Location,
        members: list[Person],
        moved_in: dt.date,
    ) -> None:
        sex = self.rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE])
        given, _ = self._fresh_name(sex, pool, family_name)
        parent = pole.person_create(
            actor=self.user(creator),
            given_name=given,
            family_name=family_name,
            category=PersonCategory.OTHER,
            date_of_birth=date_of_birth_for_age(self.rng, self.today, self.rng.randint(31, 52)),
            sex=sex,
            ethnicity=ethnicity,
            first_language="English",
            description="Parent with parental responsibility.",
            justification="Demo data: parent or carer",
        )
        self.summary.counts["parents"] += 1
        self.link(creator, parent, home, LinkType.LIVES_AT, "Home visit", started=moved_in)
        for child in members:
            self.link(
                creator,
                parent,
                child,
                LinkType.PARENT,
                "Parental responsibility (case record)",
                started=child.date_of_birth,
            )

    def _adults(self) -> dict[str, list[Person]]:
        groups: dict[str, list[Person]] = {}
        plan = [(network, count) for network, count, _ in NETWORK_SIZES]
        plan.append(("peripheral", PERIPHERAL_ADULTS))
        for network, count in plan:
            groups[network] = []
            for _ in range(count):
                sex = Sex.MALE if self.rng.random() < 0.8 else Sex.FEMALE
                pool = names.pick_pool(self.rng)
                given, family = self._fresh_name(sex, pool)
                police_only = self.rng.random() < 0.4
                aliases: list[tuple[str, str, str]] = []
                if self.rng.random() < 0.35:
                    aliases.append((NameKind.NICKNAME, self.rng.choice(STREET_NICKNAMES), ""))
                nick = names.NICKNAMES.get(given)
                if nick and self.rng.random() < 0.5:
                    aliases.append((NameKind.NICKNAME, nick[0], family))
                if self.rng.random() < 0.1:
                    aliases.append(
                        (NameKind.PREVIOUS, given, names.family_name_for(self.rng, pool))
                    )
                known_dob = self.rng.random() < 0.85
                extra: dict[str, Any] = (
                    {
                        "date_of_birth": date_of_birth_for_age(
                            self.rng, self.today, self.rng.randint(18, 46)
                        )
                    }
                    if known_dob
                    else {"estimated_age": self.rng.randint(20, 35)}
                )
                adult = pole.person_create(
                    actor=self.user("fib"),
                    given_name=given,
                    family_name=family,
                    category=PersonCategory.PERSON_OF_CONCERN,
                    sex=sex,
                    ethnicity=names.ethnicity_for(self.rng, pool),
                    aliases=aliases,
                    police_only=police_only,
                    description=(
                        f"Adult named in intelligence about {NETWORK_LABELS[network]}."
                        if network in NETWORK_LABELS
                        else "Adult named once in partner information; not corroborated."
                    ),
                    justification="Demo data: adult of concern",
                    **extra,
                )
                self.summary.counts["adults_of_concern"] += 1
                if police_only:
                    self.summary.counts["adults_police_only"] += 1
                groups[network].append(adult)
        return groups

    def _plan_networks(self, total: int) -> dict[int, str]:
        """Which children (by creation order) each network has drawn in. The Hub discusses
        every one of them, so their records are shared hub-wide from the start."""
        order = list(range(total))
        self.rng.shuffle(order)
        plan: dict[int, str] = {}
        for network, _, child_count in NETWORK_SIZES:
            for ordinal in order[:child_count]:
                plan[ordinal] = network
            order = order[child_count:]
        return plan

    def _networks(self, children: list[Child], adults: dict[str, list[Person]]) -> None:
        for network, _, _ in NETWORK_SIZES:
            members = [c for c in children if c.network == network]
            self._network(network, adults[network], members)
        # Children outside the networks: some have phones their workers know.
        for child in children:
            if child.network is not None:
                continue
            if self.rng.random() < 0.3:
                phone = self.phone(child.creator)
                self.link(
                    child.creator,
                    child.person,
                    phone,
                    LinkType.USES_PHONE,
                    "Number given by the child's parent",
                    police_only=False,
                )
        for adult in adults["peripheral"]:
            phone = self.phone("fib", police_only=adult.entity.police_only)
            self.link("fib", adult, phone, LinkType.USES_PHONE, "Number from partner referral")

    def _network(self, network: str, adults: list[Person], children: list[Child]) -> None:
        spots = [self.hotspots[key] for key in NETWORKS[network]]
        fib = "fib"
        # Adults: phones (two for some, one line phone shared), vehicles, associations.
        line_phone = self.phone(fib, police_only=True) if network == "travel" else None
        vehicles: list[Vehicle] = []
        for index, adult in enumerate(adults):
            secret = adult.entity.police_only
            for _ in range(2 if network == "travel" and index % 2 == 0 else 1):
                phone = self.phone(fib, police_only=secret)
                self.link(
                    fib,
                    adult,
                    phone,
                    LinkType.USES_PHONE,
                    "Subscriber checks (FIB research log)",
                    police_only=secret,
                )
            if line_phone is not None and index < 3:
                self.link(
                    fib,
                    adult,
                    line_phone,
                    LinkType.USES_PHONE,
                    "Handset seized and examined; number attributed by FIB",
                    police_only=True,
                )
            if (network in {"takeaway", "hotel"} and index % 2 == 0) or (
                network == "travel" and index % 4 == 0
            ):
                vehicle = self.vehicle(fib, police_only=secret)
                vehicles.append(vehicle)
                self.link(
                    fib,
                    adult,
                    vehicle,
                    LinkType.OWNS_VEHICLE,
                    "Registered keeper (vehicle check)",
                    police_only=secret,
                )
            if network == "online" or self.rng.random() < 0.2:
                account = self.account(fib, police_only=secret)
                self.link(
                    fib,
                    adult,
                    account,
                    LinkType.USES_ACCOUNT,
                    "Account attributed by FIB open-source research",
                    police_only=secret,
                )
            spot = self.rng.choice(spots)
            link_type = LinkType.STAYS_AT if spot.premises_type == "hotel" else LinkType.FREQUENTS
            self.link(
                fib,
                adult,
                spot,
                link_type,
                f"Seen at {spot.name or spot.address_line_1} on several occasions (patrol logs)",
                police_only=secret,
            )
            if index:
                other = adults[self.rng.randrange(index)]
                self.link(
                    fib,
                    adult,
                    other,
                    LinkType.ASSOCIATE,
                    "Seen together repeatedly (FIB intelligence report, graded 2/B/P)",
                    police_only=secret or other.entity.police_only,
                )
        # Children: sightings, associations, vehicles, phones and accounts.
        for index, child in enumerate(children):
            person = child.person
            spot = self.rng.choice(spots)
            self.link(
                fib,
                person,
                spot,
                LinkType.SEEN_AT,
                f"Seen at {spot.name or spot.address_line_1} late in the evening (patrol log)",
            )
            for adult in self.rng.sample(adults, k=min(len(adults), self.rng.randint(1, 2))):
                self.link(
                    fib,
                    person,
                    adult,
                    LinkType.ASSOCIATE,
                    f"Seen with {adult.full_name} (intelligence report, sanitised)",
                    police_only=adult.entity.police_only,
                )
            if index:
                peer = children[self.rng.randrange(index)].person
                self.link(
                    fib,
                    person,
                    peer,
                    LinkType.ASSOCIATE,
                    "Change of peer group reported by the school's safeguarding lead",
                )
            if vehicles and self.rng.random() < 0.5:
                vehicle = self.rng.choice(vehicles)
                self.link(
                    fib,
                    person,
                    vehicle,
                    LinkType.SEEN_IN_VEHICLE,
                    f"Seen getting into {vehicle.registration} near "
                    f"{spot.name or spot.town} (police patrol log)",
                    police_only=vehicle.entity.police_only,
                )
            if self.rng.random() < 0.6:
                phone = self.phone(child.creator)
                self.link(
                    child.creator,
                    person,
                    phone,
                    LinkType.USES_PHONE,
                    "Number given by the child at a home visit",
                )
            if network == "online" or self.rng.random() < 0.3:
                account = self.account(child.creator)
                self.link(
                    child.creator,
                    person,
                    account,
                    LinkType.USES_ACCOUNT,
                    "Account shown to the worker by the child's parent",
                )
            if network == "travel" and self.rng.random() < 0.5:
                self.link(
                    fib,
                    person,
                    self.hotspots["short_let"],
                    LinkType.SEEN_AT,
                    "Found at the address after a missing episode (return home interview)",
                )

    def _shares(self, children: list[Child]) -> None:
        """A few of the social worker's own children shared with the school, on purpose."""
        school = self.agencies["school"]
        own = [c for c in children if c.creator == "sw.demo" and not c.person.entity.hub_shared]
        for child in own[:3]:
            pole.entity_share(
                actor=self.user("sw"),
                entity_id=child.person.pk,
                agency=school,
                reason="Shared with the school's safeguarding lead for safety planning",
            )
            self.summary.counts["shares"] += 1


def load_demo_hub(*, seed: int = 2026, today: dt.date | None = None) -> DemoSummary:
    """Build the demo hub in one transaction and record `demo.loaded`."""
    with transaction.atomic():
        summary = DemoHubBuilder(seed=seed, today=today or timezone.localdate()).build()
        summary.counts["people"] = Person.objects.count()
        summary.counts["entities"] = Entity.objects.count()
        audit.record_system(
            event="demo.loaded",
            justification="Synthetic demo hub loaded (manage.py demo_data)",
            details={"mode": "hub", "seed": seed, **summary.as_dict()},
        )
    return summary
