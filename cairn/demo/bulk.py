"""Bulk synthetic people for benchmarks and entity-resolution work (`demo_data --scale N`).

Fast on purpose, so it bypasses the services: per batch, one transaction with
`bulk_create` of Entity rows (ids come back on PostgreSQL and SQLite 3.35+), then Person
rows (their primary key is the entity id), PersonName rows built with
`cairn.pole.services.build_name` (so the search keys are exactly the services' keys),
household Location rows and `lives_at` Links. No audit row per record: the load is one
`demo.loaded` system event.

People come in households (siblings and twins share a surname and an address). A share
of the records are duplicates of another record in the same batch, as a second agency
would type them: transposed or dropped letters, spelling variants (Smith/Smyth),
nicknames (Jay/Jason, Bex/Rebecca), name order swapped, missing date of birth, day and
month swapped. Which records are the same person is ground truth for entity resolution;
it never enters the domain tables, only the optional CSV `truth_file`."""

from __future__ import annotations

import csv
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.pole.models import (
    Entity,
    EntityKind,
    Link,
    LinkSource,
    LinkType,
    Location,
    NameKind,
    Person,
    PersonCategory,
    PersonName,
    PremisesType,
    Sex,
)
from cairn.pole.services import build_name

from . import names
from .constants import TOWNS
from .hub import date_of_birth_for_age, invented_postcode, invented_street
from .org import ensure_agencies

HOUSEHOLD_NOTE = "Synthetic bulk data: household address"

# Share of records each demo agency owns (by AgencySpec.key).
AGENCY_WEIGHTS = {
    "trust": 34,
    "police": 26,
    "early_help": 12,
    "school": 10,
    "health": 8,
    "youth_justice": 5,
    "charity": 5,
}
TRUTH_COLUMNS = (
    "person_id",
    "cluster_id",
    "household_id",
    "record",
    "variations",
    "twin_of_cluster",
    "category",
)
Progress = Callable[["BulkProgress"], None]


@dataclass
class Identity:
    """One real (synthetic) person; each Person row is a record of one identity."""

    cluster_id: int
    household_id: int
    category: str
    given: str
    family: str
    sex: str
    date_of_birth: dt.date | None
    ethnicity: str
    twin_of: int | None = None


@dataclass
class Record:
    identity: Identity
    given: str
    family: str
    sex: str
    date_of_birth: dt.date | None
    estimated_age: int | None
    variations: tuple[str, ...]
    lives_at: bool
    duplicate: bool = False
    aliases: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class BulkProgress:
    people: int
    total: int
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class BulkSummary:
    people: int = 0
    duplicates: int = 0
    names: int = 0
    locations: int = 0
    links: int = 0
    rows: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "duplicates": self.duplicates,
            "names": self.names,
            "locations": self.locations,
            "links": self.links,
            "rows": self.rows,
            "seconds": round(self.seconds, 1),
        }


# -- typos and variations ------------------------------------------------------------------


