"""Reads for intelligence pages and the API, always scoped through access.py: lists, the
FIB queue, the protected source (audited), link candidates and correlation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.http import Http404

from cairn.accounts.models import Agency
from cairn.audit import services as audit
from cairn.concerns.models import Concern
from cairn.concerns.services import CONCERN_SOURCE
from cairn.core.text import MAX_ID
from cairn.core.types import Actor
from cairn.pole import normalise
from cairn.pole.access import (
    entity_visibility_q,
    visible_entities,
    visible_link_sources,
    visible_links,
    visible_people,
)
from cairn.pole.mentions import person_fields, possible_people
from cairn.pole.models import Entity, Link, LinkSource, Location, Person
from cairn.pole.search import search_people
from cairn.pole.selectors import find_visible_object

from . import checks, linking
from .access import is_fib, sanitised_visible, visible_crime_referrals, visible_submissions
from .models import (
    CrimeReferral,
    CrimeReferralStatus,
    DangerState,
    DangerTold,
    SourceRecord,
    Status,
    Submission,
    SubmissionEntity,
)

QUEUE_STATUSES = {
    "new": [Status.NEW],
    "triaged": [Status.TRIAGED],
    "evaluated": [Status.EVALUATED],
    "disseminated": [Status.DISSEMINATED],
    "crime_referred": [Status.CRIME_REFERRED],
    "returned": [Status.RETURNED],
    "closed": [Status.CLOSED],
    "withdrawn": [Status.WITHDRAWN],
}
QUEUE_TABS = [
    ("new", "New"),
    ("triaged", "Triaged"),
    ("evaluated", "Evaluated"),
    ("disseminated", "Disseminated"),
    ("crime_referred", "Referred for crime recording"),
    ("returned", "Returned"),
    ("closed", "Closed"),
    ("withdrawn", "Withdrawn"),
]
CRIME_TABS = {
    "open": CrimeReferralStatus.OPEN,
    "recorded": CrimeReferralStatus.RECORDED,
    "returned": CrimeReferralStatus.RETURNED,
}


def partner_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_hub_member=True).order_by("name")


def _police_recorded() -> Exists:
    """Whether an entry's crime reference was recorded by police (crime route), not typed
    by its submitter: Submission.crime_reference_recorded reads it."""
    return Exists(
        CrimeReferral.objects.filter(
            submission=OuterRef("pk"), crime_reference=OuterRef("crime_reference")
        ).exclude(crime_reference="")
    )


def my_submissions(user: Actor) -> QuerySet[Submission]:
    return (
        visible_submissions(user)
        .filter(submitter=user)
        .exclude(status=Status.DRAFT)
        .select_related("submitter_agency")
        .annotate(police_recorded=_police_recorded())
        .order_by("-submitted_at")
    )


def api_submissions(user: Actor) -> QuerySet[Submission]:
    """The API's list: every entry the user may open but drafts, newest first. Its items
    are the id, reference and submission time only (the detail has the parts the caller
    may see), so it reads just those columns: one query a page whatever its size."""
    return (
        visible_submissions(user)
        .exclude(status=Status.DRAFT)
        .order_by("-submitted_at", "-pk")
        .only("pk", "submitted_at", "subject_id")
    )


def same_crime_reference(user: Actor, submission: Submission) -> list[Submission]:
    """Other entries the user may open that give the same crime reference, oldest first:
    a new offence filed under an earlier one's reference looks "already reported" (outside
    tester 9: "another package ... same as the time his mum reported under ..."), so the
    FIB is shown where else the reference was given."""
    if not submission.crime_reference:
        return []
    return list(
        visible_submissions(user)
        .exclude(pk=submission.pk)
        .exclude(status=Status.DRAFT)
        .filter(crime_reference__iexact=submission.crime_reference)
        .order_by("submitted_at", "pk")
        .only("pk", "submitted_at")[:10]
    )


# A draft with no answer in it ("Start now" pressed, then left): not listed, so each
# start left behind does not pile up in the drafts (outside tester, F10). One started
# from a concern has its text and is listed.
EMPTY_DRAFT = Q(
    subject__isnull=True,
    concern__isnull=True,
    subject_description="",
    what="",
    where="",
    when_on__isnull=True,
    when_time__isnull=True,
    how_known="",
    further_information="",
    anyone_in_danger="",
    crime_described="",
    mentions=[],
    draft_source={},
)


def my_drafts(user: Actor) -> QuerySet[Submission]:
    return (
        visible_submissions(user)
        .filter(submitter=user, status=Status.DRAFT)
        .exclude(EMPTY_DRAFT)
        .order_by("-updated_at")
    )


def shared_with_me(user: Actor) -> QuerySet[Submission]:
    """Sanitised entries the user may read that they did not submit themselves."""

    if is_fib(user):
        return Submission.objects.none()
    return (
        sanitised_visible(user)
        .exclude(submitter=user)
        .select_related("submitter_agency")
        .order_by("-submitted_at")
    )


def fib_queue(user: Actor, tab: str) -> QuerySet[Submission]:
    if not is_fib(user):
        return Submission.objects.none()
    statuses = QUEUE_STATUSES.get(tab, QUEUE_STATUSES["new"])
    # Escalated danger nobody has acted on first (oldest first: it has waited longest),
    # then any other danger now: the check read the text as someone in danger.
    return (
        visible_submissions(user)
        .filter(status__in=statuses)
        .select_related("submitter_agency", "subject")
        .annotate(
            police_recorded=_police_recorded(),
            waiting=Case(When(danger_state=DangerState.OPEN, then=1), default=0),
            danger=Case(When(check_result__danger_now=True, then=1), default=0),
        )
        .order_by(
            "-waiting",
            Case(When(danger_state=DangerState.OPEN, then=F("submitted_at"))).asc(nulls_last=True),
            "-danger",
            "-submitted_at",
            "-pk",
        )
    )


def danger_alerts(user: Actor) -> QuerySet[Submission]:
    """The home page's alert: every escalated entry nobody has acted on that `user` must
    act on: the FIB's (`danger_waiting`), or for a PPU / CSE co-ordinator those escalated to
    the PPU because no FIB officer was active. Nobody else: none."""
    if is_fib(user):
        return danger_waiting(user)
    return (
        visible_submissions(user)
        .filter(danger_state=DangerState.OPEN, danger_told=DangerTold.POLICE_LEAD)
        .select_related("submitter_agency")
        .order_by("submitted_at", "pk")
    )


def danger_waiting(user: Actor) -> QuerySet[Submission]:
    """Every escalated entry no FIB officer has acted on yet, in whatever tab it sits: the
    top of every queue page until someone records what they did. The FIB only."""
    if not is_fib(user):
        return Submission.objects.none()
    return (
        visible_submissions(user)
        .filter(danger_state=DangerState.OPEN)
        .exclude(status=Status.DRAFT)
        .select_related("submitter_agency", "subject")
        .order_by("submitted_at", "pk")
    )


def queue_counts(user: Actor) -> dict[str, int]:
    if not is_fib(user):
        return {}
    rows = (
        visible_submissions(user)
        .exclude(status=Status.DRAFT)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return {
        tab: sum(counts.get(s, 0) for s in statuses) for tab, statuses in QUEUE_STATUSES.items()
    }


def crime_referral_queue(user: Actor, tab: str) -> QuerySet[CrimeReferral]:
    """The crime recording queue: waiting referrals oldest first, the others newest first."""
    status = CRIME_TABS.get(tab, CrimeReferralStatus.OPEN)
    qs = (
        visible_crime_referrals(user)
        .filter(status=status)
        .select_related("submission", "child", "referred_by")
    )
    return qs.order_by("referred_at" if status == CrimeReferralStatus.OPEN else "-referred_at")


def crime_referral_counts(user: Actor) -> dict[str, int]:
    rows = visible_crime_referrals(user).values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {tab: counts.get(status, 0) for tab, status in CRIME_TABS.items()}


def crime_referrals_for(submission: Submission) -> QuerySet[CrimeReferral]:
    """An entry's referrals, for a page the caller already opened through access.py."""
    return submission.crime_referrals.select_related("referred_by", "closed_by").order_by(
        "-referred_at"
    )


