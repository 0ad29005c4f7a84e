"""Person search: fuzzy on names and aliases, exact on date of birth, always scoped by
the access layer. Candidates come from B-tree indexes (name-key prefix ranges and
phonetic keys), then rapidfuzz ranks them, so it stays fast at a million people. A postcode
in the query (any spacing or case) narrows to people linked to a place there.

Object lookup (`search_objects`): vehicles, phones, online accounts and locations by their
normalised key, however the registration, number, handle or postcode is typed."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

from django.db.models import Case, Q, Value, When
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from cairn.core.types import Actor
from cairn.network.matching.comparisons import JW_VERY_SIMILAR

from . import normalise
from .access import entity_visibility_q, visible_links
from .models import (
    Entity,
    EntityKind,
    Location,
    OnlineAccount,
    Person,
    PersonName,
    Phone,
    Platform,
    Vehicle,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

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


def _split_postcode(query: str) -> tuple[str, str]:
    """The query without its first postcode, and that postcode ('AB1 2CD'; '' if none)."""
    for item in normalise.text_identifiers(query):
        if item.kind == "postcode":
            return query[: item.start] + " " + query[item.end :], normalise.postcode(item.text)
    return query, ""


def _people_at_postcode(user: Actor | AnonymousUser, postcode: str, visible: Q) -> set[int]:
    """People linked (lives at, seen at...) to a place with this postcode, through places
    and links the user may see."""
    places = list(
        Location.objects.filter(
            entity_visibility_q(user, prefix="entity__"), postcode=postcode
        ).values_list("pk", flat=True)[:MAX_CANDIDATES]
    )
    if not places:
        return set()
    pairs = (
        visible_links(user)
        .filter(Q(from_entity_id__in=places) | Q(to_entity_id__in=places))
        .values_list("from_entity_id", "to_entity_id")[: MAX_CANDIDATES * 4]
    )
    ends = {end for pair in pairs for end in pair} - set(places)
    # `visible` is the caller's rule over people (PersonName rows), as for a name search.
    names = PersonName.objects.filter(visible, person_id__in=ends)
    return set(names.values_list("person_id", flat=True))


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


def _orientations(tokens: list[str]) -> list[tuple[str, str]]:
    """(first-name word, last-name word) pairs a query of two or more words may mean."""
    if len(tokens) < 2:
        return []
    return [(tokens[0], tokens[-1]), (tokens[-1], tokens[0])]


def _form_names_qs(tokens: list[str]) -> tuple[Q, Q] | None:
    """Names whose first name is a known form of the first-name word ("Jay Smith":
    Jason, James, Jayden... from normalise's short forms and nicknames, the word itself
    included), as (all of them, the closest): the closest have the last name begun by the
    last-name word or sounding like it (Metaphone); the rest only its first two letters,
    because a surname heard or typed in a hurry keeps its start but not always its sound
    key (Smtih SMT, Smith SM0; Stuart and Stewart too, before the key heard EW as U).
    `_last_name_alike` keeps only those spelt or sounding alike. Each branch is led by an
    indexed column (pname_given_dob, pname_family_given), as in `_candidate_names_q`. A
    single word is not widened: "Jay" alone would bring every James and Jason held."""
    close: list[Q] = []
    wide: list[Q] = []
    for given, family in _orientations(tokens):
        forms = sorted(normalise.given_name_variants(given))
        key = normalise.name_key(family)
        if not forms or len(key) < 2:
            continue
        low, high = normalise.prefix_range(key)
        close.append(Q(given_key__in=forms, family_key__gte=low, family_key__lt=high))
        phon = normalise.phonetic_key(family)
        if len(key) >= 3 and phon:
            close.append(Q(given_key__in=forms, family_phonetic=phon))
            low, high = normalise.prefix_range(key[:2])
            wide.append(Q(given_key__in=forms, family_key__gte=low, family_key__lt=high))
    if not close:
        return None
    closest = reduce(operator.or_, close)
    return reduce(operator.or_, wide, closest), closest


def _nickname_with_surname_q(tokens: list[str]) -> Q | None:
    """Own names of people with a recorded nickname that is the first-name word, held with
    no last name ("Liv"), and a last name agreeing with the other word: "Liv Brown" finds
    Olivia Brown known as "Liv" (outside tester 9: nothing was found, and a duplicate child
    was made). The nickname row alone has no last name to match the query's."""
    branches: list[Q] = []
    for given, family in _orientations(tokens):
        key = normalise.name_key(given)
        if not key:
            continue
        known = Q(person__names__given_key=key, person__names__family_key="")
        branches += [Q(kind="primary") & term & known for term in _name_terms(family, "family")]
    return reduce(operator.or_, branches) if branches else None


