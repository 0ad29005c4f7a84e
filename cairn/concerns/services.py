"""Every write for concerns: drafts, submission (observations and POLE mentions), risk
decisions (the trajectory) and pathway decisions. Keyword-only, actor first, atomic,
validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.core.concurrency import Conflict, DraftChanged, lock
from cairn.core.http import agency_of, require
from cairn.core.types import Actor
from cairn.intelligence.checks import no_danger_confirm
from cairn.notifications import services as notifications
from cairn.pole import mentions as pole_mentions
from cairn.pole import services as pole
from cairn.pole.access import access_person_by_id
from cairn.pole.models import LinkType, Person

from . import payload, screening
from .access import can_decide_risk, can_record_next_steps
from .models import (
    RISK_ORDER,
    Concern,
    ConcernStatus,
    IndicatorObservation,
    PathwayDecision,
    RiskDecision,
    RiskLevel,
)
from .selectors import concern_screening, draft_text_check, pathways_for

# The source type of the links a concern records (cairn.pole.models.LinkSource).
CONCERN_SOURCE = "concerns.concern"
DEFAULT_LINK = {
    "person": LinkType.ASSOCIATE,
    "vehicle": LinkType.SEEN_IN_VEHICLE,
    "phone": LinkType.OTHER,
    "online_account": LinkType.OTHER,
    "location": LinkType.SEEN_AT,
}


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def concern_start(*, actor: Actor, child: Person | None = None) -> Concern:
    require(actor, "concerns.add_concern")
    concern = Concern.objects.create(
        reporter=actor,
        reporter_agency=agency_of(actor),
        reporter_role=actor.job_title,
        child=child,
        draft={"child_id": child.pk} if child else {},
    )
    audit.record(
        actor=actor,
        event="concern.started",
        obj=concern,
        subject=child,
        justification="Started recording a concern",
    )
    return concern


@transaction.atomic
def concern_save_draft(
    *,
    actor: Actor,
    concern: Concern,
    data: dict[str, Any],
    expected_version: str | None = None,
) -> payload.Errors:
    """Merge `data` into the server-side draft and save it even when some of it is invalid,
    so nothing typed is lost; returns the field errors found in what was given. A step's
    typed answers kept for showing again (`_raw`, by step) merge step by step.
    `expected_version` is the draft's version the answers were reconciled with
    (`cairn.core.step_guard`): a save that overtook this one raises DraftChanged."""
    if concern.reporter_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can change it.")
    # Re-read under a lock: a save racing another (two tabs) merges into the latest draft,
    # and a save racing the submit is refused rather than changing a submitted concern.
    lock(concern)
    if concern.status != ConcernStatus.DRAFT:
        raise Conflict("This concern has already been submitted, so its draft cannot change.")
    if expected_version is not None and expected_version != concern.version:
        raise DraftChanged(concern.updated_at)
    draft = {**concern.draft, **data}
    if "_raw" in data:
        raw = {**(concern.draft.get("_raw") or {}), **data["_raw"]}
        draft["_raw"] = {step: kept for step, kept in raw.items() if kept}
    _, errors = payload.clean(draft, today=_today(), require_complete=False)
    before = (concern.draft, concern.child_id)
    concern.draft = draft
    fields = ["draft", "updated_at"]
    if "child_id" in data and "child_id" not in errors and data["child_id"]:
        concern.child = access_person_by_id(actor, int(data["child_id"]))
        fields.append("child")
    # Saved only when something changed: the draft's version (updated_at) is what a check
    # page open in another tab is measured against, and paging through the steps without
    # changing anything must not make that page stale.
    if (concern.draft, concern.child_id) != before:
        concern.save(update_fields=fields)
    audit.record(
        actor=actor,
        event="concern.draft_saved",
        obj=concern,
        subject=concern.child,
        justification="Concern draft saved",
        details={"fields": sorted(data)},
    )
    return errors


NO_DANGER_CONFIRM = no_danger_confirm("change your answer about immediate danger")


@transaction.atomic
def concern_submit(
    *,
    actor: Actor,
    concern: Concern,
    no_danger_now: bool = False,
    expected_version: str | None = None,
) -> Concern:
    """Submit a draft once: the row is locked and its state re-read, so a second submit
    (a double click, a retried POST) waits for the first and returns its result instead
    of recording the signs twice. `expected_version` is the draft's `version` when the
    check page was drawn: a draft changed since (another tab) raises DraftChanged and
    nothing is submitted, rather than sending answers the reporter never saw. When the
    text check reads the narrative as danger now but the answer is "no", the reporter must
    confirm nobody is in danger (as on the FIB form, ADR 0019): the answer is theirs, but
    it is not taken unquestioned."""
    if concern.reporter_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can submit it.")
    lock(concern)
    if concern.status != ConcernStatus.DRAFT:
        return concern
    if expected_version is not None and expected_version != concern.version:
        raise DraftChanged(concern.updated_at)
    clean, errors = payload.clean(concern.draft, today=_today(), require_complete=True)
    danger_now = draft_text_check(concern).danger_now
    confirm = danger_now and clean.immediate_danger is False
    if confirm and not no_danger_now and not errors:
        errors = {"no_danger_now": [NO_DANGER_CONFIRM]}
    if errors:
        raise ValidationError(errors)
    assert clean.child_id is not None
    child = access_person_by_id(actor, clean.child_id)
    if child.category != "child":
        raise ValidationError({"child_id": ["Concerns are about a child: choose a child's record"]})
    concern.child = child
    for name in (
        "reporter_role",
        "observed_on",
        "observed_time",
        "observed_where",
        "narrative",
        "exploitation_types",
        "exploitation_model",
        "boyfriend_stage",
        "immediate_danger",
        "crime_disclosed",
        "crime_reference",
    ):
        setattr(concern, name, getattr(clean, name))
    concern.status = ConcernStatus.SUBMITTED
    concern.submitted_at = timezone.now()
    concern.save()
    IndicatorObservation.objects.bulk_create(
        IndicatorObservation(
            child=child,
            indicator=item.indicator,
            concern=concern,
            observed_on=item.observed_on,
            evidence=item.evidence,
            source=f"Concern {concern.reference}",
            recorded_by=actor,
        )
        for item in clean.indicators
    )
    # The phones, vehicles and accounts named, found or made below: their keys locked
    # first, so a concern submitted at the same moment naming the same new phone finds
    # this one's record instead of making a second.
    pole_mentions.lock_mentions(clean.mentions)
    # Links to records that exist already may be recorded: take them before the first
    # audit row (new records made below audit as they are made).
    pole.links_lock(
        [
            (child.pk, existing, mention.get("link_type") or DEFAULT_LINK[mention["kind"]])
            for mention in clean.mentions
            if (existing := pole_mentions.existing_entity(actor, mention)) is not None
        ]
    )
    mentions = []
    for index, mention in enumerate(clean.mentions):
        try:
            entity_id = pole_mentions.entity_for_mention(
                actor, mention, justification="Named in a concern"
            )
        except ValidationError as exc:
            raise ValidationError({f"mentions.{index}": exc.messages}) from exc
        # The record each detail became, kept with it: an intelligence entry started from
        # this concern offers the people it names as the entry's subject, and the FIB's
        # linking step offers the record first.
        mentions.append({**mention, "record_id": entity_id})
        if entity_id == child.pk:
            continue
        pole.link_record(
            actor=actor,
            from_entity_id=child.pk,
            to_entity_id=entity_id,
            link_type=mention.get("link_type") or DEFAULT_LINK[mention["kind"]],
            started_on=clean.observed_on,
            source_type=CONCERN_SOURCE,
            source_id=str(concern.pk),
            source_note=f"Mentioned in concern {concern.reference}"
            + (f": {mention['note']}" if mention.get("note") else ""),
        )
    if mentions:
        concern.draft = {**concern.draft, "mentions": mentions}
        concern.save(update_fields=["draft", "updated_at"])
    audit.record(
        actor=actor,
        event="concern.submitted",
        obj=concern,
        subject=child,
        justification="Concern recorded",
        details={
            "indicators": len(clean.indicators),
            "mentions": len(clean.mentions),
            "danger_now": danger_now,
            "no_danger_confirmed": confirm,
        },
    )
    return concern


@transaction.atomic
def concern_create(*, actor: Actor, data: dict[str, Any], no_danger_now: bool = False) -> Concern:
    """Start, fill and submit in one step (the API)."""
    concern = concern_start(actor=actor)
    concern.draft = dict(data)
    concern.save(update_fields=["draft"])
    return concern_submit(actor=actor, concern=concern, no_danger_now=no_danger_now)


def _ppu_coordinators() -> list[User]:
    return list(User.objects.filter(role=Role.PPU_COORDINATOR, is_active=True))


# A decision sent again within this time (a resent form, a second tab) is the same decision.
RISK_REPEAT_WINDOW = dt.timedelta(minutes=10)


def _repeated_risk_decision(
    *, actor: Actor, concern: Concern, level: str, rationale: str
) -> RiskDecision | None:
    """The concern's latest decision if it is this one again: the same level and rationale
    by the same person, moments ago. Recording it twice would put two decisions in the
    child's trajectory and notify the PPU twice."""
    latest = RiskDecision.objects.filter(concern=concern).order_by("-decided_at", "-pk").first()
    if (
        latest is not None
        and latest.decided_by_id == actor.pk
        and latest.level == level
        and latest.rationale == rationale.strip()
        and latest.decided_at >= timezone.now() - RISK_REPEAT_WINDOW
    ):
        return latest
    return None


