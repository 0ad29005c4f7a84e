"""Online matching at entry: as a person is typed into a form, find the records they may
already have. Candidates come from B-tree indexes on pole's PersonName keys and
Person.date_of_birth (blocking), scoped by the access layer in the same query; each is then
scored in-process with the Fellegi-Sunter weights (trained by Splink when a model exists,
else the documented defaults). No table scan, no Splink call per query.

Blocking keys (any one retrieves a candidate):
1. exact date of birth + (nickname-expanded first name, phonetic first name or phonetic
   surname);
2. exact surname + nickname-expanded first name;
3. phonetic first name + phonetic surname;
4. phonetic surname + birth year (when only a year or an estimated age is known);
5. postcode of a home address + phonetic surname or first-name variant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cairn.pole import normalise
from cairn.pole.access import entity_visibility_q
from cairn.pole.models import Link, LinkType, Person, PersonName

from .comparisons import Record, Weights, probability

MAX_CANDIDATES = 300
HOME_LINKS = (LinkType.LIVES_AT, LinkType.STAYS_AT)
# Matches at or above this weight are shown as "possible same person" (probability 0.5).
SHOW_THRESHOLD = 0.0


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
        )

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
            postcode=self.postcode,
            sex=self.sex,
        )


def _year_q(years: tuple[int, int]) -> Q:
    return Q(
        person__date_of_birth__gte=dt.date(years[0], 1, 1),
        person__date_of_birth__lte=dt.date(years[1], 12, 31),
    )


def blocking_queries(fields: CandidateFields, today: dt.date) -> list[QuerySet[PersonName]]:
    """One small query per blocking rule the typed fields allow, each served by one
    B-tree index (an OR across tables defeats the planner at scale, so they are run
    separately and their person ids united)."""
    given_variants = sorted(normalise.given_name_variants(fields.given_name))
    given_ph = normalise.phonetic_key(fields.given_name)
    family_key = normalise.name_key(fields.family_name)
    family_ph = normalise.phonetic_key(fields.family_name)
    dob = fields.date_of_birth
    names = PersonName.objects.all()
    queries = []
    if dob:
        # Person.date_of_birth index: everyone born that day, narrowed by any name key.
        name_q = Q(pk__in=[])
        if given_variants:
            name_q |= Q(given_key__in=given_variants)
        if given_ph:
            name_q |= Q(given_phonetic=given_ph)
        if family_ph:
            name_q |= Q(family_phonetic=family_ph)
        queries.append(names.filter(name_q, person__date_of_birth=dob))
    if family_key and given_variants:
        queries.append(names.filter(family_key=family_key, given_key__in=given_variants))
    if family_ph and given_ph:
        queries.append(names.filter(family_phonetic=family_ph, given_phonetic=given_ph))
    years = fields.years(today)
    if family_ph and years and not dob:
        # Only a year or an estimated age: phonetic surname within those birth years.
        queries.append(names.filter(Q(family_phonetic=family_ph) & _year_q(years)))
    if fields.postcode and normalise.is_postcode(fields.postcode) and (family_ph or given_variants):
        homes = Link.objects.filter(
            link_type__in=HOME_LINKS,
            to_entity__location__postcode=normalise.postcode(fields.postcode),
        ).values("from_entity_id")
        name_q = Q(pk__in=[])
        if family_ph:
            name_q |= Q(family_phonetic=family_ph)
        if given_variants:
            name_q |= Q(given_key__in=given_variants)
        queries.append(names.filter(name_q, person_id__in=homes))
    return queries


def candidate_ids(fields: CandidateFields, today: dt.date) -> set[int]:
    """Person ids from every blocking rule, in one round trip (a UNION)."""
    queries = [q.values_list("person_id", flat=True) for q in blocking_queries(fields, today)]
    if not queries:
        return set()
    union = queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0]
    return set(union[: MAX_CANDIDATES * 2])


def home_postcodes(person_ids: list[int]) -> dict[int, str]:
    """One current home postcode per person (the latest lives-at/stays-at link)."""
    rows = (
        Link.objects.filter(
            from_entity_id__in=person_ids, link_type__in=HOME_LINKS, ended_on__isnull=True
        )
        .exclude(to_entity__location__postcode="")
        .order_by("from_entity_id", "-started_on", "-pk")
        .values_list("from_entity_id", "to_entity__location__postcode")
    )
    result: dict[int, str] = {}
    for person_id, postcode in rows:
        result.setdefault(person_id, postcode)
    return result


def candidate_record(name: PersonName, postcode: str) -> Record:
    person = name.person
    year = None
    if (
        person.date_of_birth is None
        and person.estimated_age is not None
        and person.estimated_age_on is not None
    ):
        year = person.estimated_age_on.year - person.estimated_age
    return Record(
        given_name=name.given_name,
        family_name=name.family_name,
        dob=person.date_of_birth,
        birth_year=year,
        postcode=postcode,
        sex=person.sex,
    )


def match_person(
    user: Any,
    candidate_fields: CandidateFields | dict[str, Any],
    *,
    weights: Weights | None = None,
    threshold: float = SHOW_THRESHOLD,
    limit: int = 10,
    exclude_ids: tuple[int, ...] = (),
) -> list[Match]:
    """People visible to `user` who may be the person described, best first, with the
    reasons. Only what the user may see is ever a candidate (the access layer's Q is part
    of the candidate query)."""
    fields = (
        candidate_fields
        if isinstance(candidate_fields, CandidateFields)
        else CandidateFields.from_mapping(candidate_fields)
    )
    if weights is None:
        from .weights import current_weights

        weights = current_weights()
    today = timezone.localdate()
    ids = candidate_ids(fields, today) - set(exclude_ids)
    if not ids:
        return []
    names = list(
        PersonName.objects.filter(entity_visibility_q(user, prefix="person__entity__"))
        .filter(person_id__in=ids)
        .select_related("person", "person__entity")[: MAX_CANDIDATES * 2]
    )
    if not names:
        return []
    postcodes = home_postcodes([n.person_id for n in names]) if fields.postcode else {}
    query = fields.record(today)
    best: dict[int, Match] = {}
    for name in names:
        weight, reasons = weights.score(
            query, candidate_record(name, postcodes.get(name.person_id, ""))
        )
        if name.kind != "primary":
            reasons.append(f"matched {name.get_kind_display().lower()}")
        current = best.get(name.person_id)
        if current is None or weight > current.weight:
            best[name.person_id] = Match(
                person=name.person, weight=weight, reasons=reasons, matched_name=name.full_name
            )
    ranked = sorted((m for m in best.values() if m.weight >= threshold), key=lambda m: -m.weight)
    return ranked[:limit]