def _last_name_alike(typed: str, family_key: str) -> str:
    """How a recorded last name agrees with the word typed for it, in the reason's words
    ('' when it does not): the same, starting with it, spelt or sounding alike (the
    identity matcher's levels, so search and matching agree on Stuart and Stewart)."""
    key = normalise.name_key(typed)
    if not key or not family_key:
        return ""
    if family_key == key:
        return "last name the same"
    if family_key.startswith(key):
        return f"last name starts with \u201c{typed}\u201d"
    if JaroWinkler.similarity(key, family_key) >= JW_VERY_SIMILAR:
        return "last name spelt almost the same"
    # The same sound key with the vowels where they sound (normalise.sounds_alike): Stuart
    # and Stewart, not Stuart and Street (Metaphone gives both STRT).
    if len(key) >= 3 and normalise.sounds_alike(key, family_key):
        return "last name sounds like the one searched"
    return ""


def _form_or_same_agrees(tokens: list[str], name: PersonName) -> bool:
    """The name's first name is the first-name word or a form of it, and its last name
    agrees with the other word (what `_form_names_qs` looks for, checked in full)."""
    return any(
        normalise.are_nickname_variants(given, name.given_key)
        and _last_name_alike(family, name.family_key)
        for given, family in _orientations(tokens)
    )


@dataclass(frozen=True)
class _FormMatch:
    """A query read with its first-name word as another form of the name's first name."""

    typed: str  # the first-name word as typed ("Dan")
    surname: str  # how the last name agrees ("last name the same")
    score: float


# A name found through another form of its first name ranks just below the exact name
# (100) and above a name that only starts like the query ("Jay Smith": Jaydon Smithers
# scores 75, Jay Smithson 86; Jason Smith 97): the form is a known fact, a prefix a guess.
FORM_FACTOR = 0.97


def _form_match(tokens: list[str], name: PersonName) -> _FormMatch | None:
    """The best reading of the query with a first-name word standing for the name's first
    name (Dan for Daniel) and the other word agreeing with its last name; None if none."""
    best: _FormMatch | None = None
    for given, family in _orientations(tokens):
        if normalise.name_key(given) == name.given_key:
            continue
        if not normalise.are_nickname_variants(given, name.given_key):
            continue
        surname = _last_name_alike(family, name.family_key)
        if not surname:
            continue
        read_as = normalise.fold(f"{name.given_name} {family}")
        full = normalise.fold(f"{name.given_name} {name.family_name}")
        score = FORM_FACTOR * fuzz.WRatio(read_as, full)
        if best is None or score > best.score:
            best = _FormMatch(typed=given, surname=surname, score=score)
    return best


# Just below a name typed exactly (100) and another form of it (97): the nickname is on
# their record, the last name is their own.
KNOWN_AS_SCORE = 96.0


def _known_nickname(tokens: list[str], name: PersonName) -> str:
    """The reason for a name found by `_nickname_with_surname_q`: which nickname, and how
    the last name agrees ('' when, checked in full, it does not)."""
    for given, family in _orientations(tokens):
        surname = _last_name_alike(family, name.family_key)
        if surname:
            return f"known as {_quoted(given)} (a recorded nickname); {surname}"
    return ""


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _form_reason(form: _FormMatch, name: PersonName) -> str:
    """'“Dan” is another form of “Daniel”; last name the same'. The table holds short
    forms, nicknames and spellings alike (Bill, Steven, Isobel), so "another form" is
    true of each; two forms of a third name say which ("“Jay” and “Jim” are both forms
    of “James”")."""
    typed, recorded = form.typed, name.given_name
    typed_key = normalise.name_key(typed)
    heads = normalise.given_name_full_forms(typed) & normalise.given_name_full_forms(recorded)
    if heads and not heads & {typed_key, name.given_key}:
        head = min(heads).capitalize()
        first = f"{_quoted(typed)} and {_quoted(recorded)} are both forms of {_quoted(head)}"
    else:
        first = f"{_quoted(typed)} is another form of {_quoted(recorded)}"
    if name.kind != "primary":
        kind = name.get_kind_display().lower()
        first += f" in their {kind} {_quoted(name.full_name)}"
    return f"{first}; {form.surname}"