@transaction.atomic
def risk_decision_record(
    *, actor: Actor, concern: Concern, level: str, rationale: str
) -> RiskDecision:
    require(actor, "concerns.add_concern")
    # Decisions on one concern run one after the other (ADR 0015), so a repeat below sees
    # the first.
    lock(concern)
    if concern.status == ConcernStatus.DRAFT or concern.child is None:
        raise ValidationError({"level": ["Submit the concern before deciding the risk level"]})
    if not can_decide_risk(actor, concern):
        raise PermissionDenied("Only the person who recorded the concern decides its risk level.")
    child = access_person_by_id(actor, concern.child.pk)
    errors: dict[str, list[str]] = {}
    if level not in RiskLevel.values:
        errors["level"] = ["Select a risk level"]
    if not rationale.strip():
        errors["rationale"] = ["Explain why you chose this level"]
    result, facts = concern_screening(concern, child)
    forbidden = screening.forbidden_levels(
        has_indicators=facts["has_indicators"],
        age=facts["age"],
        has_learning_disability=child.has_learning_disability,
    )
    if level in forbidden:
        errors.setdefault("level", []).append(forbidden[level])
    if errors:
        raise ValidationError(errors)
    repeat = _repeated_risk_decision(actor=actor, concern=concern, level=level, rationale=rationale)
    if repeat is not None:
        return repeat
    previous = RiskDecision.objects.filter(child=child).order_by("-decided_at", "-pk").first()
    decision = RiskDecision.objects.create(
        child=child,
        concern=concern,
        suggested_level=result.suggested_level,
        suggested_reasons=result.reasons,
        level=level,
        rationale=rationale.strip(),
        decided_by=actor,
    )
    if concern.status == ConcernStatus.SUBMITTED:
        concern.status = ConcernStatus.SCREENED
        concern.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        event="risk.decided",
        obj=decision,
        subject=child,
        justification=rationale.strip()[:500],
        details={
            "level": level,
            "suggested": result.suggested_level,
            "previous": previous.level if previous else None,
        },
    )
    rose = (
        previous is not None
        and RISK_ORDER[RiskLevel(level)] > RISK_ORDER[RiskLevel(previous.level)]
    )
    if level == RiskLevel.SIGNIFICANT or rose:
        what = (
            "a child has been assessed as at significant risk"
            if level == RiskLevel.SIGNIFICANT
            else f"a child's risk has risen to {RiskLevel(level).label.lower()}"
        )
        notifications.notify(
            sender=actor,
            recipients=_ppu_coordinators(),
            kind="risk.raised",
            title=f"Concern {concern.reference}: {what}",
            body=f"Recorded by {actor.get_full_name() or actor.username} "
            f"({actor.agency.name if actor.agency else 'no agency'}).",
            url=reverse("concerns:detail", args=[concern.pk]),
            obj=concern,
        )
    return decision


