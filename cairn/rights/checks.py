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

from django.db.models import Q

from cairn.accounts.models import Agency
from cairn.disruption.models import Cawn, TacticSubject
from cairn.intelligence.crime_rules import LOCAL_LOG
from cairn.intelligence.models import CrimeReferral, Submission
from cairn.pole.models import Entity, Link, LinkSource, Location

from .access import police_agencies
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


# What in partner-supplied intelligence gives its SOURCE away (outside tester, "sarwords"):
# "Heatherfield Academy DSL ... Logged on CPOMS ref 55120" told the requester the school
# informed on them although the disclosure gives the entry as held by the force. Each is
# listed for IG to redact or to disclose with a recorded reason (services.sar_approve).
SOURCE_SYSTEMS = re.compile(
    r"\b(?:CPOMS|My ?Concern|Mosaic|Liquid ?logic|EHM|Early Help Module|SystmOne|EMIS|"
    r"Niche|Athena|Datix|SIMS|Arbor|LCS|Eclipse|Rio|Carenotes|Paris|Azeus|Protocol|"
    r"Frameworki|Capita One|Synergy|Bromcom|Safeguard ?my ?School|Wellbeing Hub)\b",
    re.IGNORECASE,
)
# A reference number in a record's own words ("ref 55120", "log no. 2026/4471", "incident
# #318"): in a partner's entry, its own system's number. The crime check's LOCAL_LOG finds
# those that name the system ("CPOMS ref 55120").
SOURCE_REFERENCE = re.compile(
    r"\b(?:ref(?:erence)?|log|logged as|incident|case|record|entry|ticket)\b\.?\s*"
    r"(?:no\.?|number|#|id)?\s*[:.#]?\s*[A-Z]{0,5}[-/]?\d[\d/\-]{2,}\d?\b",
    re.IGNORECASE,
)
# Job titles that say which agency (and so who) passed it on: "DSL", "school nurse",
# "youth worker at ...". "Police officer" is not one: it is the holder the requester reads.
SOURCE_ROLES = re.compile(
    r"\b(?i:(?:deputy )?DSL|(?:deputy )?designated safeguarding (?:lead|officer)|"
    r"safeguarding (?:lead|officer|team)|school nurse|head ?teacher|head of year|"
    r"(?:form|class) tutor|teacher|SENCO|pastoral (?:lead|manager|team|worker)|"
    r"learning mentor|attendance officer|teaching assistant|youth worker|"
    r"outreach worker|(?:family )?support worker|key ?worker|social worker|"
    r"health visitor|school counsellor|GP|practice nurse|(?:residential )?care worker|"
    r"children's home manager)\b"
    # "... at Heatherfield Academy": the place named with the role, capitalised words.
    r"(?:\s+(?:at|from|of)\s+(?:the\s+)?[A-Z][\w'\u2019]*(?:\s+[A-Z][\w'\u2019]*){0,3})?",
)
# Words of an agency's name too common to point to it on their own.
_GENERIC_NAME_WORDS = {
    "academy", "school", "college", "primary", "secondary", "high", "trust", "children",
    "children's", "council", "county", "city", "borough", "police", "service", "services",
    "nhs", "foundation", "health", "care", "the", "and", "of", "for", "community", "youth",
    "project", "centre", "center", "church", "st", "saint", "junior", "infant", "hospital",
    "social", "partnership", "team", "group", "charity", "club",
}  # fmt: skip
SOURCE_KINDS = {
    "agency": "Names the agency that gave it, or its premises",
    "system": "Names an agency's record system",
    "reference": "A local log or reference number",
    "role": "A job title that says who passed it on",
}


@dataclass
class SourceWord:
    """One run of words in an item as disclosed that may identify the source agency, with
    its context so the page can highlight it."""

    start: int
    end: int
    kinds: list[str]
    before: str
    words: str
    after: str

    @property
    def labels(self) -> list[str]:
        return [SOURCE_KINDS[k] for k in self.kinds]


@dataclass
class SourceCheck:
    item: BundleItem
    agency: Agency
    words: list[SourceWord]


def source_agencies(items: Iterable[BundleItem]) -> dict[int, Agency]:
    """item pk -> the partner (non-police) agency that supplied what the item says to the
    police: a partner's intelligence entry, a crime referral of one, or a link's source
    recorded from one. Other items are left out: a police officer's own entry names no
    partner."""
    police = police_agencies()
    by_type: dict[str, dict[int, BundleItem]] = {}
    for item in items:
        if item.record_id.isdigit():
            by_type.setdefault(item.record_type, {})[int(item.record_id)] = item
    found: dict[int, Agency] = {}
    for item in by_type.get("intelligence", {}).values():
        if item.agency_id not in police:
            found[item.pk] = item.agency
    referrals = by_type.get("crime_referral", {})
    for r in CrimeReferral.objects.filter(pk__in=referrals).select_related(
        "submission__submitter_agency"
    ):
        agency = r.submission.submitter_agency if r.submission_id else None
        if agency is not None and agency.pk not in police:
            found[referrals[r.pk].pk] = agency
    sources = by_type.get("link_source", {})
    for s in LinkSource.objects.filter(pk__in=sources).select_related("owning_agency"):
        agency = s.owning_agency
        if s.source_type == "intelligence.submission" and s.source_id.isdigit():
            sub = (
                Submission.objects.filter(pk=int(s.source_id))
                .select_related("submitter_agency")
                .first()
            )
            agency = sub.submitter_agency if sub is not None else agency
        if agency.pk not in police:
            found[sources[s.pk].pk] = agency
    return found


