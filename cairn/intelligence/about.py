"""Which intelligence entries are about a person record, for the readers that must answer
for every entry about someone whether or not the FIB has linked it yet (a subject access
request, cairn/rights/bundle.py; retention's "an open request covers it"): the entry's
subject, the records the FIB linked it to (`SubmissionEntity`), and the people its
submitter matched a named person to at entry ("Use this record": the record's id kept in
the mention as `entity_id`, or `record_id` for a detail carried over from a concern,
cairn/pole/mentions.py). Not scoped to any viewer: callers scope or are IG."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from cairn.network.matching.comparisons import sounds_alike
from cairn.pole import normalise

from .models import Status, Submission, SubmissionEntity


def person_ids_named(mentions: Iterable[Any]) -> set[int]:
    """The person records the mentions were matched to at entry."""
    found: set[int] = set()
    for mention in mentions:
        if not isinstance(mention, dict) or mention.get("kind") != "person":
            continue
        for key in ("entity_id", "record_id"):
            raw = str(mention.get(key) or "")
            if raw.isdigit():
                found.add(int(raw))
    return found


def submissions_naming(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each entry a mention of which was matched to one of `person_ids`: those people.
    The database finds the entries whose stored mentions contain the id's digits (a text
    match that works alike on SQLite and PostgreSQL, where JSON containment does not);
    each is then read to keep only a real match ("74" is also in "1740")."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    text = Q()
    for pk in wanted:
        text |= Q(mentions__icontains=str(pk))
    found: dict[int, set[int]] = defaultdict(set)
    for pk, mentions in Submission.objects.filter(text).values_list("pk", "mentions"):
        named = person_ids_named(mentions if isinstance(mentions, list) else []) & wanted
        if named:
            found[pk] |= named
    return dict(found)


def about_person_q(person_id: int) -> Q:
    """Entries about the person: as subject, linked by the FIB, or matched at entry."""
    linked = SubmissionEntity.objects.filter(entity_id=person_id).values("submission_id")
    named = [pk for pk, people in submissions_naming([person_id]).items() if person_id in people]
    return Q(subject_id=person_id) | Q(pk__in=linked) | Q(pk__in=named)


def people_each_is_about(submission_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each entry: every person it is about (subject, FIB links, matches at entry)."""
    wanted = list(submission_ids)
    found: dict[int, set[int]] = defaultdict(set)
    if not wanted:
        return found
    for pk, subject_id, mentions in Submission.objects.filter(pk__in=wanted).values_list(
        "pk", "subject_id", "mentions"
    ):
        if subject_id is not None:
            found[pk].add(subject_id)
        found[pk] |= person_ids_named(mentions if isinstance(mentions, list) else [])
    for pk, entity_id in SubmissionEntity.objects.filter(
        submission_id__in=wanted, entity__kind="person"
    ).values_list("submission_id", "entity_id"):
        found[pk].add(entity_id)
    return found


# Entries that only *name* a person in words (ADR 0025, amendment "unlinked entries"): a
# subject typed as free text ("Kieran Wilson, about 30"), a person mention never matched
# to a record, or the account itself. Not proof the entry is about them (two people share
# a name), so these are suggestions for IG to decide, never bundle items by themselves.

# The fields read, in the order a hit is reported, with the label IG sees.
TEXT_FIELDS = (
    ("subject_description", "Who is this entry about?"),
    ("mention", "A person named in the entry, not matched to a record"),
    ("what", "What was seen or heard"),
    ("further_information", "Further information"),
)
# A given name's form shorter than this ("Al", "Jo") is not searched for by itself in
# the database (it is in too many words); the sound-alike search reads longer forms.
MIN_GIVEN_SEARCH = 3
# How much of a long field is quoted either side of the name.
QUOTE_CONTEXT = 80


@dataclass(frozen=True)
class NameHit:
    """One place an entry names a person: the field, the words around the name and the
    name as written there (so a page can quote and highlight it without the whole text)."""

    field: str
    label: str
    before: str
    match: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "label": self.label,
            "before": self.before,
            "match": self.match,
            "after": self.after,
        }


def _words(text: str) -> list[str]:
    return [re.escape(w) for w in text.split()]


def name_pattern(given: str, family: str) -> re.Pattern[str] | None:
    """A full name as whole words, either way round: "Kieran Wilson", "Kieran John
    Wilson" or "Kieran 'Kez' Wilson" (one word between), "WILSON, Kieran". None without
    both parts: a first name alone ("Kieran") names too many people to suggest."""
    first, last = _words(given), _words(family)
    if not first or not last:
        return None
    forward = r"\s+".join(first) + r"\s+(?:\S+\s+)?" + r"\s+".join(last)
    backward = r"\s+".join(last) + r",?\s+" + r"\s+".join(first)
    return re.compile(rf"(?<!\w)(?:{forward}|{backward})(?!\w)", re.IGNORECASE)