def source_for(user: Actor, submission: Submission, *, source: str | None = None) -> SourceRecord:
    """The protected source record: FIB officers only, and every read is audited."""
    if not user.has_perm("intelligence.view_source") or submission.status == Status.DRAFT:
        raise Http404("No source record found.")
    record = SourceRecord.objects.filter(submission=submission).first()
    if record is None:
        raise Http404("No source record found.")
    audit.record(
        actor=user,
        event="intel.source_viewed",
        obj=submission,
        subject=submission.subject,
        justification="Opened the protected source record",
        source=source,
    )
    return record


@dataclass
class Candidate:
    """An existing record a detail may be. For a person: how likely it is the same person
    and why (the online matcher's own reasons)."""

    entity_id: int
    label: str
    detail: str = ""
    percent: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def hint(self) -> str:
        parts = [self.detail] if self.detail else []
        if self.percent is not None:
            parts.append(
                f"{self.percent}% likely the same person"
                + (f": {', '.join(self.reasons)}" if self.reasons else "")
            )
        elif self.reasons:
            parts.append("; ".join(self.reasons))
        return "; ".join(parts)


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class MentionRow:
    index: int
    mention: dict[str, Any]
    linked: Entity | None
    candidates: list[Candidate] = field(default_factory=list)
    owners: list[Choice] = field(default_factory=list)
    link_types: list[Choice] = field(default_factory=list)
    # The links this entry recorded for a detail already linked, as sentences.
    facts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.mention.get("kind"))

    @property
    def described(self) -> str:
        return linking.describe(self.mention)

    @property
    def question(self) -> str:
        return linking.question(self.mention)


