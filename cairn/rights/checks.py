"""What in an agency's part of a subject access bundle names or concerns other people, or
shows police methods and handling: listed for its IG before the part is approved with
nothing redacted or withheld (ADR 0025, amendment of 2026-12-08; outside tester 9, F4:
another child's name, associates, a grading and a research log went out on an approval
nobody was asked to think about). A prompt, not a filter: the IG decides, and may
approve as it is. Read only by the SAR view, for an IG who may read the part."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cairn.disruption.models import Cawn, TacticSubject
from cairn.intelligence.models import Submission
from cairn.pole.models import Entity, Link

from .bundle import segments
from .models import BundleItem, SubjectAccessRequest

# A 3x5x2 evaluation ("2/B/P": source, intelligence, handling code) or the scheme's name:
# how the police rate their sources and handle the information. Not the word "graded"
# alone: a missing episode's "Police risk grading: Not yet graded" is the child's own.
GRADING = re.compile(
    r"(?<![\w/])[1-5]\s*/\s*[A-E]\s*/\s*[PCH](?![\w/])|\b(?:3x5x2|5x5x5)\b",
    re.IGNORECASE,
)
# Words that show how the police found something out or act on it (tactics, checks,
# sources): the requester learning them may help them avoid it (DPA 2018 s.45(4)).
METHODS = re.compile(
    r"\b(?:research log|subscriber checks?|CAWNs?|child abduction warning notice|covert|"
    r"surveillance|ANPR|cell site|open-source research|handset|informant|CHIS|"
    r"intelligence report|vehicle check|PNC|warrant)\b",
    re.IGNORECASE,
)


@dataclass
class ItemCheck:
    item: BundleItem
    reasons: list[str] = field(default_factory=list)


def disclosed_text(item: BundleItem) -> str:
    """The item's text as it would go out: redacted spans left out."""
    spans = [(r.start, r.end, "") for r in item.redactions.all()]
    return "".join(s.text for s in segments(item.text, spans) if not s.redacted)


def _other_people(sar: SubjectAccessRequest, items: Iterable[BundleItem]) -> set[str]:
    """Names of other people the bundle's records are about or name: the other party of
    a person link, a CAWN's child or person of concern, a tactic's subjects, a person
    named in an intelligence entry. The requester's own records' names are not others."""
    own = set(sar.people.values_list("pk", flat=True))
    by_type: dict[str, set[int]] = {}
    for item in items:
        if item.record_id.isdigit():
            by_type.setdefault(item.record_type, set()).add(int(item.record_id))
    ids: set[int] = set()
    for a, b in Link.objects.filter(pk__in=by_type.get("link", ())).values_list(
        "from_entity_id", "to_entity_id"
    ):
        ids |= {a, b}
    tactics = by_type.get("tactic", set())
    ids |= set(
        TacticSubject.objects.filter(tactic_id__in=tactics).values_list("entity_id", flat=True)
    )
    for child, poc in Cawn.objects.filter(tactic_id__in=tactics).values_list(
        "child_id", "person_of_concern_id"
    ):
        ids |= {child, poc}
    names = set(
        Entity.objects.filter(pk__in=ids - own, kind="person").values_list("label", flat=True)
    )
    for mentions in Submission.objects.filter(pk__in=by_type.get("intelligence", ())).values_list(
        "mentions", flat=True
    ):
        for m in mentions if isinstance(mentions, list) else []:
            if not isinstance(m, dict) or m.get("kind") != "person":
                continue
            if str(m.get("entity_id") or "").isdigit() and int(m["entity_id"]) in own:
                continue
            name = f"{m.get('given_name') or ''} {m.get('family_name') or ''}".strip()
            if " " in name:
                names.add(name)
    own_names = {
        n.strip().lower() for n in Entity.objects.filter(pk__in=own).values_list("label", flat=True)
    }
    return {n for n in names if n.strip() and n.strip().lower() not in own_names}


def part_checks(sar: SubjectAccessRequest, items: list[BundleItem]) -> list[ItemCheck]:
    """For each item going out (not withheld) of a part: what in its text as disclosed
    names someone else, is a grading, or shows a police method; items with nothing found
    are left out."""
    going = [i for i in items if not i.withheld]
    names = sorted(_other_people(sar, going))
    name_patterns = [
        (n, re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, n.split())) + r"(?!\w)", re.I))
        for n in names
    ]
    found: list[ItemCheck] = []
    for item in going:
        text = disclosed_text(item)
        check = ItemCheck(item)
        named = [n for n, p in name_patterns if p.search(text)]
        if named:
            check.reasons.append(f"Names other people: {', '.join(named)}")
        gradings = sorted({m.group(0) for m in GRADING.finditer(text)})
        if gradings:
            check.reasons.append(
                f"A grading or its scheme ({', '.join(gradings)}): police handling information"
            )
        methods = sorted({m.group(0).lower() for m in METHODS.finditer(text)})
        if methods:
            check.reasons.append(f"Police methods or tactics: {', '.join(methods)}")
        if item.record_type == "tactic":
            check.reasons.append("A disruption tactic: what the police did, about whom, and how")
        if item.source_hidden and item.agency.name.lower() in text.lower():
            check.reasons.append(
                f"Names {item.agency.name}, which gave the police this information "
                f"(the disclosure otherwise gives it as held by {item.holder.name})"
            )
        if check.reasons:
            found.append(check)
    return found


def unreviewed(items: list[BundleItem]) -> bool:
    """A part with no redaction and no withholding: nobody has changed anything in it."""
    return not any(i.withheld or i.redactions.all() for i in items)
