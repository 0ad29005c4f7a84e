"""Which intelligence entries are about a person record, for the readers that must answer
for every entry about someone whether or not the FIB has linked it yet (a subject access
request, cairn/rights/bundle.py; retention's "an open request covers it"): the entry's
subject, the records the FIB linked it to (`SubmissionEntity`), and the people its
submitter matched a named person to at entry ("Use this record": the record's id kept in
the mention as `entity_id`, or `record_id` for a detail carried over from a concern,
cairn/pole/mentions.py). Not scoped to any viewer: callers scope or are IG."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from .models import Submission, SubmissionEntity


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
