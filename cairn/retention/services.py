"""Retention writes: default rules for an agency, a review kept, and disposal of a person
record (issue 16, items 1 and 2; ADR 0024). Every write is in a transaction and audited.

Disposal erases personal data in place rather than deleting rows: closed referrals,
concerns, meetings and the audit log still point at the record's id, and those pointers
now lead to a tombstone. What it removes, for a person record:
- the person's fields (names, date of birth, description, needs) and the entity's label;
- every name and alias (the person search and identity-matching index);
- every link to or from the record, with its sources, and every share of it;
- possible-duplicate pairs naming it (the matching review queue) and the undo data of
  merges into it;
- mentions of it in intelligence entries, and, in the entries and concerns about it that
  its own agency recorded, the free text and drafts (the full-text index follows: a
  stored generated column on PostgreSQL, the FTS5 table on SQLite);
- the draft details of its agency's referrals about it, and the free text of its
  agency's (closed) missing episodes;
- the personal values kept beside audit rows about it (the rows and the chain stay).
Network views and exports, PDFs and search are built from these at request time, so
nothing of the record reaches them afterwards. Records of other agencies linked to it
are not touched; their owners are told, without personal data, with a link.

A concern or an intelligence entry is disposed of on its own (`concern_dispose`,
`submission_dispose`; `record_dispose` dispatches on the record type). Its row stays
(referrals, risk decisions, disseminations and the audit log point at it), marked
`disposed_at` so every everyday read leaves it out (the apps' access layers), and:
- a concern loses its free text (narrative, where, reporter's role, crime reference,
  draft), that of its indicator observations (evidence, source: the indicator and date
  stay in the child's screening), its pathway decisions' notes and reasons, and the
  rationale of risk decisions made from it (the level stays in the child's trajectory);
- an entry loses the free text _erase_person clears for its agency's entries, its
  structured mentions and drafts, its source record (who the source is: deleted), its
  links to POLE records (mentions), its full-text index, and its disseminations' reasons;
- both lose the link sources citing them, and a link whose only source this was.
The person the record is about is not touched."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.concerns.models import Concern, IndicatorObservation, PathwayDecision, RiskDecision
from cairn.core.concurrency import Conflict
from cairn.core.http import agency_id_of
from cairn.core.types import Actor
from cairn.intelligence import search as intel_search
from cairn.intelligence.linking import INTEL_SOURCE
from cairn.intelligence.models import Dissemination, SourceRecord, Submission, SubmissionEntity
from cairn.missing.models import MissingEpisode
from cairn.network.models import CandidatePair, PersonMerge
from cairn.notifications import services as notifications
from cairn.pole import services as pole_services
from cairn.pole.models import (
    Entity,
    EntityKind,
    EntityShare,
    Ethnicity,
    Link,
    LinkSource,
    LookedAfter,
    Person,
    PersonName,
    Sex,
)
from cairn.referrals.models import Referral

from . import access, selectors
from .models import Outcome, RecordType, RetentionRule, ReviewDecision, Tombstone
from .rules import default_rules

DISPOSED_LABEL = "Disposed record"
REDACTED = "[Disposed of under the retention schedule]"


def rules_seed(*, actor: Actor | None, agency: Agency) -> int:
    """The default rules for the agency's kind (rules.py), added where missing; existing
    rules (perhaps changed by the agency) are left alone. Returns how many were added."""
    added = 0
    with transaction.atomic():
        for spec in default_rules(agency.kind):
            _, created = RetentionRule.objects.get_or_create(
                agency=agency,
                record_type=spec.record_type,
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "authority": spec.authority,
                    "condition": spec.condition,
                    "clock": spec.clock,
                    "years": spec.years,
                    "review_every_years": spec.review_every_years,
                    "priority": spec.priority,
                },
            )
            added += created
        if added:
            details = {"agency": agency.pk, "rules": added}
            if actor is None:
                audit.record_system(
                    event="retention.rules_seeded",
                    justification="Default retention rules",
                    details=details,
                )
            else:
                audit.record(
                    actor=actor,
                    event="retention.rules_seeded",
                    justification="Default retention rules",
                    details=details,
                )
    return added


def _lock(record_type: str, record_id: int) -> None:
    """Serialise decisions on one record: two reviewers submitting at once, or a double
    click, see each other's decision (the person's entity row; the record row otherwise)."""
    model: Any = {
        RecordType.PERSON: Entity,
        RecordType.CONCERN: Concern,
        RecordType.SUBMISSION: Submission,
    }[RecordType(record_type)]
    model.objects.select_for_update().filter(pk=record_id).first()


# A decision this recent explains a "not due" answer: two reviewers, or a double submit.
RECENT_DECISION = dt.timedelta(hours=1)


def _require_due(entry: selectors.Entry, today: dt.date) -> None:
    if entry.rule is None:
        raise ValidationError(
            {"__all__": "No retention rule applies to this record: add one for its type."}
        )
    if entry.due.on is None or entry.due.on > today:
        decided = entry.last_decision.decided_at if entry.last_decision else None
        if decided is not None and decided > timezone.now() - RECENT_DECISION:
            at = timezone.localtime(decided)
            raise Conflict(
                f"This record is not due for review: someone reviewed it at {at:%H:%M} "
                f"on {at:%-d %B %Y}."
            )
        when = f" until {entry.due.on:%-d %B %Y}" if entry.due.on else ""
        raise ValidationError({"__all__": f"This record is not due for review{when}."})


@transaction.atomic
def record_retain(
    *,
    actor: Actor,
    record_type: str,
    record_id: int,
    reason: str,
    next_review_on: dt.date | None,
    assigned_rule_id: int | None = None,
) -> ReviewDecision:
    """Keep a record that is due: the reason, the next review, and optionally a different
    rule of the agency's for it from now on (e.g. MoPI group 2)."""
    record = access.access_record(actor, record_type, record_id)
    _lock(record_type, record.pk)
    today = timezone.localdate()
    entry = selectors.review_entry(actor, record_type, record.pk)
    _require_due(entry, today)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Say why the record is kept"
    if next_review_on is None:
        errors["next_review_on"] = "Enter the date of the next review"
    elif next_review_on <= today:
        errors["next_review_on"] = "The next review must be after today"
    elif next_review_on > today.replace(year=today.year + 10):
        errors["next_review_on"] = "The next review must be within 10 years"
    assigned = None
    if assigned_rule_id is not None:
        assigned = RetentionRule.objects.filter(
            pk=assigned_rule_id, agency_id=agency_id_of(actor), record_type=record_type
        ).first()
        if assigned is None:
            errors["rule"] = "Choose one of your agency's rules for this kind of record"
    if errors:
        raise ValidationError(errors)
    assert entry.rule is not None
    decision = ReviewDecision.objects.create(
        record_type=record_type,
        record_id=record.pk,
        agency_id=agency_id_of(actor),
        rule=entry.rule,
        assigned_rule=assigned,
        outcome=Outcome.RETAIN,
        reason=reason.strip(),
        next_review_on=next_review_on,
        due_on=entry.due.on,
        last_activity_on=entry.last_activity_on,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        event="retention.retained",
        obj=decision,
        subject=record.pk if record_type == RecordType.PERSON else None,
        justification=reason.strip()[:500],
        details={
            "record_type": record_type,
            "record_id": record.pk,
            "rule": entry.rule.code,
            "assigned_rule": assigned.code if assigned else None,
            "next_review_on": next_review_on.isoformat() if next_review_on else None,
        },
    )
    return decision


