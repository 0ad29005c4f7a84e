"""Online matching at entry: as a person is typed into a form, find the records they may
already have. Candidates come from B-tree indexes on pole's PersonName keys (with the
trigger-kept copy of the date of birth) and Person.date_of_birth (blocking), are filtered by
the access layer, and are scored in-process with the Fellegi-Sunter weights (trained by
Splink when a model exists, else the documented defaults with a store-sized prior). No
table scan, no Splink call per query (ADR 0012).

Retrieval is one SQL statement (written by hand: at 1M people the ORM's query compilation
was most of the time per query), visibility is checked by the access layer
(`visible_entity_ids`: one query by primary key, which also withholds restricted records
from everyone), and the matches shown are
built from the row already read.

Blocking keys (any one retrieves a candidate):
1. exact date of birth + (nickname-expanded first name, phonetic first name or phonetic
   surname);
2. exact surname + nickname-expanded first name;
3. phonetic first name (or of a nickname-expanded form of it) + phonetic surname;
4. phonetic surname + birth year (when only a year or an estimated age is known);
5. postcode of a home address + phonetic surname or first-name variant (at a crowded
   postcode, with a date that could match too: `_home_postcode_rule`);
6. a nickname, or a first name typed with no surname, against every recorded alias and
   nickname (a street name such as "Deano" is often all a school or a youth worker knows);
7. exact date of birth + postcode of a home address, with no name key (both names
   mistyped or changed, a surname changed on adoption or marriage);
8. first and last names swapped (phonetic keys crosswise), as rule 3;
9. with only a year or an estimated age: a nickname-expanded first name within those
   birth years and a surname with the same initial;
10. a first name typed with a surname, against every alias and nickname recorded with no
   last name.

An alias or nickname recorded with no last name ("Liv" for Olivia Brown) is compared with
the person's own last name (`candidate_record`).

Names exactly the other way round have their own comparison levels (shared with Splink);
a swap with a slip in a name is scored crosswise as well as straight, less a penalty
(`SWAPPED_NAMES_WEIGHT`), and the better score is kept with the reason shown.

An exact first name or surname is weighed by how common it is in the store (Splink's
term-frequency adjustment, `comparisons.TF_COMPARISONS`): the counts of the typed names,
counted in the candidates' statement when not cached, cached per process
(`weights.term_frequencies`).

A known name (rule 6) is weighed by how many people in the store are known by it (term
frequency, as Splink's term-frequency adjustments do): the odds that a stranger shares a
rare alias are its count over the store, which the store-sized prior already divides by,
so one person known as "Deano" alone is about an even chance and other evidence (date of
birth, sex, postcode) moves it from there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import normalise
from cairn.pole.access import visible_entity_ids
from cairn.pole.models import Link, LinkType, Location, NameKind, Person, PersonName

from .comparisons import (
    LEVELS,
    PLACEHOLDER_DOBS,
    SOUND_FAMILY_LEVEL,
    SOUND_GIVEN_LEVEL,
    SWAPPED_REASON,
    Record,
    Weights,
    compare,
    is_placeholder_dob,
    known_dob,
    probability,
    sound_label,
    years_one_slip_away,
)
from .weights import (
    Count,
    cached_counts,
    count_sql,
    current_weights,
    remember_counts,
    term_frequencies,
    tf_keys,
    tf_shows_rarity,
)

MAX_CANDIDATES = 300
HOME_LINKS = (LinkType.LIVES_AT, LinkType.STAYS_AT)
# Past this many home links at one postcode, the postcode rule (5) asks for more than one
# name key (`_home_postcode_rule`). A unit postcode holds about 15 addresses; a block of
# flats, a hostel or a children's home can hold hundreds.
CROWDED_POSTCODE = 150
# Matches at or above this weight are shown as "possible same person" (probability 0.5).
SHOW_THRESHOLD = 0.0
# A match on a known name (alias or nickname) alone is shown from about a 1 in 10 chance:
# a street name is often all the person entering knows, and the reasons say how little
# else agreed, so the user can judge.
KNOWN_NAME_SHOW_THRESHOLD = -3.2
# With no date of birth typed (an estimated age, a year alone or nothing), the date adds nothing to
# lift a true duplicate over 0: "Dan Stuart", about 40, against Daniel Stewart born 1984
# scores about -3 in a hub-sized store (a known form of the first name 6.9, a surname that
# sounds the same 4.3, the prior -14.3), and a duplicate was created (outside tester 3).
# Such a record is offered from the same 1 in 10 chance as a known name, only when both
# names agree (`NAMES_AGREE`) and the age does not rule them out: a shared first name
# alone, however common, offers no one.
AGE_ONLY_SHOW_THRESHOLD = KNOWN_NAME_SHOW_THRESHOLD
# Name levels that agree (the same, a known form, swapped, very similar, sounding the same).
NAMES_AGREE = {"given_name": range(5), "family_name": range(4)}
LOW_BAR = min(KNOWN_NAME_SHOW_THRESHOLD, AGE_ONLY_SHOW_THRESHOLD)
# How often the name typed is exactly the alias or nickname police or partners recorded.
KNOWN_NAME_M = 0.85
KNOWN_NAMES = (NameKind.ALIAS, NameKind.NICKNAME)
# Names typed the other way round: log2 of how often a true match has them swapped (about
# 1 in 50) over how often it has both the same (0.85 x 0.88): the crosswise agreement
# counts as name evidence, less this.
SWAPPED_NAMES_WEIGHT = math.log2(0.02 / (0.85 * 0.88))


@dataclass
class Match:
    person: Person
    weight: float
    reasons: list[str] = field(default_factory=list)
    matched_name: str = ""

    @property
    def probability(self) -> float:
        return probability(self.weight)

    @property
    def percent(self) -> int:
        return round(100 * self.probability)


@dataclass(frozen=True)
class CandidateFields:
    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    birth_year: int | None = None
    estimated_age: int | None = None
    postcode: str = ""
    sex: str = ""
    nickname: str = ""
    # The date typed is marked as estimated (1 January of it is then a placeholder).
    dob_estimated: bool = False

    def __post_init__(self) -> None:
        # A placeholder date typed is no date: not compared, not blocked on, and its year
        # is no birth year (comparisons.is_placeholder_dob).
        dob = self.date_of_birth
        if dob is not None and is_placeholder_dob(dob, self.dob_estimated):
            object.__setattr__(self, "date_of_birth", None)
            if self.birth_year == dob.year:
                object.__setattr__(self, "birth_year", None)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> CandidateFields:
        dob = data.get("date_of_birth")
        if isinstance(dob, str):
            parsed = normalise.partial_date(dob)
            dob = parsed.as_date() if parsed else None
            year = parsed.year if parsed else None
        else:
            year = data.get("birth_year")
        return cls(
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            date_of_birth=dob,
            birth_year=year,
            estimated_age=data.get("estimated_age"),
            postcode=data.get("postcode") or "",
            sex=data.get("sex") or "",
            nickname=data.get("nickname") or "",
            dob_estimated=bool(data.get("date_of_birth_estimated")),
        )

    def known_name_keys(self) -> list[str]:
        """Keys to look up among recorded aliases and nicknames: the nickname typed, and a
        first name typed with no surname (it may be all anyone knows the person by)."""
        keys = {normalise.name_key(self.nickname)}
        if not self.family_name:
            keys.add(normalise.name_key(self.given_name))
        return sorted(k for k in keys if k)

    def swapped(self) -> CandidateFields | None:
        """The same fields with first and last names the other way round, when both are
        typed and differ."""
        if not (self.given_name and self.family_name):
            return None
        if normalise.name_key(self.given_name) == normalise.name_key(self.family_name):
            return None
        return replace(self, given_name=self.family_name, family_name=self.given_name)

    def years(self, today: dt.date) -> tuple[int, int] | None:
        if self.date_of_birth is None and self.birth_year is not None:
            return self.birth_year, self.birth_year
        return normalise.birth_year_range(self.date_of_birth, self.estimated_age, today)

    def record(self, today: dt.date) -> Record:
        years = self.years(today)
        single_year = years[0] if years and years[0] == years[1] else None
        return Record(
            given_name=self.given_name,
            family_name=self.family_name,
            dob=self.date_of_birth,
            birth_year=single_year,
            birth_years=years if years and single_year is None else None,
            postcode=self.postcode,
            sex=self.sex,
        )


def _in(count: int) -> str:
    return ", ".join(["%s"] * count)


def _tables() -> dict[str, str]:
    return {
        "name": PersonName._meta.db_table,
        "person": Person._meta.db_table,
        "link": Link._meta.db_table,
        "location": Location._meta.db_table,
    }


def _dob_compatible(dob: dt.date, today: dt.date) -> tuple[str, list[Any]]:
    """SQL (over name `n`'s copy of the date of birth) true for a date that could be `dob`
    as typed: none recorded, the same year, or one keying slip away in the year (same day
    and month)."""
    slips = []
    for year in years_one_slip_away(dob.year, today.year):
        try:
            slips.append(dob.replace(year=year).isoformat())
        except ValueError:  # 29 February in a year that has none
            continue
    # A placeholder recorded (comparisons.is_placeholder_dob) is no date, as NULL is.
    sql = (
        f"n.person_dob IS NULL OR n.person_dob IN ({_in(len(PLACEHOLDER_DOBS))}) "
        "OR (n.person_dob >= %s AND n.person_dob <= %s)"
    )
    params: list[Any] = [
        *(d.isoformat() for d in PLACEHOLDER_DOBS),
        f"{dob.year:04d}-01-01",
        f"{dob.year:04d}-12-31",
    ]
    if slips:
        sql += f" OR n.person_dob IN ({_in(len(slips))})"
        params += slips
    return f"({sql})", params


def blocking_sql(fields: CandidateFields, today: dt.date) -> tuple[str, list[Any]]:
    """One SELECT of person ids per blocking rule the typed fields allow, each served by
    one B-tree index, united in one statement (an OR across tables defeats the planner at
    scale). Returns ("", []) when no rule applies."""
    t = _tables()
    given_variants = sorted(normalise.given_name_variants(fields.given_name))
    given_ph = normalise.phonetic_key(fields.given_name)
    family_key = normalise.name_key(fields.family_name)
    family_ph = normalise.phonetic_key(fields.family_name)
    dob = fields.date_of_birth
    parts: list[str] = []
    params: list[Any] = []
    ctes: list[str] = []  # named subqueries, before every rule (their params first)

    def any_name_key(with_given_phonetic: bool) -> tuple[str, list[Any]]:
        terms: list[str] = []
        values: list[Any] = []
        if given_variants:
            terms.append(f"n.given_key IN ({_in(len(given_variants))})")
            values += given_variants
        if with_given_phonetic and given_ph:
            terms.append("n.given_phonetic = %s")
            values.append(given_ph)
        if family_ph:
            terms.append("n.family_phonetic = %s")
            values.append(family_ph)
        return " OR ".join(terms), values

    if dob:
        # Person.date_of_birth index: everyone born that day, narrowed by any name key.
        terms, values = any_name_key(with_given_phonetic=True)
        if terms:
            parts.append(
                f"SELECT n.person_id FROM {t['name']} n JOIN {t['person']} p "
                f"ON p.entity_id = n.person_id WHERE p.date_of_birth = %s AND ({terms})"
            )
            params += [dob.isoformat(), *values]
    # The two name-only rules return hundreds of people for a common name at 1M. With a
    # full date of birth typed, they keep only people born the same year, one keying slip
    # away in the year, or with no date recorded: anyone else scores below the show
    # threshold unless they share the home postcode, and rule 5 finds those.
    # The date is the name row's own copy (kept by triggers), inside both name indexes:
    # no person row is read to filter.
    dob_filter, near_params = _dob_compatible(dob, today) if dob else ("", [])
    near = f" AND {dob_filter}" if dob_filter else ""
    names = f"{t['name']} n"
    # The exact name itself is in the phonetic block below (a phonetic key is a function
    # of the name key), so this block adds only the nicknames when that block runs.
    nicknames = given_variants
    if family_ph and given_ph:
        nicknames = [v for v in given_variants if v != normalise.name_key(fields.given_name)]
    if family_key and nicknames:
        parts.append(
            f"SELECT n.person_id FROM {names} "
            f"WHERE n.family_key = %s AND n.given_key IN ({_in(len(nicknames))}){near}"
        )
        params += [family_key, *nicknames, *near_params]
    if family_ph and given_ph:
        # The first name's sound and the sounds of its other forms: "Danny Stuart", typed
        # with no age, reached Daniel Stewart by no rule (Danny TN, Daniel TNL; outside
        # tester). Each key is one range of index pname_phonetic.
        given_phs = sorted({given_ph} | {normalise.phonetic_key(v) for v in given_variants} - {""})
        parts.append(
            f"SELECT n.person_id FROM {names} WHERE n.family_phonetic = %s "
            f"AND n.given_phonetic IN ({_in(len(given_phs))}){near}"
        )
        params += [family_ph, *given_phs, *near_params]
        if family_ph != given_ph:
            # Rule 8: the names the other way round (same index, keys crosswise).
            parts.append(
                f"SELECT n.person_id FROM {names} "
                f"WHERE n.family_phonetic = %s AND n.given_phonetic = %s{near}"
            )
            params += [given_ph, family_ph, *near_params]
    years = fields.years(today)
    if family_ph and years and not dob:
        # Only a year or an estimated age: phonetic surname within those birth years.
        parts.append(
            f"SELECT n.person_id FROM {names} WHERE n.family_phonetic = %s "
            "AND n.person_dob >= %s AND n.person_dob <= %s"
        )
        params += [family_ph, f"{years[0]:04d}-01-01", f"{years[1]:04d}-12-31"]
    if family_key and given_variants and years and not dob:
        # Rule 9: a first-name variant within those birth years and a surname with the
        # same initial (index pname_given_dob). A surname heard and respelt can have another
        # sound key (Smtih SMT, Smith SM0; Stuart and Stewart had, STRT and STWRT), so rule
        # 4 missed "Dan Stuart", about 40, for Daniel Stewart born 1984 (outside tester 3).
        low, high = normalise.prefix_range(family_key[0])
        parts.append(
            f"SELECT n.person_id FROM {names} WHERE n.given_key IN ({_in(len(given_variants))}) "
            "AND n.person_dob >= %s AND n.person_dob <= %s "
            "AND n.family_key >= %s AND n.family_key < %s"
        )
        params += [
            *given_variants,
            f"{years[0]:04d}-01-01",
            f"{years[1]:04d}-12-31",
            low,
            high,
        ]
    if fields.postcode and normalise.is_postcode(fields.postcode):
        terms, values = any_name_key(with_given_phonetic=False)
        if terms:
            cte, cte_params, sql, values = _home_postcode_rule(
                fields, today, terms, values, (dob_filter, near_params)
            )
            ctes.append(cte)
            params = [*cte_params, *params]
            parts.append(sql)
            params += values
    if dob and fields.postcode and normalise.is_postcode(fields.postcode):
        # Rule 7: born that day (Person.date_of_birth index: a few hundred people at most)
        # with a home at the postcode; no name needed. A crowded address (a hostel, a
        # children's home) is reached only through the few born that day.
        parts.append(
            f"SELECT p.entity_id FROM {t['person']} p WHERE p.date_of_birth = %s AND EXISTS ("
            f"SELECT 1 FROM {t['link']} l JOIN {t['location']} loc "
            "ON loc.entity_id = l.to_entity_id WHERE l.from_entity_id = p.entity_id "
            f"AND l.link_type IN ({_in(len(HOME_LINKS))}) AND loc.postcode = %s)"
        )
        params += [dob.isoformat(), *HOME_LINKS, normalise.postcode(fields.postcode)]
    known = fields.known_name_keys()
    if known:
        # Index pname_given_dob: a street name or alias is rare, so the block is small.
        parts.append(
            f"SELECT n.person_id FROM {names} WHERE n.given_key IN ({_in(len(known))}) "
            f"AND n.kind IN ({_in(len(KNOWN_NAMES))})"
        )
        params += [*known, *KNOWN_NAMES]
    typed_given = normalise.name_key(fields.given_name)
    if family_key and typed_given:
        # Rule 10: the first name typed is a nickname or alias recorded with no last name
        # (index pname_family_given); it is compared with their own last name
        # (`candidate_record`). "Liv Brown" reached no key of Olivia Brown, known as "Liv"
        # (outside tester 11).
        parts.append(
            f"SELECT n.person_id FROM {names} WHERE n.family_key = '' AND n.given_key = %s "
            f"AND n.kind IN ({_in(len(KNOWN_NAMES))})"
        )
        params += [typed_given, *KNOWN_NAMES]
    if not parts:
        return "", []
    with_ = f"WITH {', '.join(ctes)} " if ctes else ""
    return with_ + " UNION ".join(parts), params


def _home_postcode_rule(
    fields: CandidateFields,
    today: dt.date,
    terms: str,
    values: list[Any],
    dob_filter: tuple[str, list[Any]],
) -> tuple[str, list[Any], str, list[Any]]:
    """Rule 5, bounded at a crowded address. At an ordinary postcode: anyone with a home
    there and any name key (`terms`). That reads everyone at the postcode or everyone with
    the name, whichever is fewer: at a hostel, a children's home or a hotel of thousands
    both are thousands (97 ms at 1M). So past CROWDED_POSTCODE home links (counted up to
    one more than that, in the statement: the branch not taken is not run) the name must
    also have a date of birth that could be the one typed (the name-only rules' filter)
    or, with no date or age typed, both name keys: only the name indexes are read
    (pname_given_dob, pname_family_phonetic_dob) and the home of the few found is checked.
    At such an address a shared name far from the typed date scores below the show
    threshold anyway, and the same postcode says less there (issue 19)."""
    t = _tables()
    postcode = normalise.postcode(fields.postcode)
    homes = (
        f"SELECT l.from_entity_id FROM {t['link']} l JOIN {t['location']} loc "
        f"ON loc.entity_id = l.to_entity_id WHERE l.link_type IN ({_in(len(HOME_LINKS))}) "
        "AND loc.postcode = {postcode}"
    )
    # The count stops at one past the limit. Its postcode is a sub-select, which PostgreSQL
    # plans without the postcode's statistics: told the postcode is crowded, it would scan
    # every address for the first few rows a limit needs (30 ms at 100k people) instead of
    # walking the postcode index.
    limited = homes.format(postcode="(SELECT %s)")
    # Counted once for every branch (a CTE named more than once is computed once).
    cte = f"crowd AS (SELECT count(*) AS people FROM ({limited} LIMIT %s) limited)"
    cte_params: list[Any] = [*HOME_LINKS, postcode, CROWDED_POSTCODE + 1]
    crowd = "(SELECT people FROM crowd)"
    homes = homes.format(postcode="%s")
    ordinary = (
        f"SELECT n.person_id FROM {t['name']} n WHERE {crowd} <= %s AND ({terms}) "
        f"AND n.person_id IN ({homes})"
    )
    sql, params = ordinary, [CROWDED_POSTCODE, *values, *HOME_LINKS, postcode]
    variants = sorted(normalise.given_name_variants(fields.given_name))
    family_ph = normalise.phonetic_key(fields.family_name)
    # One name key per SELECT (an OR of keys would be read from the table, not an index).
    keys = [(f"n.given_key IN ({_in(len(variants))})", variants)] if variants else []
    keys += [("n.family_phonetic = %s", [family_ph])] if family_ph else []
    if dob_filter[0]:
        near, near_params = dob_filter  # `_dob_compatible`, as built for the name rules
    elif years := fields.years(today):
        near = (
            f"(n.person_dob IS NULL OR n.person_dob IN ({_in(len(PLACEHOLDER_DOBS))}) "
            "OR (n.person_dob >= %s AND n.person_dob <= %s))"
        )
        near_params = [
            *(d.isoformat() for d in PLACEHOLDER_DOBS),
            f"{years[0]:04d}-01-01",
            f"{years[1]:04d}-12-31",
        ]
    elif len(keys) == 2:
        # Nothing about the date: both name keys at once.
        near, near_params = keys[1][0], keys[1][1]
        keys = keys[:1]
    else:
        return cte, cte_params, sql, params
    at_home = (
        f"EXISTS (SELECT 1 FROM {t['link']} l JOIN {t['location']} loc "
        "ON loc.entity_id = l.to_entity_id WHERE l.from_entity_id = n.person_id "
        f"AND l.link_type IN ({_in(len(HOME_LINKS))}) AND loc.postcode = %s)"
    )
    for key, key_params in keys:
        sql += (
            f" UNION SELECT n.person_id FROM {t['name']} n "
            f"WHERE {crowd} > %s AND {key} AND {near} AND {at_home}"
        )
        params += [
            CROWDED_POSTCODE,
            *key_params,
            *near_params,
            *HOME_LINKS,
            postcode,
        ]
    return cte, cte_params, sql, params


def known_name_counts(
    user: Actor, keys: list[str], scope: Callable[[set[int]], set[int]] | None = None
) -> dict[str, int]:
    """How many people `user` may see are known by each alias or nickname key (term
    frequency). Counted among visible people only: a count that included hidden records
    would tell a partner agency that police know someone by a street name."""
    if not keys:
        return {}
    sql = (
        f"SELECT DISTINCT n.given_key, n.person_id FROM {_tables()['name']} n "
        f"WHERE n.given_key IN ({_in(len(keys))}) AND n.kind IN ({_in(len(KNOWN_NAMES))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, *KNOWN_NAMES])
        rows = [(str(key), int(person_id)) for key, person_id in cursor.fetchall()]
    ids = {person_id for _, person_id in rows}
    visible = scope(ids) if scope is not None else visible_entity_ids(user, ids)
    counts: dict[str, int] = {}
    for key, person_id in rows:
        if person_id in visible:
            counts[key] = counts.get(key, 0) + 1
    return counts


@dataclass(frozen=True)
class CandidateName:
    """One name of a candidate person, with what is compared."""

    person_id: int
    kind: str
    given_name: str
    family_name: str
    dob: dt.date | None
    birth_year: int | None
    sex: str
    postcode: str = ""
    # The person's own fields (PERSON_FIELDS), to build the model of a match shown.
    person_values: tuple[Any, ...] = ()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def own_family_name(self) -> str:
        """The person's own last name (an alias or nickname may be recorded without one)."""
        if not self.person_values:
            return ""
        return str(self.person_values[PERSON_FIELDS.index("family_name")] or "")

    def person(self) -> Person:
        # from_db: the fields read are set, every other field is deferred (loaded if used).
        return Person.from_db(connection.alias, PERSON_FIELDS, list(self.person_values))


PERSON_FIELDS = [
    "entity_id",
    "category",
    "given_name",
    "family_name",
    "date_of_birth",
    "estimated_age",
    "estimated_age_on",
    "sex",
]


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def candidate_names(
    fields: CandidateFields, today: dt.date, count: list[Count] | None = None
) -> tuple[list[CandidateName], dict[Count, int]]:
    """Every name of every person a blocking rule retrieves, with the current home
    postcode when the typed fields have one to compare, in one round trip; and how many
    names in the store have each name in `count` (term frequencies), read in the same
    statement (each an uncorrelated subquery: run once, not per row)."""
    blocks, params = blocking_sql(fields, today)
    if not blocks:
        return [], {}
    count = count or []
    counts = [count_sql(key) for key in count]
    counts_sql = "".join(f", {sql}" for sql, _ in counts)
    counts_params = [value for _, values in counts for value in values]
    t = _tables()
    postcode_sql, postcode_params = "''", []
    if fields.postcode:
        # The latest current lives-at/stays-at address (index link_from_type).
        postcode_sql = (
            f"(SELECT loc.postcode FROM {t['link']} l JOIN {t['location']} loc "
            "ON loc.entity_id = l.to_entity_id WHERE l.from_entity_id = n.person_id "
            f"AND l.link_type IN ({_in(len(HOME_LINKS))}) AND l.ended_on IS NULL "
            "AND loc.postcode <> '' ORDER BY l.started_on DESC, l.id DESC LIMIT 1)"
        )
        postcode_params = list(HOME_LINKS)
    sql = (
        "SELECT n.person_id, n.kind, n.given_name, n.family_name, p.date_of_birth, "
        "p.estimated_age, p.estimated_age_on, p.sex, p.category, p.given_name, "
        f"p.family_name, {postcode_sql}{counts_sql} "
        f"FROM {t['name']} n JOIN {t['person']} p ON p.entity_id = n.person_id "
        f"WHERE n.person_id IN (SELECT person_id FROM ({blocks} LIMIT %s) blocked) "
        "LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *postcode_params,
                *counts_params,
                *params,
                MAX_CANDIDATES * 2,
                MAX_CANDIDATES * 4,
            ],
        )
        rows = cursor.fetchall()
    counted = {key: int(n) for key, n in zip(count, rows[0][12:], strict=True)} if rows else {}
    names = []
    for row in rows:
        person_id, kind, given, family, dob, est_age, est_on, sex, category = row[:9]
        person_given, person_family, postcode = row[9:12]
        recorded, est_on = _as_date(dob), _as_date(est_on)
        # A placeholder is compared as no date; the person shown keeps what is recorded.
        # (Person holds no "estimated" mark for a date of birth: only the fixed fillers.)
        dob = known_dob(recorded)
        year = est_on.year - est_age if dob is None and est_age is not None and est_on else None
        values = (person_id, category, person_given, person_family, recorded, est_age, est_on, sex)
        names.append(
            CandidateName(person_id, kind, given, family, dob, year, sex, postcode or "", values)
        )
    return names, counted


def candidate_record(name: CandidateName) -> Record:
    family = name.family_name
    if not family and name.kind in KNOWN_NAMES:
        # A nickname recorded alone ("Liv" for Olivia Brown) is theirs with their own last
        # name: compared without one, "Liv Broun", about 15, lost the surname's evidence
        # and was not offered Olivia Brown at any hand-off (outside tester 11).
        family = name.own_family_name
    return Record(
        given_name=name.given_name,
        family_name=family,
        dob=name.dob,
        birth_year=name.birth_year,
        postcode=name.postcode,
        sex=name.sex,
    )


def match_person(
    user: Actor,
    candidate_fields: CandidateFields | dict[str, Any],
    *,
    weights: Weights | None = None,
    threshold: float = SHOW_THRESHOLD,
    limit: int = 10,
    exclude_ids: tuple[int, ...] = (),
    scope: Callable[[set[int]], set[int]] | None = None,
) -> list[Match]:
    """People visible to `user` who may be the person described, best first, with the
    reasons. Only what the user may see is ever scored (the access layer filters the
    candidates before scoring). `scope` replaces that filter for a caller whose access
    layer decides differently: a subject access search covers every agency (ADR 0025)."""
    fields = (
        candidate_fields
        if isinstance(candidate_fields, CandidateFields)
        else CandidateFields.from_mapping(candidate_fields)
    )
    if weights is None:
        weights = current_weights()
    today = timezone.localdate()
    excluded = set(exclude_ids)
    query = fields.record(today)
    cached, uncounted = cached_counts(tf_keys(query))
    names, counted = candidate_names(fields, today, uncounted)
    remember_counts(counted)
    names = [n for n in names if n.person_id not in excluded]
    ids = {n.person_id for n in names}
    visible = scope(ids) if scope is not None else visible_entity_ids(user, ids)
    names = [n for n in names if n.person_id in visible]
    if not names:
        return []
    tf = term_frequencies({**cached, **counted})
    say_rare = tf_shows_rarity()
    swapped_fields = fields.swapped()
    swapped = swapped_fields.record(today) if swapped_fields else None
    kind_labels = dict(NameKind.choices)
    known_keys = fields.known_name_keys()
    known_counts = known_name_counts(user, known_keys, scope)
    best: dict[int, tuple[float, list[str], CandidateName, bool]] = {}
    known_as: dict[int, str] = {}
    typed_given = normalise.name_key(fields.given_name)
    # An age, a year or nothing about when they were born: the date cannot lift a true
    # duplicate. "Danny Stuart" with nothing else typed was not offered Daniel Stewart
    # (about -3, as "Dan Stuart", about 40, was: outside tester).
    no_full_date = fields.date_of_birth is None
    for name in names:
        record = candidate_record(name)
        kind = str(kind_labels.get(name.kind, name.kind)).lower()
        weight, reasons = weights.score(query, record, tf, say_rare=say_rare)
        if swapped is not None:
            crosswise, crosswise_reasons = weights.score(swapped, record)
            if crosswise + SWAPPED_NAMES_WEIGHT > weight:
                weight = crosswise + SWAPPED_NAMES_WEIGHT
                reasons = [SWAPPED_REASON, *_crosswise(crosswise_reasons)]
        # Shown from the lower threshold (a known name, or both names and no full date).
        low_bar = no_full_date and _names_agree(query, record)
        if name.kind != NameKind.PRIMARY:
            # The name levels were of that name, not of their own, said first as one
            # statement (testers: "Kez Wilson" offered Kieran Wilson with "first name the
            # same"; "matched their nickname ..., last name the same as their nickname's").
            reasons = _of_that_name(reasons, kind, name.full_name, own_family=not name.family_name)
        key = normalise.name_key(name.given_name)
        if name.kind in KNOWN_NAMES and key in known_counts:
            # The known name as recorded: a street name typed beside a surname the typist
            # guessed or never knew is not held against them.
            as_recorded = replace(record, family_name=name.family_name)
            known = _known_name_score(weights, query, as_recorded, known_counts[key])
            if known[0] > weight:
                weight, reasons, _ = known
                low_bar = True
                reasons.insert(0, f"known as \u201c{name.given_name}\u201d ({kind})")
        fits = age_fits(query, record)
        if fits:
            reasons = [*reasons, fits]
        current = best.get(name.person_id)
        if current is None or weight > current[0]:
            best[name.person_id] = (weight, reasons, name, low_bar)
        if name.kind in KNOWN_NAMES and normalise.name_key(name.given_name) == typed_given:
            known_as[name.person_id] = f"known as \u201c{name.given_name}\u201d ({kind})"
    # A first name typed that is one of their recorded nicknames or aliases is said, even
    # where their own name scored higher (outside tester: "Liv Brown" offered Olivia Brown
    # as "first name similar", silent on her recorded nickname "Liv").
    for person_id, said in known_as.items():
        # Unless the match shown is that name's own ("their nickname ... has ...").
        if person_id in best and best[person_id][2].kind not in KNOWN_NAMES:
            weight, reasons, name, by_known = best[person_id]
            best[person_id] = (weight, [said, *reasons], name, by_known)
    ranked = sorted(
        (
            found
            for found in best.values()
            if found[0] >= (min(threshold, LOW_BAR) if found[3] else threshold)
        ),
        key=lambda f: -f[0],
    )[:limit]
    # The matches shown are built from the row already read: no further query.
    return [
        Match(person=name.person(), weight=weight, reasons=reasons, matched_name=name.full_name)
        for weight, reasons, name, _ in ranked
    ]


def age_fits(query: Record, record: Record) -> str:
    """The reason an estimated age typed agrees with what is recorded, or ''. An age is a
    range of birth years, so it is no comparison level (it weighs nothing either way) and
    no level's label said it: "Liv Broun", about 15, was offered Olivia Brown born 2011
    with reasons about names alone (outside tester), though her age was what made her
    likely. A date of birth or a single year typed has its own level and label."""
    if query.birth_years is None or query.dob is not None:
        return ""
    low, high = query.birth_years
    if record.dob is not None:
        return "the age typed fits their date of birth" if low <= record.dob.year <= high else ""
    if record.birth_year is not None and low <= record.birth_year <= high:
        return "the age typed fits their recorded age"
    return ""


def _names_agree(query: Record, record: Record) -> bool:
    """Both names agree (NAMES_AGREE) and the age typed is no evidence either way: a
    birth year outside it (a father of the same name) keeps the usual threshold."""
    levels = compare(query, record)
    if levels["dob"] is not None:
        return False
    if not all(levels[name] in agree for name, agree in NAMES_AGREE.items()):
        return False
    # A sound-alike level shares only the consonants: with no date to weigh, "Danny
    # Stuart" must not offer Daniel Street (both STRT); the vowels tell them apart.
    return all(
        normalise.sounds_alike(getattr(query, name), getattr(record, name))
        for name, level in (
            ("given_name", SOUND_GIVEN_LEVEL),
            ("family_name", SOUND_FAMILY_LEVEL),
        )
        if levels[name] == level
    )


def _of_that_name(
    reasons: list[str], kind: str, full_name: str, *, own_family: bool = False
) -> list[str]:
    """The reasons of a match through one of their other names, its name levels said of
    that name in one statement first: ["first name the same", "date of birth the same",
    "last name very similar"] -> ["their nickname “Matt Browne” has the same first name
    and a very similar last name", "date of birth the same"]. With `own_family` (a name
    recorded with no last name, compared with their own) the last name's reason is theirs
    and stays as it is."""
    given: list[str] = []
    family: list[str] = []
    rest: list[str] = []
    for reason in reasons:
        base, _, note = reason.partition(" (")
        note = f" ({note}" if note else ""
        if base in _GIVEN_LABELS:
            given.append(_NAME_PHRASES[base] + note)
        elif base in _FAMILY_LABELS and not own_family:
            family.append(_NAME_PHRASES[base] + note)
        else:
            rest.append(reason)
    said = given + family
    if said == [_NAME_PHRASES[LEVELS["given_name"][0].label], _NAME_PHRASES[_SAME_FAMILY]]:
        said = ["the same first and last names"]
    whose = f"their {kind} \u201c{full_name}\u201d"
    return [f"{whose} has {' and '.join(said)}" if said else f"matched {whose}", *rest]


_SAME_FAMILY = LEVELS["family_name"][0].label
# Each name level as what the other name has ("their nickname ... has <phrase>").
_NAME_PHRASES = dict(
    zip(
        [level.label for level in LEVELS["given_name"]],
        [
            "the same first name",
            "a first name that is another form of the one typed",
            "the last name typed as its first name",
            "a very similar first name",
            "a first name that sounds the same",
            "a similar first name",
            "a different first name",
        ],
        strict=True,
    )
) | dict(
    zip(
        [level.label for level in LEVELS["family_name"]],
        [
            "the same last name",
            "the first name typed as its last name",
            "a very similar last name",
            "a last name that sounds the same",
            "a similar last name",
            "a different last name",
        ],
        strict=True,
    )
)


_GIVEN_LABELS = {level.label for level in LEVELS["given_name"]}
_FAMILY_LABELS = {level.label for level in LEVELS["family_name"]}


def _crosswise(reasons: list[str]) -> list[str]:
    """The reasons of a score with the typed names the other way round, worded as what
    was typed: "first name the same" there meant the typed last name is their first name,
    which the swap reason already says; a spelling difference says which way round."""
    out = []
    for reason in reasons:
        base = reason.split(" (")[0]
        # "sounds the same" keeps which names sounded alike; "the same" (with its
        # term-frequency note) is what the swap reason already says.
        if base in _GIVEN_LABELS:
            if base != LEVELS["given_name"][0].label:
                out.append(f"last name typed: their {reason}")
        elif base in _FAMILY_LABELS:
            if base != LEVELS["family_name"][0].label:
                out.append(f"first name typed: their {reason}")
        else:
            out.append(reason)
    return out


def _known_name_score(
    weights: Weights, query: Record, record: Record, people_known_so: int
) -> tuple[float, list[str], bool]:
    """Weight of a match on an alias or nickname: the known-name evidence, weighed by how
    many people share it, in place of the first-name comparison; the other comparisons
    (surname when both have one, date of birth, postcode, sex) as usual."""
    store = 2.0 ** (-weights.prior)
    u = min(1.0, max(people_known_so, 1) / store)
    total = weights.prior + math.log2(KNOWN_NAME_M / u)
    reasons: list[tuple[float, str]] = []
    levels = compare(query, record)
    levels["given_name"] = None
    if not query.family_name or not record.family_name:
        levels["family_name"] = None
    for comparison, level in levels.items():
        if level is None:
            continue
        lv = weights.levels[comparison][level]
        total += lv.weight
        reasons.append((lv.weight, sound_label(lv.label, comparison, level, query, record)))
    reasons.sort(key=lambda p: -abs(p[0]))
    shared = (
        "no one else is known by this name"
        if people_known_so <= 1
        else f"{people_known_so} people are known by this name"
    )
    return total, [shared, *(label for _, label in reasons)], True