def transpose(rng: random.Random, text: str) -> str:
    """Swap two adjacent letters (never the first), as a hurried typist does."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    if text[i] == text[i + 1]:
        return text
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def drop_letter(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text))
    return text[:i] + text[i + 1 :]


def double_letter(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(1, len(text))
    return text[:i] + text[i] + text[i:]


def swap_day_month(day: dt.date) -> dt.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def age_on(born: dt.date, when: dt.date) -> int:
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


VARIATION_WEIGHTS = {
    "exact": 12,
    "transposed": 14,
    "dropped_letter": 6,
    "doubled_letter": 5,
    "spelling_variant": 14,
    "nickname": 12,
    "name_order": 5,
    "dob_missing": 10,
    "dob_day_month_swapped": 9,
    "dob_typo": 6,
    "sex_unknown": 3,
}
_VARIATIONS = tuple(VARIATION_WEIGHTS)
_VARIATION_CUM = tuple(
    sum(list(VARIATION_WEIGHTS.values())[: i + 1]) for i in range(len(VARIATION_WEIGHTS))
)


def make_duplicate(rng: random.Random, record: Record, today: dt.date) -> Record:
    """Another agency's record of the same identity, with one or two variations."""
    how = {rng.choices(_VARIATIONS, cum_weights=_VARIATION_CUM)[0]}
    if rng.random() < 0.3:
        how.add(rng.choices(_VARIATIONS, cum_weights=_VARIATION_CUM)[0])
    if len(how) > 1:
        how.discard("exact")
    given, family, sex = record.identity.given, record.identity.family, record.identity.sex
    born = record.identity.date_of_birth
    estimated: int | None = None
    done: list[str] = []
    for kind in sorted(how):
        if kind == "transposed":
            if rng.random() < 0.5:
                given = transpose(rng, given)
            else:
                family = transpose(rng, family)
        elif kind == "dropped_letter":
            family = drop_letter(rng, family)
        elif kind == "doubled_letter":
            given = double_letter(rng, given)
        elif kind == "spelling_variant":
            if given in names.VARIANTS:
                given = rng.choice(names.VARIANTS[given])
            elif family in names.VARIANTS:
                family = rng.choice(names.VARIANTS[family])
            else:
                family = transpose(rng, family)
                kind = "transposed"
        elif kind == "nickname":
            if given in names.NICKNAMES:
                given = rng.choice(names.NICKNAMES[given])
            elif given in names.VARIANTS:
                given = rng.choice(names.VARIANTS[given])
                kind = "spelling_variant"
            else:
                given = transpose(rng, given)
                kind = "transposed"
        elif kind == "name_order":
            given, family = family, given
        elif kind == "dob_missing" and born is not None:
            estimated = max(0, age_on(born, today) + rng.choice([-1, 0, 0, 1]))
            born = None
        elif kind == "dob_day_month_swapped" and born is not None:
            swapped = swap_day_month(born)
            if swapped is None or swapped > today:
                born = born + dt.timedelta(days=rng.choice([-1, 1]))
                kind = "dob_typo"
            else:
                born = swapped
        elif kind == "dob_typo" and born is not None:
            born = born + dt.timedelta(days=rng.choice([-1, 1, -10, 10, -365, 365]))
            born = min(born, today)
        elif kind == "sex_unknown":
            sex = Sex.UNKNOWN
        done.append(kind)
    return Record(
        identity=record.identity,
        given=given,
        family=family,
        sex=sex,
        date_of_birth=born,
        estimated_age=estimated if born is None else None,
        variations=tuple(sorted(set(done))),
        lives_at=rng.random() < 0.6,
        duplicate=True,
    )


# -- households ------------------------------------------------------------------------------