@transaction.atomic
def person_dispose(*, actor: Actor, person_id: int, reason: str) -> Tombstone:
    """Dispose of a person record that is due, has nothing blocking it, and is not
    restricted. Irreversible: the confirmation page says so."""
    person = access.access_record(actor, RecordType.PERSON, person_id)
    assert isinstance(person, Person)
    _lock(RecordType.PERSON, person.pk)
    entity = Entity.objects.get(pk=person.pk)
    if entity.disposed_at is not None:
        raise Conflict("This record has already been disposed of.")
    today = timezone.localdate()
    entry = selectors.review_entry(actor, RecordType.PERSON, person.pk)
    _require_due(entry, today)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is disposed of"})
    if entry.blockers:
        raise ValidationError(
            {"__all__": ["This record cannot be disposed of yet.", *entry.blocker_texts]}
        )
    assert entry.rule is not None
    now = timezone.now()
    decision = ReviewDecision.objects.create(
        record_type=RecordType.PERSON,
        record_id=person.pk,
        agency_id=agency_id_of(actor),
        rule=entry.rule,
        outcome=Outcome.DISPOSE,
        reason=reason.strip(),
        due_on=entry.due.on,
        last_activity_on=entry.last_activity_on,
        decided_by=actor,
        decided_at=now,
    )
    owners = _other_owners(entity)
    removed = _erase_person(person, entity, now)
    tombstone = Tombstone.objects.create(
        record_type=RecordType.PERSON,
        record_id=person.pk,
        agency_id=agency_id_of(actor),
        category=person.category,
        decision=decision,
        disposed_by=actor,
        disposed_at=now,
        removed=removed,
        owners_told=sorted({agency.name for agency, _ in owners}),
    )
    audit.record(
        actor=actor,
        event="retention.disposed",
        obj=tombstone,
        subject=person.pk,
        justification=reason.strip()[:500],
        details={
            "record_type": RecordType.PERSON.value,
            "record_id": person.pk,
            "rule": entry.rule.code,
            "decision": decision.pk,
            "removed": removed,
            "owners_told": sorted({agency.pk for agency, _ in owners}),
        },
    )
    _tell_owners(actor, owners)
    return tombstone


