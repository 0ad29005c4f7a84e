"""Candidate changes to person search, tried in the benchmark process only (monkeypatched
or inside a rolled-back transaction, never edited in cairn/pole), so their effect can be
measured before anyone adopts them.

    python bench/run.py --scales 1000000 --compare index,dnf,index+dnf

runs the same queries for the baseline and each variant, interleaved block by block in one
process, so a busy machine slows every variant alike.

- `index`: an index on PersonName.given_phonetic. Single-word searches OR four
  conditions together (family/given key prefix, family/given phonetic key); three have an
  index, given_phonetic has none (pname_phonetic leads with family_phonetic), so
  PostgreSQL cannot use a BitmapOr and scans pole_personname for the LIMIT instead.
- `dnf`: two-word searches written as an OR of ANDs instead of (a OR b) AND (c OR d); SQLite
  cannot use an index for the nested form and scans pole_person.
- `lean`: score the (up to 400) candidate names from six columns fetched with
  values_list, then load Person, Entity and Agency only for the people returned (up to
  200), in one more query. The same candidates, scores and order; most of a broad prefix
  search's time is building 4 model instances for each of 400 candidate rows.
- `cap100`: at most 100 candidate names instead of 400 (search.MAX_CANDIDATES): fewer rows
  to fetch and score for a broad prefix; a product decision, measured here.
- `prefixcap`: the 100-candidate cap only for a single name word without a date of birth
  (a broad prefix such as "smi"); full names and dates of birth keep 400, because a lower
  cap there loses exact matches among the arbitrary first 100 rows.
- `noforms`: the search before issue 19 item 4: no second query for other forms of the
  first name (search._form_names_qs answers None). The scoring of each candidate still
  asks whether a word is another form of its first name (a dictionary look-up).
- `serial`: PostgreSQL only, `SET max_parallel_workers_per_gather = 0` for the session: no
  parallel workers (and their start-up cost) for small OLTP queries on 2 cores.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from functools import reduce
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from cairn.pole import normalise, search
from cairn.pole.access import entity_visibility_q
from cairn.pole.models import Person, PersonName

INDEX_SQL = "CREATE INDEX bench_pname_given_phonetic ON pole_personname (given_phonetic)"


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
    """Same candidates as search._candidate_names_q for two or more words, written as an
    OR of ANDs (disjunctive normal form): (family term AND given term) for every pair, in
    both name orders. Every branch leads with an indexed column, so SQLite's multi-index
    OR and PostgreSQL's BitmapOr can serve each branch from pname_family_given or
    pname_phonetic."""
    first, last = tokens[0], tokens[-1]
    branches = [
        family_term & given_term
        for family_token, given_token in ((last, first), (first, last))
        for family_term in _name_terms(family_token, "family")
        for given_term in _name_terms(given_token, "given")
    ]
    return reduce(operator.or_, branches) if branches else Q(pk__in=[])


@contextmanager
def _dnf() -> Iterator[None]:
    original = search._candidate_names_q

    def patched(tokens: list[str]) -> Q:
        return original(tokens) if len(tokens) == 1 else candidate_names_q_dnf(tokens)

    search._candidate_names_q = patched  # type: ignore[assignment]
    try:
        yield
    finally:
        search._candidate_names_q = original  # type: ignore[assignment]


@contextmanager
def _index() -> Iterator[None]:
    """The index exists only inside this transaction, which is always rolled back."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(INDEX_SQL)
        try:
            yield
        finally:
            transaction.set_rollback(True)


def search_people_lean(
    user: Any, *, query: str = "", date_of_birth: dt.date | None = None
) -> list[search.PersonMatch]:
    """search.search_people with candidates scored from plain tuples (see `lean`)."""
    tokens = [t for t in query.split() if normalise.name_key(t)]
    if not tokens and date_of_birth is None:
        return []
    names = PersonName.objects.filter(entity_visibility_q(user, prefix="person__entity__"))
    if tokens:
        names = names.filter(search._candidate_names_q(tokens))
    if date_of_birth is not None:
        names = names.filter(person__date_of_birth=date_of_birth)
    columns = ("person_id", "kind", "given_name", "family_name", "given_key", "family_key")
    best: dict[int, tuple[float, list[str], PersonName]] = {}
    for row in names.values_list(*columns)[: search.MAX_CANDIDATES]:
        name = PersonName(
            person_id=row[0],
            kind=row[1],
            given_name=row[2],
            family_name=row[3],
            given_key=row[4],
            family_key=row[5],
        )
        score, reasons = search._score(tokens, name) if tokens else (100.0, [])
        if date_of_birth is not None:
            reasons.append("date of birth matches")
        current = best.get(name.person_id)
        if current is None or score > current[0]:
            best[name.person_id] = (score, reasons, name)
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=list(best)).select_related(
            "entity", "entity__owning_agency"
        )
    }
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][2].family_name))
    return [
        search.PersonMatch(
            person=people[pk],
            matched_name=name.full_name,
            matched_kind=name.kind,
            score=score,
            reasons=reasons,
        )
        for pk, (score, reasons, name) in ranked[: search.MAX_RESULTS]
        if pk in people
    ]


@contextmanager
def _lean() -> Iterator[None]:
    original = search.search_people
    search.search_people = search_people_lean  # type: ignore[assignment]
    try:
        yield
    finally:
        search.search_people = original  # type: ignore[assignment]


@contextmanager
def _cap100() -> Iterator[None]:
    original = search.MAX_CANDIDATES
    search.MAX_CANDIDATES = 100
    try:
        yield
    finally:
        search.MAX_CANDIDATES = original


@contextmanager
def _prefixcap() -> Iterator[None]:
    original = search.search_people

    def capped(user: Any, *, query: str = "", date_of_birth: dt.date | None = None) -> Any:
        words = [t for t in query.split() if normalise.name_key(t)]
        if len(words) != 1 or date_of_birth is not None:
            return original(user, query=query, date_of_birth=date_of_birth)
        saved, search.MAX_CANDIDATES = search.MAX_CANDIDATES, 100
        try:
            return original(user, query=query, date_of_birth=date_of_birth)
        finally:
            search.MAX_CANDIDATES = saved

    search.search_people = capped  # type: ignore[assignment]
    try:
        yield
    finally:
        search.search_people = original  # type: ignore[assignment]


@contextmanager
def _serial() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")


@contextmanager
def _noforms() -> Iterator[None]:
    original = search._form_names_qs
    search._form_names_qs = lambda tokens: None  # type: ignore[assignment]
    try:
        yield
    finally:
        search._form_names_qs = original  # type: ignore[assignment]


VARIANTS: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "noforms": _noforms,
    "cap100": _cap100,
    "prefixcap": _prefixcap,
    "serial": _serial,
    "dnf": _dnf,
    "index": _index,
    "lean": _lean,
}


@contextmanager
def active(name: str) -> Iterator[None]:
    """Apply a variant ('baseline', 'dnf', 'index', or a '+'-joined combination)."""
    with ExitStack() as stack:
        for part in name.split("+"):
            if part != "baseline":
                stack.enter_context(VARIANTS[part]())
        yield
