"""Candidate changes to person search, tried in the benchmark process only (monkeypatched,
never edited in cairn/pole), so their effect can be measured before anyone adopts them.

`python bench/run.py --variant dnf` runs the same queries with the variant applied."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce

from django.db.models import Q

from cairn.pole import normalise, search


def _name_terms(token: str, which: str) -> list[Q]:
    """The index-friendly alternatives for one token: key prefix range, phonetic key."""
    key = normalise.name_key(token)
    if not key:
        return []
    low, high = normalise.prefix_range(key)
    terms = [Q(**{f"{which}_key__gte": low, f"{which}_key__lt": high})]
    phon = normalise.phonetic_key(token)
    if phon and len(key) >= 3:
        terms.append(Q(**{f"{which}_phonetic": phon}))
    return terms


def candidate_names_q_dnf(tokens: list[str]) -> Q:
    """Same candidates as search._candidate_names_q, written as an OR of ANDs (disjunctive
    normal form): (family term AND given term) for every pair, both name orders. Each
    AND leads with an indexed column, so SQLite's multi-index OR (and PostgreSQL's
    BitmapOr) can use pname_family_given / pname_phonetic for every branch, instead of
    scanning pole_person for the nested (a OR b) AND (c OR d) form."""
    if len(tokens) == 1:
        return search._candidate_names_q(tokens)
    first, last = tokens[0], tokens[-1]
    branches = [
        family_term & given_term
        for family_token, given_token in ((last, first), (first, last))
        for family_term in _name_terms(family_token, "family")
        for given_term in _name_terms(given_token, "given")
    ]
    return reduce(operator.or_, branches) if branches else Q(pk__in=[])


VARIANTS: dict[str, Callable[[], None]] = {}


def _dnf() -> None:
    original = search._candidate_names_q

    def patched(tokens: list[str]) -> Q:
        if len(tokens) == 1:
            return original(tokens)
        return candidate_names_q_dnf(tokens)

    search._candidate_names_q = patched  # type: ignore[assignment]


VARIANTS["dnf"] = _dnf


def apply(name: str) -> None:
    if name == "baseline":
        return
    VARIANTS[name]()
