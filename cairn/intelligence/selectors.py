"""Reads for intelligence pages and the API, always scoped through access.py: lists, the
FIB queue, the protected source (audited), link candidates and correlation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from cairn.accounts.models import Agency
from cairn.audit import services as audit
from cairn.pole import normalise
from cairn.pole.access import entity_visibility_q
from cairn.pole.models import Entity, Location
from cairn.pole.search import search_people
from cairn.pole.selectors import find_visible_object

from .access import is_fib, visible_submissions
from .models import SourceRecord, Status, Submission, SubmissionEntity

QUEUE_STATUSES = {
    "new": [Status.NEW],
    "triaged": [Status.TRIAGED],
    "evaluated": [Status.EVALUATED],
    "disseminated": [Status.DISSEMINATED],
    "closed": [Status.CLOSED],
}


def partner_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_hub_member=True).order_by("name")


def my_submissions(user: Any) -> QuerySet[Submission]:
    return (
        visible_submissions(user)
        .filter(submitter=user)
        .exclude(status=Status.DRAFT)
        .select_related("submitter_agency")
        .order_by("-submitted_at")
    )


def my_drafts(user: Any) -> QuerySet[Submission]:
    return (
        visible_submissions(user)
        .filter(submitter=user, status=Status.DRAFT)
        .order_by("-updated_at")
    )


def shared_with_me(user: Any) -> QuerySet[Submission]:
    """Sanitised entries the user may read that they did not submit themselves."""
    from .access import sanitised_visible

    if is_fib(user):
        return Submission.objects.none()
    return (
        sanitised_visible(user)
        .exclude(submitter=user)
        .select_related("submitter_agency")
        .order_by("-submitted_at")
    )


def fib_queue(user: Any, tab: str) -> QuerySet[Submission]:
    if not is_fib(user):
        return Submission.objects.none()
    statuses = QUEUE_STATUSES.get(tab, QUEUE_STATUSES["new"])
    return (
        visible_submissions(user)
        .filter(status__in=statuses)
        .select_related("submitter_agency", "subject")
        .order_by("-submitted_at", "-pk")
    )


def queue_counts(user: Any) -> dict[str, int]:
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


def source_for(user: Any, submission: Submission, *, source: str | None = None) -> SourceRecord:
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
    entity_id: int
    label: str
    detail: str = ""


@dataclass
class MentionRow:
    index: int
    mention: dict[str, Any]
    linked: Entity | None
    candidates: list[Candidate] = field(default_factory=list)


def _location_candidates(user: Any, mention: dict[str, Any]) -> list[Candidate]:
    postcode = normalise.postcode(str(mention.get("postcode") or ""))
    name = str(mention.get("name") or "").strip()
    qs = Location.objects.filter(entity_visibility_q(user, prefix="entity__"))
    if postcode:
        qs = qs.filter(postcode=postcode)
    elif name:
        qs = qs.filter(name__iexact=name)
    else:
        return []
    return [Candidate(loc.pk, loc.one_line) for loc in qs.order_by("pk")[:5]]


def _person_candidates(user: Any, mention: dict[str, Any]) -> list[Candidate]:
    """Existing people a mentioned person may be: the probabilistic matcher first (names,
    nickname as an alias, date of birth; with the reasons), then a name search for what it
    cannot score (a nickname alone that is no one's recorded alias)."""
    from cairn.network.selectors import possible_matches

    given = str(mention.get("given_name") or "").strip()
    family = str(mention.get("family_name") or "").strip()
    nickname = str(mention.get("nickname") or "").strip()
    dob = mention.get("date_of_birth") or None
    found: list[Candidate] = []
    for fields in ({"given_name": given, "family_name": family}, {"given_name": nickname}):
        if not any(fields.values()):
            continue
        for m in possible_matches(user, {**fields, "date_of_birth": dob}, limit=5):
            if all(c.entity_id != m.person.pk for c in found):
                dob_seen = m.person.date_of_birth
                born = f"born {dob_seen:%-d %b %Y}; " if dob_seen else ""
                found.append(
                    Candidate(
                        m.person.pk,
                        m.person.full_name,
                        f"{born}{m.percent}% likely the same person: {', '.join(m.reasons)}",
                    )
                )
    if found:
        return found[:5]
    name = f"{given} {family}".strip() or nickname
    if not name:
        return []
    return [
        Candidate(
            m.person.pk,
            m.person.full_name,
            f"born {m.person.date_of_birth:%-d %b %Y}" if m.person.date_of_birth else "",
        )
        for m in search_people(user, query=name)[:5]
        if m.score >= 70
    ]


def link_candidates(user: Any, submission: Submission) -> list[MentionRow]:
    """Each mention with the record it is linked to, or the existing visible records it
    may be (same normalised registration, number or handle; similar names; same postcode)."""
    linked = {
        row.mention_index: row.entity
        for row in SubmissionEntity.objects.filter(submission=submission).select_related("entity")
        if row.mention_index is not None
    }
    rows = []
    for index, mention in enumerate(submission.mentions or []):
        row = MentionRow(index=index, mention=mention, linked=linked.get(index))
        if row.linked is None:
            kind = mention.get("kind")
            if kind == "person":
                row.candidates = _person_candidates(user, mention)
            elif kind == "location":
                row.candidates = _location_candidates(user, mention)
            elif kind in ("vehicle", "phone", "online_account"):
                found = find_visible_object(user, kind, mention)
                if found is not None:
                    entity = Entity.objects.get(pk=found)
                    row.candidates = [Candidate(entity.pk, entity.label)]
        rows.append(row)
    return rows


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


def correlations(user: Any, submission: Submission, *, limit: int = 5) -> list[Correlation]:
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