@transaction.atomic
def pathway_decisions_record(
    *, actor: Actor, concern: Concern, decisions: dict[str, tuple[bool, str]]
) -> list[PathwayDecision]:
    """`decisions` maps pathway code to (taken, note). A recommended pathway that was not
    taken needs a reason; the NRM can only be taken by a first-responder agency."""
    if concern.reporter_id != actor.pk:
        raise PermissionDenied("Only the person who recorded the concern records its next steps.")
    # Recording next steps twice at once (a resent form) replaces them once, in turn,
    # instead of both inserting and breaking the one-decision-per-pathway constraint.
    lock(concern)
    if not can_record_next_steps(actor, concern):
        raise ValidationError({"__all__": ["Decide the risk level before recording next steps"]})
    recommended = {r.code: r for r in pathways_for(concern, actor)}
    errors: dict[str, list[str]] = {}
    for code, rec in recommended.items():
        if code not in decisions:
            errors[code] = [f"Say whether you did this: {rec.reason}"]
    for code, (taken, note) in decisions.items():
        recommendation = recommended.get(code)
        if recommendation is not None and not taken and not note.strip():
            errors[code] = ["Explain why you did not do this"]
        if code == "nrm" and taken and not (actor.agency and actor.agency.is_first_responder):
            errors[code] = ["Only first-responder agencies can make an NRM referral"]
    if errors:
        raise ValidationError(errors)
    PathwayDecision.objects.filter(concern=concern).delete()
    rows = PathwayDecision.objects.bulk_create(
        PathwayDecision(
            concern=concern,
            code=code,
            recommended=code in recommended,
            recommendation_reason=recommended[code].reason if code in recommended else "",
            taken=taken,
            note=note.strip(),
            decided_by=actor,
        )
        for code, (taken, note) in sorted(decisions.items())
    )
    concern.status = ConcernStatus.COMPLETE
    concern.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        event="concern.pathways_recorded",
        obj=concern,
        subject=concern.child,
        justification="Next steps recorded",
        details={code: taken for code, (taken, _note) in decisions.items()},
    )
    return rows


