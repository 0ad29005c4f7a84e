"""Reads for retention review, scoped to the reviewer's agency (cairn/retention/access.py).

The queue is worked out when it is read: every record of the agency, its rule, the date
its clock runs from and the reviews already made, in a fixed number of queries per record
type (not per record). Records due on or before today are listed with what blocks their
disposal. ADR 0024 notes the cost at scale and the stored schedule that would replace it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import DateTimeField, F, Max, Model, OuterRef, Q, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cairn.audit import services as audit
from cairn.concerns.models import Concern, ConcernStatus
from cairn.core.http import agency_id_of
from cairn.core.types import Actor
from cairn.disruption.models import TacticStatus, TacticSubject
from cairn.hub.models import Action, ActionStatus
from cairn.intelligence.about import people_each_is_about
from cairn.intelligence.models import CrimeReferral, Status, Submission
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Entity, Link, LookedAfter, Person, PersonCategory
from cairn.referrals.models import OPEN_STATUSES, Referral
from cairn.rights.models import (
    PossibleEntry,
    PossibleEntryStatus,
    SarStatus,
    SubjectAccessRequest,
)

from .access import access_tombstone, is_reviewer
from .models import SLUG_OF, Condition, RecordType, RetentionRule, ReviewDecision, Tombstone
from .rules import Due, due_for

BLOCKER_TEXT = {
    "referral": "An open referral about this person",
    "tactic": "An active disruption tactic names this person",
    "action": "An open Hub action is about this person",
    "missing": "A missing episode for this person is still open",
    "restricted": "Processing of the record is restricted (lift the restriction first)",
    "sar": "An open subject access request includes this record (disclose it first)",
    "child": "Linked to a child record your agency still keeps (a parent, carer or family "
    "member): disposing of it would remove that link from the child record, so review it "
    "with the child record",
    # Concerns.
    "concern_referral": "An open referral was made from this concern",
    "concern_open": "The concern's next steps are not recorded yet (it is still being screened)",
    # Intelligence entries.
    "crime_referral": "The entry was referred for crime recording (the crime record relies on it)",
    "fib_workflow": "The entry is still in the FIB's workflow (not yet disseminated or closed)",
    # Concerns and entries: the person the record is about.
    "subject_restricted": (
        "Processing of the record of the person it is about is restricted "
        "(lift the restriction first)"
    ),
    "subject_sar": (
        "An open subject access request covers the person it is about (disclose it first)"
    ),
    "sar_possible": (
        "An open subject access request found the entry naming its requester: it is held "
        "until information governance decides whether it is about them, and disclosed"
    ),
}

# A concern still being worked (submitted, or screened without next steps): a draft left
# for years is the reporter's unfinished input, and may be disposed of.
CONCERN_OPEN = (ConcernStatus.SUBMITTED, ConcernStatus.SCREENED)
# An entry still with the FIB (or returned to its submitter to resubmit); drafts, as above,
# may be disposed of, and disseminated, closed, referred or withdrawn entries are final.
FIB_WORKFLOW = (Status.NEW, Status.TRIAGED, Status.EVALUATED, Status.RETURNED)


@dataclass
class Entry:
    record_type: str
    record_id: int
    label: str
    rule: RetentionRule | None
    due: Due
    created_on: dt.date
    last_activity_on: dt.date
    born: dt.date | None = None
    looked_after: bool = False
    links: int = 0
    blockers: list[str] = field(default_factory=list)
    last_decision: ReviewDecision | None = None

    @property
    def slug(self) -> str:
        return SLUG_OF[self.record_type]  # type: ignore[index]

    @property
    def type_label(self) -> str:
        return str(RecordType(self.record_type).label)

    @property
    def blocker_texts(self) -> list[str]:
        return [BLOCKER_TEXT[b] for b in self.blockers]

    @property
    def why(self) -> str:
        return "Retention period ends" if self.due.why == "end" else "Periodic review"


def _day(value: dt.datetime | None, fallback: dt.date) -> dt.date:
    return timezone.localdate(value) if value is not None else fallback


def agency_rules(agency_id: int) -> dict[str, list[RetentionRule]]:
    rules: dict[str, list[RetentionRule]] = defaultdict(list)
    for rule in RetentionRule.objects.filter(agency_id=agency_id).order_by("priority", "pk"):
        rules[rule.record_type].append(rule)
    return rules


def _latest_decisions(record_type: str, ids: Iterable[int]) -> dict[int, ReviewDecision]:
    latest: dict[int, ReviewDecision] = {}
    rows = ReviewDecision.objects.filter(record_type=record_type, record_id__in=list(ids))
    for row in rows.select_related("assigned_rule", "rule").order_by("decided_at", "pk"):
        latest[row.record_id] = row
    return latest


def choose_rule(
    rules: list[RetentionRule], *, looked_after: bool, decision: ReviewDecision | None
) -> RetentionRule | None:
    """A reviewer's assignment wins; otherwise the first automatic rule that matches."""
    if decision is not None and decision.assigned_rule is not None:
        return decision.assigned_rule
    for rule in rules:
        if rule.condition == Condition.ALL:
            return rule
        if rule.condition == Condition.LOOKED_AFTER and looked_after:
            return rule
    return None