def _other_owners(entity: Entity) -> list[tuple[Agency, Entity]]:
    """The records of other agencies linked to this one, each with its agency."""
    links = Link.objects.filter(Q(from_entity=entity) | Q(to_entity=entity)).values_list(
        "from_entity_id", "to_entity_id"
    )
    other_ids = {b if a == entity.pk else a for a, b in links}
    others = Entity.objects.filter(pk__in=other_ids).exclude(
        owning_agency_id=entity.owning_agency_id
    )
    return [(e.owning_agency, e) for e in others.select_related("owning_agency", "created_by")]


def _tell_owners(actor: Actor, owners: list[tuple[Agency, Entity]]) -> None:
    """One notification per linked record, to whoever recorded it (or, if they have
    left, their agency's IG admins). No personal data: a link to their own record."""
    for agency, other in owners:
        recipients: list[Any] = []
        creator = other.created_by
        if creator is not None and creator.is_active and creator.agency_id == agency.pk:
            recipients = [creator]
        else:
            recipients = list(
                User.objects.filter(agency=agency, role=Role.IG_ADMIN, is_active=True)
            )
        url = (
            reverse("pole:person-detail", kwargs={"person_id": other.pk})
            if other.kind == EntityKind.PERSON
            else reverse("pole:object-search")
        )
        notifications.notify(
            recipients=recipients,
            kind="retention.linked_disposed",
            title="A record linked to one of yours was disposed of",
            body=(
                f"Another agency disposed of a record under its retention schedule. It was "
                f"linked to {other.label} (record {other.pk}), one of your agency's records: "
                "that link has been removed. Nothing else in your record was changed."
            ),
            url=url,
            obj=other,
            sender=actor,
        )


def _erase_person(person: Person, entity: Entity, now: dt.datetime) -> dict[str, int]:
    removed: dict[str, int] = defaultdict(int)
    pk = person.pk
    agency_id = entity.owning_agency_id

    removed["names"] = PersonName.objects.filter(person_id=pk).delete()[1].get("pole.PersonName", 0)
    links = Link.objects.filter(Q(from_entity_id=pk) | Q(to_entity_id=pk))
    removed["links"] = links.count()
    links.delete()  # their sources cascade
    removed["shares"] = (
        EntityShare.objects.filter(entity_id=pk).delete()[1].get("pole.EntityShare", 0)
    )
    removed["duplicate_pairs"] = (
        CandidatePair.objects.filter(Q(person_a_id=pk) | Q(person_b_id=pk))
        .delete()[1]
        .get("network.CandidatePair", 0)
    )
    removed["intelligence_mentions"] = (
        SubmissionEntity.objects.filter(entity_id=pk)
        .delete()[1]
        .get("intelligence.SubmissionEntity", 0)
    )
    # The entries and concerns about this person that its own agency recorded: their
    # free text names the person. Another agency's are its own records: left, and their
    # link to this record shows only the tombstone.
    entries = Submission.objects.filter(subject_id=pk, submitter_agency_id=agency_id)
    for submission in entries.select_for_update():
        for name in (
            "subject_description",
            "what",
            "where",
            "further_information",
            "sanitised_text",
            "sanitised_keys",
            "handling_conditions",
            "triage_note",
            "return_note",
            "crime_judgement_note",
            "intel_only_reason",
        ):
            setattr(submission, name, "")
        submission.what = REDACTED
        submission.mentions = []
        submission.draft_source = {}
        submission.check_result = {}
        submission.save()
        intel_search.fts_sync(submission.pk, "")
        removed["intelligence_entries_redacted"] += 1
    concerns = Concern.objects.filter(child_id=pk, reporter_agency_id=agency_id)
    removed["concerns_redacted"] = concerns.update(
        narrative=REDACTED, observed_where="", draft={}, reporter_role=""
    )
    removed["missing_episodes_redacted"] = MissingEpisode.objects.filter(
        child_id=pk, owning_agency_id=agency_id
    ).update(circumstances=REDACTED, where_found="", rhi_notes="", reported_by="")
    removed["referral_drafts_cleared"] = Referral.objects.filter(
        child_id=pk, sender_agency_id=agency_id
    ).update(details={})
    # A merge into this record kept its before-state and the absorbed record's rows (the
    # same person's data) so it could be undone; disposal ends that.
    removed["merge_snapshots_cleared"] = PersonMerge.objects.filter(survivor_id=pk).update(
        snapshot="[]", survivor_before={}, absorbed_label=DISPOSED_LABEL
    )
    removed["audit_values"] = audit.erase_values(subject_id=pk)

    Person.objects.filter(pk=pk).update(
        given_name=DISPOSED_LABEL,
        family_name="",
        date_of_birth=None,
        estimated_age=None,
        estimated_age_on=None,
        sex=Sex.UNKNOWN,
        ethnicity=Ethnicity.NOT_KNOWN,
        first_language="",
        interpreter_needed=False,
        sen_disability="",
        has_learning_disability=False,
        looked_after=LookedAfter.NO,
        description="",
    )
    Entity.objects.filter(pk=pk).update(
        label=DISPOSED_LABEL, hub_shared=False, disposed_at=now, updated_at=now
    )
    return dict(removed)