# A name found only by its sound key (Metaphone) and spelt this unlike the query is a
# collision of the key, not a likeness: "Deano" and "Tiny" are both TN (vowels dropped,
# D sounds as T), so searching "Deano" offered a man known as "Tiny". "Dean" (89),
# "Dino" (67), "Smyth" for "Smith" (80), "Loren" for "Lauren" (73) stay; "Tiny" scores 22.
MIN_SOUND_ALIKE_SCORE = 50.0


def _spelt_alike(tokens: list[str], name: PersonName) -> bool:
    """Some token is the start of the name's first or last name (the prefix-range branch
    of the index lookup), not only the same sound key."""
    keys = [normalise.name_key(t) for t in tokens]
    return any(k and (name.given_key.startswith(k) or name.family_key.startswith(k)) for k in keys)


def _sounds_alike(tokens: list[str], name: PersonName) -> bool:
    """Some token sounds like the name's first or last name with its vowels in the same
    places: a name found by its sound key alone may share only the consonants ("Stuart"
    and Street, both STRT)."""
    return any(
        normalise.sounds_alike(t, key)
        for t in tokens
        for key in (name.given_key, name.family_key)
        if key
    )


def _score(tokens: list[str], name: PersonName) -> tuple[float, list[str]]:
    query = normalise.fold(" ".join(tokens))
    full = normalise.fold(f"{name.given_name} {name.family_name}")
    reversed_full = normalise.fold(f"{name.family_name} {name.given_name}")
    score = float(max(fuzz.WRatio(query, full), fuzz.WRatio(query, reversed_full)))
    form = _form_match(tokens, name)
    if form is not None and form.score > score:
        return form.score, [_form_reason(form, name)]
    return score, [_reason(tokens, name, exact=query == full)]


def _reason(tokens: list[str], name: PersonName, *, exact: bool) -> str:
    """Why a name was found, as one true statement. Found by another of their names, the
    statement says which, so "Deano" is not read as their real name being "Deano"
    (outside tester: "exact name, matched their nickname" for a nickname alone)."""
    keys = {normalise.name_key(t) for t in tokens}
    same = [
        part
        for part, key in (("first name", name.given_key), ("last name", name.family_key))
        if key and key in keys
    ]
    parts = " and ".join(same) + ("s" if len(same) > 1 else "")
    if name.kind == "primary":
        if exact:
            return "exact name"
        if same:
            return f"{parts} the same"
        return "similar name" if _spelt_alike(tokens, name) else "sounds like the name searched"
    kind = name.get_kind_display().lower()
    quoted = f"\u201c{name.full_name}\u201d"
    if exact:
        return f"{kind} the same: {quoted}"
    if same:
        return f"{parts} the same as in their {kind} {quoted}"
    if _spelt_alike(tokens, name):
        return f"similar to their {kind} {quoted}"
    # Which of its names sounds alike: "Deano" sounds like "Danny", not "Danny Stewart".
    sounds = {normalise.phonetic_key(t) for t in tokens} - {""}
    part = next(
        (n for n in (name.given_name, name.family_name) if normalise.phonetic_key(n) in sounds),
        name.full_name,
    )
    return f"sounds like their {kind} \u201c{part}\u201d"