def _location_candidates(user: Actor, mention: dict[str, Any]) -> list[Candidate]:
    postcode = normalise.postcode(str(mention.get("postcode") or ""))
    name = str(mention.get("name") or "").strip()
    qs = Location.objects.filter(entity_visibility_q(user, prefix="entity__"))
    if postcode:
        qs = qs.filter(postcode=postcode)
        why = "the same postcode"
    elif name:
        qs = qs.filter(name__iexact=name)
        why = "the same place name"
    else:
        return []
    return [Candidate(loc.pk, loc.one_line, why) for loc in qs.order_by("pk")[:5]]


def _person_candidates(user: Actor, mention: dict[str, Any]) -> list[Candidate]:
    """Existing people a mentioned person may be: the probabilistic matcher first (names,
    nickname as an alias, date of birth; with the likelihood and its reasons), then a name
    search for what it cannot score (a nickname alone that is no one's recorded alias)."""
    fields = person_fields(mention)
    found = [
        Candidate(
            m.person.pk,
            m.person.full_name,
            f"born {m.person.date_of_birth:%-d %b %Y}" if m.person.date_of_birth else "",
            percent=m.percent,
            reasons=list(m.reasons),
        )
        for m in possible_people(user, mention, limit=5)
    ]
    if found:
        return found
    name = f"{fields['given_name']} {fields['family_name']}".strip() or fields["nickname"]
    if not name:
        return []
    return [
        Candidate(
            m.person.pk,
            m.person.full_name,
            f"born {m.person.date_of_birth:%-d %b %Y}" if m.person.date_of_birth else "",
            reasons=[
                "a similar name only: too little was given to say how likely it is the same person"
            ],
        )
        for m in search_people(user, query=name)[:5]
        if m.score >= 70
    ]


def _named_record(user: Actor, mention: dict[str, Any]) -> Candidate | None:
    """The record the detail was given with (chosen in the entry, or the record a concern
    made of it), when the officer may see it."""
    raw = str(mention.get("entity_id") or mention.get("record_id") or "")
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return None
    entity_id = int(raw)
    entity = (
        visible_entities(user)
        .filter(pk=entity_id, kind=mention.get("kind"))
        .select_related("person")
        .first()
    )
    if entity is None:
        return None
    detail = "the record this detail was given with"
    if entity.kind == "person" and entity.person.date_of_birth:
        detail = f"born {entity.person.date_of_birth:%-d %b %Y}; {detail}"
    return Candidate(entity.pk, entity.label, detail)


