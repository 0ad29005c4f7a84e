"""Person search: fuzzy on names and aliases, exact on date of birth, always scoped by
the access layer. Candidates come from B-tree indexes (name-key prefix ranges and
phonetic keys), then rapidfuzz ranks them, so it stays fast at a million people."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz

from . import normalise
from .access import entity_visibility_q
from .models import Person, PersonName

MAX_CANDIDATES = 400
# One bare word (no DOB) matches broadly; ranking 400 rows in Python dominated its latency.
MAX_CANDIDATES_ONE_WORD = 100
MAX_RESULTS = 200


@dataclass
class PersonMatch:
    person: Person
    matched_name: str
    matched_kind: str
    score: float
    reasons: list[str] = field(default_factory=list)


def _name_terms(token: str, which: str) -> list[Q]:
    """The index-friendly alternatives for one token: a key prefix range and, for three or
    more letters, the phonetic key."""
    key = normalise.name_key(token)
    if not key:
        return []
    low, high = normalise.prefix_range(key)
    terms = [Q(**{f"{which}_key__gte": low, f"{which}_key__lt": high})]
    phon = normalise.phonetic_key(token)
    if phon and len(key) >= 3:
        terms.append(Q(**{f"{which}_phonetic": phon}))
    return terms


def _candidate_names_q(tokens: list[str]) -> Q:
    """Written as an OR of ANDs (every branch led by an indexed column) because SQLite
    cannot use indexes for (a OR b) AND (c OR d): measured 458 -> 45 ms p50 at 1M."""
    if len(tokens) == 1:
        branches = _name_terms(tokens[0], "family") + _name_terms(tokens[0], "given")
    else:
        first, last = tokens[0], tokens[-1]
        branches = [
            family_term & given_term
            for family_token, given_token in ((last, first), (first, last))
            for family_term in _name_terms(family_token, "family")
            for given_term in _name_terms(given_token, "given")
        ]
    return reduce(operator.or_, branches) if branches else Q(pk__in=[])


def _score(tokens: list[str], name: PersonName) -> tuple[float, list[str]]:
    query = normalise.fold(" ".join(tokens))
    full = normalise.fold(f"{name.given_name} {name.family_name}")
    reversed_full = normalise.fold(f"{name.family_name} {name.given_name}")
    score = max(fuzz.WRatio(query, full), fuzz.WRatio(query, reversed_full))
    reasons = []
    if query == full:
        reasons.append("exact name")
    elif any(normalise.name_key(t) in (name.family_key, name.given_key) for t in tokens):
        reasons.append("name matches")
    else:
        reasons.append("similar name")
    if name.kind != "primary":
        reasons.append(f"matched {name.get_kind_display().lower()}")
    return float(score), reasons


def search_people(
    user: Any, *, query: str = "", date_of_birth: dt.date | None = None
) -> list[PersonMatch]:
    """People visible to `user` matching the name query and/or exact date of birth,
    best first. An empty query and no date of birth returns nothing (never the list of
    everyone: browsing all records is not a need-to-know activity)."""
    tokens = [t for t in query.split() if normalise.name_key(t)]
    if not tokens and date_of_birth is None:
        return []
    visible = entity_visibility_q(user, prefix="person__entity__")
    names = PersonName.objects.filter(visible)
    if tokens:
        names = names.filter(_candidate_names_q(tokens))
    if date_of_birth is not None:
        names = names.filter(person__date_of_birth=date_of_birth)
    names = names.select_related("person", "person__entity", "person__entity__owning_agency")
    best: dict[int, PersonMatch] = {}
    cap = MAX_CANDIDATES_ONE_WORD if len(tokens) == 1 and date_of_birth is None else MAX_CANDIDATES
    for name in names[:cap]:
        if tokens:
            score, reasons = _score(tokens, name)
        else:
            score, reasons = 100.0, []
        if date_of_birth is not None:
            reasons.append("date of birth matches")
        current = best.get(name.person_id)
        if current is None or score > current.score:
            best[name.person_id] = PersonMatch(
                person=name.person,
                matched_name=name.full_name,
                matched_kind=name.kind,
                score=score,
                reasons=reasons,
            )
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.person.family_name))
    return ranked[:MAX_RESULTS]