def _words(name: str) -> list[str]:
    return re.findall(r"[\w'\u2019]+", name)


def agency_patterns(agency: Agency) -> list[re.Pattern[str]]:
    """The agency's name, short name and the distinctive words of its name ("Heatherfield"
    of "Heatherfield Academy"), and the name and first address line and postcode of each
    place recorded under its name: its premises as Cairn holds them."""
    phrases = {agency.name}
    if len(agency.short_name) >= 3:
        phrases.add(agency.short_name)
    # A word in another agency's name too is an area's ("Kent" of Kent Police and Kent
    # County Council), which would flag every place named: not the agency's own.
    shared = {
        w.lower()
        for name in Agency.objects.exclude(pk=agency.pk).values_list("name", flat=True)
        for w in _words(name)
    }
    phrases |= {
        w
        for w in _words(agency.name)
        if len(w) >= 4 and w.lower() not in _GENERIC_NAME_WORDS | shared
    }
    names = [agency.name, *([agency.short_name] if agency.short_name else [])]
    q = Q()
    for n in names:
        q |= Q(name__iexact=n)
    for line, postcode in Location.objects.filter(q).values_list("address_line_1", "postcode"):
        phrases |= {p for p in (line, postcode) if len(p.strip()) >= 3}
    return [
        re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, p.split())) + r"(?!\w)", re.I)
        for p in sorted(phrases)
        if p.strip()
    ]


def source_words(
    text: str, agency: Agency, patterns: list[re.Pattern[str]] | None = None
) -> list[SourceWord]:
    """Every run of words in `text` that may identify `agency` as the source (`patterns`:
    its `agency_patterns`, if already read), overlapping finds merged ("CPOMS" within
    "CPOMS ref 55120": one run, both kinds)."""
    hits: list[tuple[int, int, str]] = []
    for pattern in agency_patterns(agency) if patterns is None else patterns:
        hits += [(m.start(), m.end(), "agency") for m in pattern.finditer(text)]
    hits += [(m.start(), m.end(), "system") for m in SOURCE_SYSTEMS.finditer(text)]
    for pattern in (LOCAL_LOG, SOURCE_REFERENCE):
        # Three digits or more: "Academy, 12 Moorgate Lane" is a house number, not a log's.
        hits += [
            (m.start(), m.end(), "reference")
            for m in pattern.finditer(text)
            if len(re.sub(r"\D", "", m.group(0))) >= 3
        ]
    hits += [(m.start(), m.end(), "role") for m in SOURCE_ROLES.finditer(text)]
    merged: list[tuple[int, int, set[str]]] = []
    for start, end, kind in sorted(hits):
        if merged and start < merged[-1][1]:
            s, e, kinds = merged[-1]
            merged[-1] = (s, max(e, end), kinds | {kind})
        else:
            merged.append((start, end, {kind}))
    return [
        SourceWord(
            start=s,
            end=e,
            kinds=[k for k in SOURCE_KINDS if k in kinds],
            before=("…" if s > 40 else "") + text[max(0, s - 40) : s],
            words=text[s:e],
            after=text[e : e + 40] + ("…" if e + 40 < len(text) else ""),
        )
        for s, e, kinds in merged
    ]


def source_checks(items: list[BundleItem], *, pending: bool = True) -> list[SourceCheck]:
    """For each partner-supplied item going out: what in its text as disclosed may identify
    the agency that gave it to the police; items with nothing found are left out, and
    with `pending` those whose words IG chose to disclose, with a reason
    (`BundleItem.source_words_at`)."""
    going = [i for i in items if not i.withheld and not (pending and i.source_words_at)]
    found = []
    by_pk = {i.pk: i for i in going}
    patterns: dict[int, list[re.Pattern[str]]] = {}
    for pk, agency in source_agencies(going).items():
        item = by_pk[pk]
        if agency.pk not in patterns:
            patterns[agency.pk] = agency_patterns(agency)
        words = source_words(disclosed_text(item), agency, patterns[agency.pk])
        if words:
            found.append(SourceCheck(item, agency, words))
    return sorted(found, key=lambda c: (c.item.position, c.item.pk))