def search_people(
    user: Actor | AnonymousUser,
    *,
    query: str = "",
    date_of_birth: dt.date | None = None,
    scope: Q | None = None,
) -> list[PersonMatch]:
    """People visible to `user` matching the name query and/or exact date of birth,
    best first; a postcode in the query ("NM1 1AA", "nm11aa") keeps only people linked to
    a place there. An empty query and no date of birth returns nothing (never the list of
    everyone: browsing all records is not a need-to-know activity)."""
    query, postcode = _split_postcode(query)
    tokens = [t for t in query.split() if normalise.name_key(t)]
    if not tokens and date_of_birth is None and not postcode:
        return []
    # `scope` (a Q over person__entity__) replaces the user's visibility for a caller that
    # has its own rule, such as the audit viewer's subject lookup.
    visible = scope if scope is not None else entity_visibility_q(user, prefix="person__entity__")
    names = PersonName.objects.filter(visible)
    if postcode:
        names = names.filter(person_id__in=_people_at_postcode(user, postcode, visible))
        if not tokens:
            names = names.filter(kind="primary")  # list each person by their own name
    if date_of_birth is not None:
        names = names.filter(person__date_of_birth=date_of_birth)
    names = names.select_related("person", "person__entity", "person__entity__owning_agency")
    cap = MAX_CANDIDATES_ONE_WORD if len(tokens) == 1 and date_of_birth is None else MAX_CANDIDATES
    candidates: list[tuple[PersonName, bool, str]] = []
    if tokens:
        candidates = [(n, False, "") for n in names.filter(_candidate_names_q(tokens))[:cap]]
        forms = _form_names_qs(tokens)
        # Other forms of the first name, in one more query, only fill what the first
        # leaves of the cap: they never push out a name found as before ("James Smith"
        # has hundreds of namesakes at 1M). Closest first, so the many Jason Smarts a
        # two-letter range brings never take the place of Jason Smith.
        if forms is not None and len(candidates) < cap:
            found, closest = forms
            more = (
                names.filter(found)
                .exclude(pk__in=[n.pk for n, _, _ in candidates])
                .annotate(form_rank=Case(When(closest, then=Value(0)), default=Value(1)))
                .order_by("form_rank")
            )
            candidates += [(n, True, "") for n in more[: cap - len(candidates)]]
        known = _nickname_with_surname_q(tokens)
        if known is not None and len(candidates) < cap:
            seen = {n.pk: i for i, (n, _, _) in enumerate(candidates)}
            for n in names.filter(known).distinct()[: cap - len(candidates)]:
                if not (known_as := _known_nickname(tokens, n)):
                    continue
                # Said as their recorded nickname even where the word is also a known
                # form of their name ("Liv" for Olivia): what is on their record is the
                # stronger reason.
                if n.pk in seen:
                    candidates[seen[n.pk]] = (n, False, known_as)
                else:
                    candidates.append((n, False, known_as))
    else:
        candidates = [(n, False, "") for n in names[:cap]]
    best: dict[int, PersonMatch] = {}
    for name, by_form, known_as in candidates:
        if tokens and known_as:
            score, reasons = KNOWN_AS_SCORE, [known_as]
        elif tokens:
            score, reasons = _score(tokens, name)
            if by_form and not _form_or_same_agrees(tokens, name):
                continue  # only the first two letters of the last name agree
            if not (by_form or _spelt_alike(tokens, name)) and (
                score < MIN_SOUND_ALIKE_SCORE or not _sounds_alike(tokens, name)
            ):
                continue
        else:
            score, reasons = 100.0, []
        if date_of_birth is not None:
            reasons.append("date of birth matches")
        if postcode:
            reasons.append(f"linked to a place in {postcode}")
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


def search_objects(user: Actor, query: str) -> list[Entity]:
    """Vehicles, phones, online accounts and locations the user may see whose key matches
    `query` read as a registration ("NM19 KXT", "nm19kxt"), a phone number ("07700 900123",
    "+44 7700 900123", "(07700) 900 123"), a handle ("@Dan_X", "dan_x", any platform) or a
    postcode ("nm1 1aa", "NM11AA"). Exact keys on B-tree indexes; nothing for a blank query."""
    text = query.strip()
    if not text:
        return []
    visible = entity_visibility_q(user, prefix="entity__")
    ids: list[int] = []
    key = normalise.registration(text)
    if 2 <= len(key) <= 10:
        ids += Vehicle.objects.filter(visible, registration_key=key).values_list("pk", flat=True)[
            :MAX_RESULTS
        ]
    try:
        e164 = normalise.phone_e164(text)
    except normalise.InvalidPhoneNumber:
        pass
    else:
        ids += Phone.objects.filter(visible, number_e164=e164).values_list("pk", flat=True)[
            :MAX_RESULTS
        ]
    handle = normalise.handle(text)
    if handle and " " not in handle:
        # Every platform listed, so the (platform, handle_key) index serves the lookup.
        accounts = OnlineAccount.objects.filter(
            visible, platform__in=[p for p, _ in Platform.choices], handle_key=handle
        )
        ids += accounts.values_list("pk", flat=True)[:MAX_RESULTS]
    if normalise.is_postcode(text):
        places = Location.objects.filter(visible, postcode=normalise.postcode(text))
        ids += places.values_list("pk", flat=True)[:MAX_RESULTS]
    order: dict[str, int] = {
        EntityKind.VEHICLE: 0,
        EntityKind.PHONE: 1,
        EntityKind.ONLINE_ACCOUNT: 2,
    }
    found = Entity.objects.filter(pk__in=ids).select_related(
        "owning_agency", "vehicle", "phone", "online_account", "location"
    )
    return sorted(found, key=lambda e: (order.get(e.kind, 3), e.label, e.pk))[:MAX_RESULTS]