def _candidates(user: Actor, mention: dict[str, Any]) -> list[Candidate]:
    named = _named_record(user, mention)
    kind = mention.get("kind")
    found: list[Candidate] = []
    if kind == "person":
        found = _person_candidates(user, mention)
    elif kind == "location":
        found = _location_candidates(user, mention)
    elif kind in ("vehicle", "phone", "online_account"):
        entity_id = find_visible_object(user, str(kind), mention)
        if entity_id is not None:
            entity = Entity.objects.get(pk=entity_id)
            same = {"vehicle": "registration", "phone": "number", "online_account": "handle"}
            found = [Candidate(entity.pk, entity.label, f"the same {same[str(kind)]}")]
    if named is None:
        return found
    scored = next((c for c in found if c.entity_id == named.entity_id), None)
    if scored is not None:
        # Scored by the matcher as well: keep the likelihood and its reasons.
        scored.detail = named.detail
        named = scored
    return [named, *[c for c in found if c.entity_id != named.entity_id]]


def _linked_facts(
    user: Actor, submission: Submission, entity_ids: set[int]
) -> dict[int, list[str]]:
    """For each linked record, the links this entry asserted about it that the user may
    see, as sentences ("Dean Marsh: uses phone: +447700900123")."""
    if not entity_ids:
        return {}
    sources = (
        visible_link_sources(user)
        .filter(source_type=linking.INTEL_SOURCE, source_id=str(submission.pk))
        .filter(link__in=visible_links(user).values("pk"))
        .filter(Q(link__from_entity_id__in=entity_ids) | Q(link__to_entity_id__in=entity_ids))
        .select_related("link__from_entity", "link__to_entity")
        .order_by("pk")
    )
    out: dict[int, list[str]] = {}
    for source in sources:
        link = source.link
        sentence = (
            f"{link.from_entity.label}: {link.get_link_type_display().lower()}: "
            f"{link.to_entity.label}"
        )
        for end in (link.from_entity_id, link.to_entity_id):
            out.setdefault(end, []).append(sentence)
    return out


def link_rows(user: Actor, submission: Submission) -> list[MentionRow]:
    """The FIB's linking step: each detail of the entry once, with the record it is linked
    to, or the existing visible records it may be (the record it was given with; the same
    normalised registration, number or handle; people scored by the matcher, with the
    likelihood and reasons; the same postcode), the people it may belong to (the entry's
    subject and the people the entry names) and how it may be linked to them."""
    mentions = list(submission.mentions or [])
    linked = {
        row.mention_index: row.entity
        for row in SubmissionEntity.objects.filter(submission=submission).select_related("entity")
        if row.mention_index is not None
    }
    facts = _linked_facts(user, submission, {e.pk for e in linked.values()})
    subject = submission.subject
    people = [
        (i, m)
        for i, m in enumerate(mentions)
        if isinstance(m, dict) and m.get("kind") == "person" and not m.get(linking.SUBJECT_DETAIL)
    ]
    rows = []
    for index, mention in enumerate(mentions):
        if not isinstance(mention, dict) or mention.get("kind") not in linking.LINK_TYPES:
            continue
        kind = str(mention["kind"])
        row = MentionRow(index=index, mention=mention, linked=linked.get(index))
        if row.linked is not None:
            row.facts = facts.get(row.linked.pk, [])
            rows.append(row)
            continue
        row.candidates = _candidates(user, mention)
        if subject is not None:
            row.owners.append(Choice(linking.SUBJECT, f"{subject.full_name}, the subject"))
        for other, person in people:
            if other == index:
                continue
            named = linked.get(other)
            label = named.label if named is not None else linking.describe(person)
            row.owners.append(Choice(linking.owner_value(other), f"{label}, named in this entry"))
        row.owners.append(Choice(linking.NOBODY, linking.nobody_label(kind)))
        row.link_types = [Choice(t.value, t.label) for t in linking.LINK_TYPES[kind]]
        rows.append(row)
    return rows