# Concerns and intelligence entries ----------------------------------------------------

CONCERN_SOURCE = "concerns.concern"  # as cairn/concerns/services.py names it on links
# The free text an entry holds: what _erase_person clears in its agency's entries too.
SUBMISSION_TEXT = (
    "subject_description",
    "what",
    "where",
    "further_information",
    "sanitised_text",
    "sanitised_keys",
    "handling_conditions",
    "triage_note",
    "return_note",
    "crime_judgement_note",
    "intel_only_reason",
    "crime_reference",
)


def record_dispose(*, actor: Actor, record_type: str, record_id: int, reason: str) -> Tombstone:
    """Dispose of a record of any reviewable type (the web page and the API call this)."""
    if record_type == RecordType.PERSON:
        return person_dispose(actor=actor, person_id=record_id, reason=reason)
    if record_type == RecordType.CONCERN:
        return concern_dispose(actor=actor, concern_id=record_id, reason=reason)
    if record_type == RecordType.SUBMISSION:
        return submission_dispose(actor=actor, submission_id=record_id, reason=reason)
    raise Http404("No record found.")


def _decide_disposal(
    actor: Actor, record_type: str, record_id: int, reason: str
) -> tuple[selectors.Entry, ReviewDecision]:
    """The checks every disposal makes once it holds the row lock (due, a reason, nothing
    blocking), then the decision. Raises ValidationError (or Conflict) saying why not."""
    today = timezone.localdate()
    entry = selectors.review_entry(actor, record_type, record_id)
    _require_due(entry, today)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is disposed of"})
    if entry.blockers:
        raise ValidationError(
            {"__all__": ["This record cannot be disposed of yet.", *entry.blocker_texts]}
        )
    assert entry.rule is not None
    decision = ReviewDecision.objects.create(
        record_type=record_type,
        record_id=record_id,
        agency_id=agency_id_of(actor),
        rule=entry.rule,
        outcome=Outcome.DISPOSE,
        reason=reason.strip(),
        due_on=entry.due.on,
        last_activity_on=entry.last_activity_on,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    return entry, decision


def _leave_tombstone(
    actor: Actor,
    *,
    record_type: str,
    record_id: int,
    subject_id: int | None,
    entry: selectors.Entry,
    decision: ReviewDecision,
    removed: dict[str, int],
) -> Tombstone:
    tombstone = Tombstone.objects.create(
        record_type=record_type,
        record_id=record_id,
        agency_id=agency_id_of(actor),
        decision=decision,
        disposed_by=actor,
        disposed_at=decision.decided_at,
        removed=removed,
        owners_told=[],
    )
    assert entry.rule is not None
    audit.record(
        actor=actor,
        event="retention.disposed",
        obj=tombstone,
        subject=subject_id,
        justification=decision.reason[:500],
        details={
            "record_type": str(record_type),
            "record_id": record_id,
            "rule": entry.rule.code,
            "decision": decision.pk,
            "removed": removed,
        },
    )
    return tombstone


@transaction.atomic
def concern_dispose(*, actor: Actor, concern_id: int, reason: str) -> Tombstone:
    """Dispose of a concern of the actor's agency that is due and not blocked: its free
    text (and that of its observations and decisions) is erased, the links it asserted
    lose it as a source, and it is withheld from everyone. Irreversible."""
    found = access.access_record(actor, RecordType.CONCERN, concern_id, disposed_too=True)
    _lock(RecordType.CONCERN, found.pk)
    concern = Concern.objects.get(pk=found.pk)
    if concern.disposed_at is not None:
        raise Conflict("This record has already been disposed of.")
    entry, decision = _decide_disposal(actor, RecordType.CONCERN, concern.pk, reason)
    removed = _erase_concern(concern, decision.decided_at)
    return _leave_tombstone(
        actor,
        record_type=RecordType.CONCERN,
        record_id=concern.pk,
        subject_id=concern.child_id,
        entry=entry,
        decision=decision,
        removed=removed,
    )


@transaction.atomic
def submission_dispose(*, actor: Actor, submission_id: int, reason: str) -> Tombstone:
    """Dispose of an intelligence entry of the actor's agency that is due and not blocked:
    its text, source record, mentions and search index are erased, the links it asserted
    lose it as a source, and it is withheld from everyone (the FIB too). Irreversible."""
    found = access.access_record(actor, RecordType.SUBMISSION, submission_id, disposed_too=True)
    _lock(RecordType.SUBMISSION, found.pk)
    submission = Submission.objects.get(pk=found.pk)
    if submission.disposed_at is not None:
        raise Conflict("This record has already been disposed of.")
    entry, decision = _decide_disposal(actor, RecordType.SUBMISSION, submission.pk, reason)
    removed = _erase_submission(submission, decision.decided_at)
    return _leave_tombstone(
        actor,
        record_type=RecordType.SUBMISSION,
        record_id=submission.pk,
        subject_id=submission.subject_id,
        entry=entry,
        decision=decision,
        removed=removed,
    )


def _drop_link_sources(source_type: str, source_id: int) -> tuple[int, int]:
    """Remove a record as the source of the links it asserted. A link kept by another
    source stays, its dates and police-only flag rolled up from what is left; a link this
    record alone asserted goes. Returns (sources removed, links removed)."""
    sources = LinkSource.objects.filter(source_type=source_type, source_id=str(source_id))
    link_ids = sorted(set(sources.values_list("link_id", flat=True)))
    if not link_ids:
        return 0, 0
    links = list(Link.objects.select_for_update().filter(pk__in=link_ids).order_by("pk"))
    dropped = sources.delete()[1].get("pole.LinkSource", 0)
    gone = 0
    for link in links:
        if link.sources.exists():
            pole_services.link_roll_up(link)
        else:
            link.delete()
            gone += 1
    return dropped, gone


def _erase_concern(concern: Concern, now: dt.datetime) -> dict[str, int]:
    removed: dict[str, int] = {}
    pk = concern.pk
    Concern.objects.filter(pk=pk).update(
        narrative=REDACTED,
        observed_where="",
        observed_time=None,
        reporter_role="",
        crime_reference="",
        draft={},
        disposed_at=now,
        updated_at=now,
    )
    removed["concern_text"] = 1
    removed["observations_redacted"] = IndicatorObservation.objects.filter(concern_id=pk).update(
        evidence="", source=""
    )
    removed["pathway_notes_cleared"] = PathwayDecision.objects.filter(concern_id=pk).update(
        note="", recommendation_reason=""
    )
    removed["risk_rationales_redacted"] = RiskDecision.objects.filter(concern_id=pk).update(
        rationale=REDACTED
    )
    removed["link_sources"], removed["links"] = _drop_link_sources(CONCERN_SOURCE, pk)
    return removed


def _erase_submission(submission: Submission, now: dt.datetime) -> dict[str, int]:
    removed: dict[str, int] = {}
    pk = submission.pk
    blank: dict[str, Any] = dict.fromkeys(SUBMISSION_TEXT, "")
    Submission.objects.filter(pk=pk).update(
        **{
            **blank,
            "what": REDACTED,
            "mentions": [],
            "draft_source": {},
            "check_result": {},
            "when_time": None,
            "disposed_at": now,
            "updated_at": now,
        }
    )
    # The FTS5 row on SQLite; on PostgreSQL the stored generated column follows the text.
    intel_search.fts_sync(pk, "")
    removed["intelligence_text"] = 1
    removed["source_record"] = (
        SourceRecord.objects.filter(submission_id=pk)
        .delete()[1]
        .get("intelligence.SourceRecord", 0)
    )
    removed["intelligence_mentions"] = (
        SubmissionEntity.objects.filter(submission_id=pk)
        .delete()[1]
        .get("intelligence.SubmissionEntity", 0)
    )
    removed["dissemination_reasons_redacted"] = Dissemination.objects.filter(
        submission_id=pk
    ).update(reason=REDACTED)
    removed["link_sources"], removed["links"] = _drop_link_sources(INTEL_SOURCE, pk)
    return removed