@transaction.atomic
def concern_discard_draft(*, actor: Actor, concern: Concern) -> None:
    """Delete an unsubmitted draft (its typed content is personal data): an erasure."""
    if concern.reporter_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can delete it.")
    lock(concern)
    if concern.status != ConcernStatus.DRAFT:
        raise Conflict("This concern has already been submitted, so it cannot be deleted.")
    audit.record(
        actor=actor,
        event="concern.draft_discarded",
        obj=concern,
        subject=concern.child,
        justification="Draft concern deleted by its author",
    )
    concern.delete()


@transaction.atomic
def concern_record_crime(
    *, actor: Actor, concern: Concern, crime_reference: str = "", source: str = ""
) -> Concern:
    """The police judged what a concern describes a crime (the FIB, from intelligence made
    from the concern) or recorded it under a crime reference: the concern then says so,
    whatever the reporter answered. Called by the intelligence services, which check the
    actor may do this; the reporter's own answer stays in the audit log."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    before = {
        "crime_disclosed": concern.crime_disclosed,
        "crime_reference": concern.crime_reference,
    }
    concern.crime_disclosed = True
    if crime_reference:
        concern.crime_reference = crime_reference[:60]
    if before == {"crime_disclosed": True, "crime_reference": concern.crime_reference}:
        return concern
    concern.save(update_fields=["crime_disclosed", "crime_reference", "updated_at"])
    audit.record(
        actor=actor,
        event="concern.crime_recorded",
        obj=concern,
        subject=concern.child,
        justification=(
            f"Crime reported, reference {crime_reference}"
            if crime_reference
            else "Judged a crime by the Force Intelligence Bureau"
        )
        + (f" ({source})" if source else ""),
        details={"before": before, "crime_reference": concern.crime_reference},
    )
    return concern