def concern_subjects(user: Actor, concern: Concern) -> list[Person]:
    """Who an entry started from a concern may be about (one subject per entry): the
    concern's child, then the other people it names (the records its details became, or
    the people it linked to the child), those the user may see."""
    ids: list[int] = []
    if concern.child_id:
        ids.append(concern.child_id)
    for mention in concern.draft.get("mentions") or []:
        raw = str(mention.get("record_id") or mention.get("entity_id") or "")
        if mention.get("kind") == "person" and raw.isdigit() and 0 < int(raw) <= MAX_ID:
            ids.append(int(raw))
    # Concerns submitted before their details kept their records: the people it linked.
    for link in Link.objects.filter(
        pk__in=LinkSource.objects.filter(
            source_type=CONCERN_SOURCE, source_id=str(concern.pk)
        ).values("link_id")
    ).values_list("from_entity_id", "to_entity_id"):
        ids.extend(link)
    people = {
        p.pk: p for p in visible_people(user).filter(pk__in=set(ids)).select_related("entity")
    }
    ordered = list(dict.fromkeys(i for i in ids if i in people))
    return [people[i] for i in ordered]


@dataclass(frozen=True)
class ReportRef:
    pk: int

    @property
    def reference(self) -> str:
        return f"INT-{self.pk:06d}"


@dataclass
class Correlation:
    entity: Entity
    count: int
    others: list[ReportRef]


def correlations(user: Actor, submission: Submission, *, limit: int = 5) -> list[Correlation]:
    """For each linked record the viewer may see: how many OTHER entries the viewer may
    see mention it, with links to the most recent. Entries the viewer cannot see are
    never counted, so a count cannot leak their existence. Three small indexed queries:
    the linked ids, the visible records, then the visible co-mentions of each."""
    linked = list(
        SubmissionEntity.objects.filter(submission=submission)
        .order_by()  # no Meta ordering: it joins the submission table only to sort
        .values_list("entity_id", flat=True)
    )
    if not linked:
        return []
    entities = list(
        Entity.objects.filter(entity_visibility_q(user), pk__in=linked).order_by("kind", "label")
    )
    if not entities:
        return []
    visible = visible_submissions(user).exclude(status=Status.DRAFT)
    rows = (
        SubmissionEntity.objects.filter(
            entity_id__in=[e.pk for e in entities], submission__in=visible.values("pk")
        )
        .exclude(submission_id=submission.pk)
        .order_by()  # sorted below, per entity
        .values_list("entity_id", "submission_id", "submission__submitted_at")
    )
    found: dict[int, list[tuple[Any, int]]] = {}
    for entity_id, submission_id, submitted_at in rows:
        found.setdefault(entity_id, []).append((submitted_at, submission_id))
    out = []
    for entity in entities:
        co = sorted(found.get(entity.pk, []), key=lambda r: (r[0] is not None, r[0], r[1]))
        recent = [ReportRef(pk) for _, pk in reversed(co[-limit:])]
        out.append(Correlation(entity=entity, count=len(co), others=recent))
    return out


# Consultation rows for reads shown on both channels ---------------------------------------


def consult_submissions(user: Actor, shown: Iterable[Submission], *, justification: str) -> None:
    """Entries listed (the web's own list with drafts and shares, the FIB queue, or a page
    through the API): one consultation row naming their subjects."""
    audit.record_list(
        actor=user,
        event="intel.listed",
        subjects=[s.subject_id for s in shown],
        justification=justification,
    )


def consult_search(
    user: Actor,
    shown: Iterable[Submission],
    *,
    q: str,
    justification: str,
    details: dict[str, Any] | None = None,
) -> None:
    """A page of sanitised intelligence found (web or API): one consultation row naming
    the subjects shown; the words typed beside the chain, erasable (ADR 0024)."""
    audit.record_list(
        actor=user,
        event="intel.searched",
        subjects=[s.subject_id for s in shown],
        justification=justification,
        details=details,
        values={"q": q[:100]},
    )


def consult_text_check(user: Actor, submission: Submission, result: checks.CheckResult) -> None:
    """The crime-disclosure and quality check shown to the submitter (intel.checked)."""
    audit.record(
        actor=user,
        event="intel.checked",
        obj=submission,
        justification="Crime-disclosure and quality check",
        details={
            "crime": result.crime_disclosure,
            "danger_now": result.danger_now,
            "offence_families": result.offence_families,
        },
    )