class PeopleGenerator:
    """Deterministic stream of batches of records for a seed."""

    def __init__(self, *, seed: int, duplicate_rate: float, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.duplicate_rate = duplicate_rate
        self.today = today
        self.next_cluster = 1
        self.next_household = 1
        self._pending: list[Record] = []

    def _identity(
        self, household: int, category: str, age: int, pool: names.NamePool, family: str
    ) -> Identity:
        rng = self.rng
        sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
        identity = Identity(
            cluster_id=self.next_cluster,
            household_id=household,
            category=category,
            given=names.given_name_for(rng, pool, sex),
            family=family,
            sex=sex,
            date_of_birth=date_of_birth_for_age(rng, self.today, age),
            ethnicity=names.ethnicity_for(rng, pool),
        )
        self.next_cluster += 1
        return identity

    def household(self) -> list[Identity]:
        rng = self.rng
        number = self.next_household
        self.next_household += 1
        pool = names.pick_pool(rng)
        family = names.family_name_for(rng, pool)
        people: list[Identity] = []
        if rng.random() < 0.55:  # a family with children
            for parent in range(1 if rng.random() < 0.7 else 2):
                surname = (
                    family
                    if parent == 0 or rng.random() < 0.7
                    else (names.family_name_for(rng, names.pick_pool(rng)))
                )
                category = (
                    PersonCategory.PERSON_OF_CONCERN
                    if rng.random() < 0.15
                    else PersonCategory.OTHER
                )
                people.append(self._identity(number, category, rng.randint(24, 58), pool, surname))
            count = rng.choices((1, 2, 3, 4), weights=(40, 35, 17, 8))[0]
            ages = [
                rng.randint(11, 17) if rng.random() < 0.7 else rng.randint(5, 10)
                for _ in range(count)
            ]
            children = [
                self._identity(number, PersonCategory.CHILD, age, pool, family) for age in ages
            ]
            if count >= 2 and rng.random() < 0.06:  # twins: same birthday, same surname
                first, second = children[-2], children[-1]
                second.date_of_birth = first.date_of_birth
                second.twin_of = first.cluster_id
                first.twin_of = second.cluster_id
            people.extend(children)
        else:  # adults without children at the address
            for _ in range(1 if rng.random() < 0.75 else 2):
                category = (
                    PersonCategory.PERSON_OF_CONCERN
                    if rng.random() < 0.7
                    else rng.choice([PersonCategory.OTHER, PersonCategory.PROFESSIONAL])
                )
                surname = family if not people else names.family_name_for(rng, pool)
                people.append(self._identity(number, category, rng.randint(18, 60), pool, surname))
        return people

    def _original(self, identity: Identity) -> Record:
        rng = self.rng
        born = identity.date_of_birth
        estimated = None
        # Some adults of concern are known only by an estimated age.
        if identity.category == PersonCategory.PERSON_OF_CONCERN and rng.random() < 0.03:
            estimated = age_on(born, self.today) if born else None
            born = None
        return Record(
            identity=identity,
            given=identity.given,
            family=identity.family,
            sex=identity.sex,
            date_of_birth=born,
            estimated_age=estimated,
            variations=(),
            lives_at=rng.random() < 0.9,
        )

    def _aliases(self, record: Record) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06 and record.given in names.NICKNAMES:
            nickname = rng.choice(names.NICKNAMES[record.given])
            record.aliases.append((NameKind.NICKNAME, nickname, record.family))
        elif roll < 0.09:
            other = names.family_name_for(rng, names.pick_pool(rng))
            record.aliases.append((NameKind.PREVIOUS, record.given, other))
        elif roll < 0.10:
            given, family = names.person_name(rng, record.sex)
            record.aliases.append((NameKind.ALIAS, given, family))

    def batch(self, size: int) -> list[Record]:
        """`size` records: originals in households, then duplicates of some of them."""
        duplicates = round(size * self.duplicate_rate)
        originals, self._pending = self._pending, []
        while len(originals) < size - duplicates:
            originals.extend(self._original(identity) for identity in self.household())
        # A household split by the batch boundary continues in the next batch.
        originals, self._pending = originals[: size - duplicates], originals[size - duplicates :]
        records = list(originals)
        # Children and adults of concern are the ones several agencies record.
        likely = [
            r for r in originals if r.identity.category != PersonCategory.PROFESSIONAL
        ] or originals
        for _ in range(duplicates):
            records.append(make_duplicate(self.rng, self.rng.choice(likely), self.today))
        for record in records:
            self._aliases(record)
        self.rng.shuffle(records)
        return records


# -- writing ---------------------------------------------------------------------------------


def _value_getter(f: Any, now: dt.datetime) -> Callable[[Any], Any]:
    """How to read one field's database value off an instance, cheaply."""
    ops = connection.ops
    attname: str = f.attname
    if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
        stamp = ops.adapt_datetimefield_value(now)

        def auto_now(obj: Any) -> Any:
            return stamp

        return auto_now
    if isinstance(f, DateTimeField):

        def when(obj: Any) -> Any:
            return ops.adapt_datetimefield_value(getattr(obj, attname))

        return when
    if isinstance(f, DateField):

        def day(obj: Any) -> Any:
            return ops.adapt_datefield_value(getattr(obj, attname))

        return day
    if isinstance(f, CharField | TextField | BooleanField | IntegerField | ForeignKey):
        return attrgetter(attname)

    def other(obj: Any) -> Any:
        return f.get_db_prep_save(getattr(obj, attname), connection)

    return other


def fast_insert(model: type[Model], objs: list[Any], now: dt.datetime) -> None:
    """INSERT unsaved instances whose primary key is known or not needed, with one
    `executemany` (COPY on PostgreSQL). Same rows as `bulk_create`, without compiling SQL
    per value (which is most of bulk_create's cost at a million rows). Every value comes
    from the instance, so search keys are exactly what `build_name` computed; auto_now
    fields get `now`."""
    if not objs:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    getters = [_value_getter(f, now) for f in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [tuple(get(obj) for get in getters) for obj in objs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than a pipelined executemany on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Table and column names come from the model's _meta, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, rows)


@dataclass
class _AgencyPick:
    agencies: list[Agency]
    cum_weights: list[int]

    @classmethod
    def for_demo(cls) -> _AgencyPick:
        by_key = ensure_agencies()
        agencies = [by_key[key] for key in AGENCY_WEIGHTS]
        total, cum = 0, []
        for key in AGENCY_WEIGHTS:
            total += AGENCY_WEIGHTS[key]
            cum.append(total)
        return cls(agencies, cum)

    def pick(self, rng: random.Random) -> Agency:
        return rng.choices(self.agencies, cum_weights=self.cum_weights)[0]


class BulkWriter:
    def __init__(
        self, *, seed: int, today: dt.date, truth: IO[str] | None, agencies: _AgencyPick
    ) -> None:
        self.rng = random.Random(seed + 1)
        self.today = today
        self.agencies = agencies
        self.truth = csv.writer(truth) if truth is not None else None
        if self.truth is not None:
            self.truth.writerow(TRUTH_COLUMNS)
        self.summary = BulkSummary()
        self._last_homes: dict[int, int] = {}

    def _home_id(self, homes: dict[int, Entity], household: int) -> int | None:
        home = homes.get(household)
        return home.pk if home is not None else self._last_homes.get(household)

    def _entity(self, kind: str, label: str, agency: Agency, **flags: bool) -> Entity:
        return Entity(
            kind=kind,
            label=label[:300],
            owning_agency=agency,
            police_only=flags.get("police_only", False),
            hub_shared=flags.get("hub_shared", False),
            regime=agency.data_regime,
        )

    @transaction.atomic
    def write(self, records: list[Record]) -> None:
        rng = self.rng
        homes: dict[int, Entity] = {}
        home_rows: dict[int, Location] = {}
        entities: list[Entity] = []
        for record in records:
            agency = self.agencies.pick(rng)
            police_only = (
                agency.is_police
                and record.identity.category == PersonCategory.PERSON_OF_CONCERN
                and rng.random() < 0.5
            )
            entities.append(
                self._entity(
                    EntityKind.PERSON,
                    f"{record.given} {record.family}",
                    agency,
                    police_only=police_only,
                    hub_shared=rng.random() < 0.15,
                )
            )
            household = record.identity.household_id
            if record.lives_at and household not in homes and household not in self._last_homes:
                town, district = rng.choice(TOWNS)
                location = Location(
                    address_line_1=f"{rng.randint(1, 240)} {invented_street(rng)}",
                    town=town,
                    postcode=invented_postcode(rng, district),
                    premises_type=PremisesType.RESIDENTIAL,
                )
                homes[household] = self._entity(
                    EntityKind.LOCATION, location.one_line, agency, hub_shared=False
                )
                home_rows[household] = location
        Entity.objects.bulk_create(entities + list(homes.values()))
        people: list[Person] = []
        person_names: list[PersonName] = []
        links: list[Link] = []
        for record, entity in zip(records, entities, strict=True):
            person = Person(
                entity_id=entity.pk,
                category=record.identity.category,
                given_name=record.given,
                family_name=record.family,
                date_of_birth=record.date_of_birth,
                estimated_age=record.estimated_age,
                estimated_age_on=self.today if record.estimated_age is not None else None,
                sex=record.sex,
                ethnicity=record.identity.ethnicity,
            )
            people.append(person)
            person_names.append(build_name(person, NameKind.PRIMARY, record.given, record.family))
            for kind, given, family in record.aliases:
                person_names.append(build_name(person, kind, given, family))
            home_id = self._home_id(homes, record.identity.household_id)
            if record.lives_at and home_id is not None:
                links.append(
                    Link(
                        from_entity_id=entity.pk,
                        to_entity_id=home_id,
                        link_type=LinkType.LIVES_AT,
                        owning_agency_id=entity.owning_agency_id,
                    )
                )
            if self.truth is not None:
                identity = record.identity
                self.truth.writerow(
                    (
                        entity.pk,
                        identity.cluster_id,
                        identity.household_id,
                        "duplicate" if record.duplicate else "original",
                        ";".join(record.variations),
                        identity.twin_of or "",
                        identity.category,
                    )
                )
        for household, location in home_rows.items():
            location.entity_id = homes[household].pk
        # A household split by the batch boundary keeps its address in the next batch.
        carried = {r.identity.household_id for r in records} & self._last_homes.keys()
        self._last_homes = {
            **{household: self._last_homes[household] for household in carried},
            **{household: home.pk for household, home in homes.items()},
        }
        now = timezone.now()
        fast_insert(Person, people, now)
        fast_insert(PersonName, person_names, now)
        fast_insert(Location, list(home_rows.values()), now)
        fast_insert(Link, links, now)
        # Each link's source (one fact, one row; its sources apart: ADR 0017).
        fast_insert(
            LinkSource,
            [
                LinkSource(
                    link_id=pk,
                    note=HOUSEHOLD_NOTE,
                    owning_agency_id=agency_id,
                    recorded_at=now,
                )
                for pk, agency_id in Link.objects.filter(
                    from_entity_id__in=[link.from_entity_id for link in links],
                    link_type=LinkType.LIVES_AT,
                ).values_list("pk", "owning_agency_id")
            ],
            now,
        )
        s = self.summary
        s.people += len(people)
        s.duplicates += sum(1 for r in records if r.duplicate)
        s.names += len(person_names)
        s.locations += len(home_rows)
        s.links += len(links)
        s.rows += len(entities) + len(homes) + len(people) + len(person_names)
        s.rows += len(home_rows) + len(links)


def analyse() -> None:
    """Refresh the planner's statistics after a bulk load (SQLite never does it itself)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate_people(
    *,
    total: int,
    seed: int = 2026,
    duplicate_rate: float = 0.1,
    batch_size: int = 5000,
    truth_file: Path | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> BulkSummary:
    """Write `total` Person rows (with names, households and duplicates) in batches."""
    if total < 1:
        raise ValueError("total must be at least 1")
    if not 0 <= duplicate_rate < 1:
        raise ValueError("duplicate_rate must be between 0 and 1")
    today = today or timezone.localdate()
    generator = PeopleGenerator(seed=seed, duplicate_rate=duplicate_rate, today=today)
    agencies = _AgencyPick.for_demo()
    started = time.perf_counter()
    handle = truth_file.open("w", newline="", encoding="utf-8") if truth_file else None
    try:
        writer = BulkWriter(seed=seed, today=today, truth=handle, agencies=agencies)
        done = 0
        while done < total:
            size = min(batch_size, total - done)
            writer.write(generator.batch(size))
            done += size
            writer.summary.seconds = time.perf_counter() - started
            if progress is not None:
                progress(BulkProgress(done, total, writer.summary.rows, writer.summary.seconds))
    finally:
        if handle is not None:
            handle.close()
    analyse()
    writer.summary.seconds = time.perf_counter() - started
    return writer.summary