def _latest(*values: Combinable) -> Greatest:
    return Greatest(*[Coalesce(v, F("entity__updated_at")) for v in values])


def _person_rows(agency_id: int, ids: Iterable[int] | None = None) -> list[Entry]:
    def newest(model: type[Model], fk: str, stamp: str) -> Subquery:
        inner = (
            model._default_manager.filter(**{fk: OuterRef("pk")})
            .values(fk)
            .annotate(m=Max(stamp))
            .values("m")
        )
        return Subquery(inner, output_field=DateTimeField())

    qs = Person.objects.filter(entity__owning_agency_id=agency_id, entity__disposed_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    rows = qs.annotate(
        last=_latest(
            newest(Concern, "child", "updated_at"),
            newest(Referral, "child", "updated_at"),
            newest(Link, "from_entity", "updated_at"),
            newest(Link, "to_entity", "updated_at"),
            newest(MissingEpisode, "child", "created_at"),
        )
    ).values(
        "pk",
        "given_name",
        "family_name",
        "date_of_birth",
        "looked_after",
        "entity__created_at",
        "last",
    )
    return [
        Entry(
            record_type=RecordType.PERSON,
            record_id=r["pk"],
            label=f"{r['given_name']} {r['family_name']}".strip(),
            rule=None,
            due=Due(None, ""),
            created_on=_day(r["entity__created_at"], dt.date.min),
            last_activity_on=_day(r["last"], _day(r["entity__created_at"], dt.date.min)),
            born=r["date_of_birth"],
            looked_after=r["looked_after"] not in (LookedAfter.NO, LookedAfter.UNKNOWN),
        )
        for r in rows
    ]


def _concern_rows(agency_id: int, ids: Iterable[int] | None = None) -> list[Entry]:
    qs = Concern.objects.filter(reporter_agency_id=agency_id, disposed_at__isnull=True).exclude(
        child__entity__disposed_at__isnull=False
    )
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    rows = qs.values(
        "pk", "created_at", "updated_at", "child__date_of_birth", "child__looked_after"
    )
    return [
        Entry(
            record_type=RecordType.CONCERN,
            record_id=r["pk"],
            label=f"CON-{r['pk']:06d}",
            rule=None,
            due=Due(None, ""),
            created_on=_day(r["created_at"], dt.date.min),
            last_activity_on=_day(r["updated_at"], dt.date.min),
            born=r["child__date_of_birth"],
            looked_after=(r["child__looked_after"] or "no") not in ("no", "unknown"),
        )
        for r in rows
    ]


def _submission_rows(agency_id: int, ids: Iterable[int] | None = None) -> list[Entry]:
    qs = Submission.objects.filter(submitter_agency_id=agency_id, disposed_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    rows = qs.values("pk", "created_at", "updated_at", "subject__date_of_birth")
    return [
        Entry(
            record_type=RecordType.SUBMISSION,
            record_id=r["pk"],
            label=f"INT-{r['pk']:06d}",
            rule=None,
            due=Due(None, ""),
            created_on=_day(r["created_at"], dt.date.min),
            last_activity_on=_day(r["updated_at"], dt.date.min),
            born=r["subject__date_of_birth"],
        )
        for r in rows
    ]


ROWS = {
    RecordType.PERSON: _person_rows,
    RecordType.CONCERN: _concern_rows,
    RecordType.SUBMISSION: _submission_rows,
}


def _apply_rules(agency_id: int, record_type: str, entries: list[Entry]) -> None:
    rules = agency_rules(agency_id).get(record_type, [])
    decisions = _latest_decisions(record_type, (e.record_id for e in entries))
    for entry in entries:
        decision = decisions.get(entry.record_id)
        entry.last_decision = decision
        entry.rule = choose_rule(rules, looked_after=entry.looked_after, decision=decision)
        if entry.rule is None:
            continue
        entry.due = due_for(
            entry.rule,
            born=entry.born,
            created=entry.created_on,
            last_activity=entry.last_activity_on,
            next_review=decision.next_review_on if decision is not None else None,
        )


def person_blockers(ids: Iterable[int]) -> dict[int, list[str]]:
    """What stops each person's record being disposed of, in one query per condition."""
    wanted = list(ids)
    found: dict[int, list[str]] = defaultdict(list)
    if not wanted:
        return found
    checks: list[tuple[str, Iterable[Any]]] = [
        (
            "referral",
            Referral.objects.filter(child_id__in=wanted, status__in=OPEN_STATUSES).values_list(
                "child_id", flat=True
            ),
        ),
        (
            "tactic",
            TacticSubject.objects.filter(
                entity_id__in=wanted,
                tactic__status__in=(TacticStatus.PLANNED, TacticStatus.IN_PROGRESS),
            ).values_list("entity_id", flat=True),
        ),
        (
            "action",
            Action.objects.filter(subject_id__in=wanted, status=ActionStatus.OPEN).values_list(
                "subject_id", flat=True
            ),
        ),
        (
            "missing",
            MissingEpisode.objects.filter(child_id__in=wanted, found_at__isnull=True).values_list(
                "child_id", flat=True
            ),
        ),
        (
            "restricted",
            Entity.objects.filter(pk__in=wanted, restricted_since__isnull=False).values_list(
                "pk", flat=True
            ),
        ),
        # Deleting what a pending subject access request covers would defeat the request
        # (ICO: records are supplied as held when the request arrived).
        (
            "sar",
            SubjectAccessRequest.people.through.objects.filter(person_id__in=wanted)
            .exclude(subjectaccessrequest__status__in=SarStatus.finished())
            .values_list("person_id", flat=True),
        ),
    ]
    for code, rows in checks:
        for pk in set(rows):
            found[pk].append(code)
    for pk in _linked_to_kept_children(wanted):
        if pk not in found or "child" not in found[pk]:
            found[pk].append("child")
    return found


def _linked_to_kept_children(ids: list[int]) -> set[int]:
    """Those of `ids` linked to a child's record of their own agency that is still held (a
    parent's record is part of the child's story: it goes when the child's does). Other
    agencies' children are their owners' records: those owners are told instead."""
    children = Entity.objects.filter(
        disposed_at__isnull=True, person__category=PersonCategory.CHILD
    ).exclude(pk__in=ids)
    linked: set[int] = set()
    for mine, other, owner, other_owner in (
        Link.objects.filter(from_entity_id__in=ids, to_entity__in=children).values_list(
            "from_entity_id",
            "to_entity_id",
            "from_entity__owning_agency_id",
            "to_entity__owning_agency_id",
        )
    ).union(
        Link.objects.filter(to_entity_id__in=ids, from_entity__in=children).values_list(
            "to_entity_id",
            "from_entity_id",
            "to_entity__owning_agency_id",
            "from_entity__owning_agency_id",
        )
    ):
        if owner == other_owner and other != mine:
            linked.add(mine)
    return linked


def _subject_blockers(subject_of: dict[int, int | None]) -> dict[int, list[str]]:
    """For concerns and entries: the person each is about is restricted, or covered by an
    open subject access request (what the request covers includes their concerns and the
    intelligence about them: cairn/rights/bundle.py)."""
    found: dict[int, list[str]] = defaultdict(list)
    people = {p for p in subject_of.values() if p is not None}
    if not people:
        return found
    restricted = set(
        Entity.objects.filter(pk__in=people, restricted_since__isnull=False).values_list(
            "pk", flat=True
        )
    )
    requested = set(
        SubjectAccessRequest.people.through.objects.filter(person_id__in=people)
        .exclude(subjectaccessrequest__status__in=SarStatus.finished())
        .values_list("person_id", flat=True)
    )
    for record_id, person_id in subject_of.items():
        if person_id in restricted:
            found[record_id].append("subject_restricted")
        if person_id in requested:
            found[record_id].append("subject_sar")
    return found


def concern_blockers(ids: Iterable[int]) -> dict[int, list[str]]:
    """What stops each concern being disposed of, in one query per condition."""
    wanted = list(ids)
    found: dict[int, list[str]] = defaultdict(list)
    if not wanted:
        return found
    rows = list(Concern.objects.filter(pk__in=wanted).values_list("pk", "status", "child_id"))
    subject_of: dict[int, int | None] = {pk: child_id for pk, _status, child_id in rows}
    referred = set(
        Referral.objects.filter(concern_id__in=wanted, status__in=OPEN_STATUSES).values_list(
            "concern_id", flat=True
        )
    )
    for pk in sorted(referred):
        found[pk].append("concern_referral")
    for pk, status, _child in rows:
        if status in CONCERN_OPEN:
            found[pk].append("concern_open")
    for pk, codes in _subject_blockers(subject_of).items():
        found[pk] += codes
    return found


def submission_blockers(ids: Iterable[int]) -> dict[int, list[str]]:
    """What stops each intelligence entry being disposed of, in one query per condition.
    Any crime referral blocks: the crime record made from it (or the FIB's return note)
    relies on the entry, and a referral is kept (on_delete PROTECT)."""
    wanted = list(ids)
    found: dict[int, list[str]] = defaultdict(list)
    if not wanted:
        return found
    rows = list(Submission.objects.filter(pk__in=wanted).values_list("pk", "status", "subject_id"))
    referred = set(
        CrimeReferral.objects.filter(submission_id__in=wanted).values_list(
            "submission_id", flat=True
        )
    )
    for pk in sorted(referred):
        found[pk].append("crime_referral")
    for pk, status, _subject in rows:
        if status in FIB_WORKFLOW:
            found[pk].append("fib_workflow")
    for pk, codes in _subject_blockers({pk: subject for pk, _s, subject in rows}).items():
        found[pk] += codes
    # An open subject access request covers every entry about its person, not only those
    # with them as subject: the FIB's links and the matches made at entry too (ADR 0025).
    about = people_each_is_about(wanted)
    requested = set(
        SubjectAccessRequest.people.through.objects.filter(
            person_id__in=set().union(*about.values())
        )
        .exclude(subjectaccessrequest__status__in=SarStatus.finished())
        .values_list("person_id", flat=True)
    )
    for pk, people in about.items():
        if people & requested and "subject_sar" not in found[pk]:
            found[pk].append("subject_sar")
    # An entry naming the requester in words only, found by an open request: held while
    # IG decides and, once included, until disclosed (it is in the bundle, not linked).
    for pk in set(
        PossibleEntry.objects.filter(
            submission_id__in=wanted,
            status__in=(PossibleEntryStatus.OPEN, PossibleEntryStatus.INCLUDED),
        )
        .exclude(sar__status__in=SarStatus.finished())
        .values_list("submission_id", flat=True)
    ):
        if "subject_sar" not in found[pk]:
            found[pk].append("sar_possible")
    return found


def _link_counts(ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for a, b in Link.objects.filter(
        Q(from_entity_id__in=ids) | Q(to_entity_id__in=ids)
    ).values_list("from_entity_id", "to_entity_id"):
        if a in ids:
            counts[a] += 1
        if b in ids:
            counts[b] += 1
    return counts


def annotate_people(entries: list[Entry]) -> None:
    ids = [e.record_id for e in entries if e.record_type == RecordType.PERSON]
    if not ids:
        return
    blockers = person_blockers(ids)
    links = _link_counts(ids)
    for entry in entries:
        if entry.record_type == RecordType.PERSON:
            entry.blockers = blockers.get(entry.record_id, [])
            entry.links = links.get(entry.record_id, 0)


def annotate_blockers(entries: list[Entry]) -> None:
    """What blocks disposal of each entry, whatever its type (people: and their links)."""
    annotate_people(entries)
    for record_type, find in (
        (RecordType.CONCERN, concern_blockers),
        (RecordType.SUBMISSION, submission_blockers),
    ):
        ids = [e.record_id for e in entries if e.record_type == record_type]
        if not ids:
            continue
        blockers = find(ids)
        for entry in entries:
            if entry.record_type == record_type:
                entry.blockers = blockers.get(entry.record_id, [])


def schedule(user: Actor) -> list[Entry]:
    """Every record of the reviewer's agency with its rule and next due date (None when no
    rule applies); blockers are not worked out here (see `review_queue`)."""
    if not is_reviewer(user):
        return []
    agency_id = agency_id_of(user)
    entries: list[Entry] = []
    for record_type, rows in ROWS.items():
        found = rows(agency_id)
        _apply_rules(agency_id, record_type, found)
        entries += found
    return entries


def review_queue(user: Actor, *, today: dt.date | None = None) -> list[Entry]:
    """The reviewer's agency's records due for review on or before `today`, soonest
    first."""
    today = today or timezone.localdate()
    due = [e for e in schedule(user) if e.due.on is not None and e.due.on <= today]
    annotate_blockers(due)
    due.sort(key=lambda e: (e.due.on or dt.date.max, e.record_type, e.record_id))
    return due


def review_entry(user: Actor, record_type: str, record_id: int) -> Entry:
    """One record's review facts (call after access.access_record)."""
    return agency_review_entry(agency_id_of(user), record_type, record_id)


def agency_review_entry(agency_id: int, record_type: str, record_id: int) -> Entry:
    """One record's review facts under the rules of the agency holding it."""
    entries = ROWS[RecordType(record_type)](agency_id, [record_id])
    _apply_rules(agency_id, record_type, entries)
    annotate_blockers(entries)
    return entries[0]


def assignable_rules(user: Actor, record_type: str) -> list[RetentionRule]:
    return agency_rules(agency_id_of(user)).get(record_type, [])


def decisions_for(record_type: str, record_id: int) -> list[ReviewDecision]:
    return list(
        ReviewDecision.objects.filter(record_type=record_type, record_id=record_id)
        .select_related("decided_by", "rule", "assigned_rule")
        .order_by("-decided_at", "-pk")
    )


def tombstones(user: Actor) -> list[Tombstone]:
    if not is_reviewer(user):
        return []
    return list(
        Tombstone.objects.filter(agency_id=agency_id_of(user))
        .select_related("decision__rule", "disposed_by")
        .order_by("-disposed_at")[:200]
    )


# Consultation rows for reads shown on both channels ---------------------------------------


def consult_review_queue(user: Actor, shown: Page[Entry]) -> None:
    """A page of the review queue shown (web or API): one consultation row naming the
    people on it (a concern's or an entry's row names no one)."""
    audit.record_list(
        actor=user,
        event="retention.queue_viewed",
        subjects=[e.record_id if e.record_type == RecordType.PERSON else None for e in shown],
        justification="Viewed the retention review queue",
        details={"page": shown.number, "due": shown.paginator.count},
    )


def _subject_of(record_type: str, record: Model) -> int | None:
    """Whose data a review page shows: the person, or whom the concern or entry is about."""
    if record_type == RecordType.PERSON:
        pk: int = record.pk  # Model.pk is Any in django-stubs
        return pk
    if isinstance(record, Concern):
        return record.child_id
    if isinstance(record, Submission):
        return record.subject_id
    return None


def consult_review(user: Actor, record_type: str, record: Model, *, justification: str) -> None:
    """A record due for review opened (to review it, or to confirm its disposal):
    recorded as a consultation of whose data it is."""
    audit.record(
        actor=user,
        event="retention.review_viewed",
        obj=record,
        subject=_subject_of(record_type, record),
        justification=justification,
        details={"record_type": record_type, "record_id": record.pk},
    )


def view_tombstone(user: Actor, tombstone_id: int) -> Tombstone:
    """A disposal tombstone opened (web or API): recorded as a consultation naming the
    person disposed of, if it was a person."""
    tombstone = access_tombstone(user, tombstone_id)
    audit.record(
        actor=user,
        event="retention.tombstone_viewed",
        obj=tombstone,
        subject=tombstone.record_id if tombstone.record_type == RecordType.PERSON else None,
        justification="Viewed a disposal tombstone",
    )
    return tombstone