def _quote(field: str, label: str, text: str, m: re.Match[str]) -> NameHit:
    before = text[max(0, m.start() - QUOTE_CONTEXT) : m.start()]
    after = text[m.end() : m.end() + QUOTE_CONTEXT]
    return NameHit(
        field,
        label,
        ("…" if m.start() > QUOTE_CONTEXT else "") + before,
        m.group(0),
        after + ("…" if m.end() + QUOTE_CONTEXT < len(text) else ""),
    )


def _unmatched_mention_names(mentions: Any) -> list[str]:
    """The names of person mentions kept as typed, never matched to a record (a mention
    matched to a record is about that record: `person_ids_named`)."""
    found = []
    for mention in mentions if isinstance(mentions, list) else []:
        if not isinstance(mention, dict) or mention.get("kind") != "person":
            continue
        if any(str(mention.get(k) or "").strip() for k in ("entity_id", "record_id")):
            continue
        family = str(mention.get("family_name") or "")
        for first in (mention.get("given_name"), mention.get("nickname")):
            if first and str(first).strip():
                found.append(f"{first} {family}".strip())
    return found


_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


@dataclass(frozen=True)
class SoundAlike:
    """A name searched for by ear (tester 9, F2: "Danny Stuart" for Daniel Stewart): any
    known form of the given name ("Danny", "Dan", "Daniel") beside a family name that
    sounds the same as the one recorded (the identity matcher's sound key, in which
    Stewart and Stuart meet). Both parts, as for `name_pattern`: a first name alone
    never suggests an entry."""

    given: frozenset[str]
    family: str

    @classmethod
    def of(cls, given: str, family: str) -> SoundAlike | None:
        variants = frozenset(
            v for word in given.split()[:1] for v in normalise.given_name_variants(word)
        )
        if not variants or not normalise.name_key(family):
            return None
        return cls(variants, family)


def _sound_alike_hit(field: str, label: str, text: str, names: list[SoundAlike]) -> NameHit | None:
    """The first place `text` names one of `names` by ear: a given name's form followed
    (next word, or one word between) by a sound-alike family name, or "FAMILY, Given"."""
    words = list(_WORD.finditer(text or ""))
    keys = [normalise.name_key(w.group(0)) for w in words]
    for i, key in enumerate(keys):
        for name in names:
            if key not in name.given:
                continue
            spots = [(i, j) for j in (i + 1, i + 2) if j < len(words)]
            if i > 0 and text[words[i - 1].end() : words[i].start()].strip() in ("", ","):
                spots.append((i - 1, i))
            for a, b in spots:
                family = words[b].group(0) if a == i else words[a].group(0)
                if sounds_alike(family, name.family):
                    start, end = words[a].start(), words[b].end()
                    m = re.compile(re.escape(text[start:end])).search(text, start)
                    if m is not None:
                        return _quote(field, label, text, m)
    return None


def entries_naming(
    names: Iterable[tuple[str, str]], *, exclude: Iterable[int] = ()
) -> dict[int, list[NameHit]]:
    """Submitted entries (any state but draft, not disposed) whose subject text, unmatched
    person mentions or account name any of `names` (given, family) as whole words, case
    aside: for each, where. The database narrows to entries holding a family name
    anywhere (a text match alike on SQLite and PostgreSQL); each is then read with the
    patterns. `exclude`: entries already known to be about the person."""
    names = list(names)
    patterns = [p for g, f in names if (p := name_pattern(g, f)) is not None]
    families = {f.strip() for _g, f in names if f.strip() and _g.strip()}
    by_ear = [n for g, f in names if (n := SoundAlike.of(g, f)) is not None]
    if not patterns:
        return {}
    text = Q()
    # A family name spelt another way is found through the given name's forms; the
    # entries read below keep only those naming both parts.
    for given in {v for n in by_ear for v in n.given if len(v) >= MIN_GIVEN_SEARCH}:
        text |= (
            Q(subject_description__icontains=given)
            | Q(mentions__icontains=given)
            | Q(what__icontains=given)
            | Q(further_information__icontains=given)
        )
    for family in families:
        escaped = json.dumps(family)[1:-1]  # as JSON stores it on SQLite ("Si\u00e2n")
        text |= (
            Q(subject_description__icontains=family)
            | Q(mentions__icontains=family)
            | Q(mentions__icontains=escaped)
            | Q(what__icontains=family)
            | Q(further_information__icontains=family)
        )
    rows = (
        Submission.objects.filter(text, disposed_at__isnull=True)
        .exclude(status=Status.DRAFT)
        .exclude(pk__in=list(exclude))
        .values_list("pk", "subject_description", "mentions", "what", "further_information")
    )
    found: dict[int, list[NameHit]] = {}
    for pk, subject, mentions, what, further in rows:
        texts = {
            "subject_description": [subject],
            "mention": _unmatched_mention_names(mentions),
            "what": [what],
            "further_information": [further],
        }
        hits = []
        for field, label in TEXT_FIELDS:
            for value in texts[field]:
                for pattern in patterns:
                    m = pattern.search(value or "")
                    if m is not None:
                        hits.append(_quote(field, label, value, m))
                        break
                else:
                    heard = _sound_alike_hit(field, label, value, by_ear)
                    if heard is not None:
                        hits.append(heard)
        if hits:
            found[pk] = hits
    return found
