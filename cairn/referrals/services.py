"""Every write for referrals: drafts, the shared lifecycle (submit, acknowledge, accept,
decline, withdraw), MASH decisions and strategy discussions, NRM reference and grounds
decisions, documents and exports, and the timers. Keyword-only, actor first, atomic,
validated, audited: each lifecycle transition is a disclosure with its recipient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, Team, User
from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.concerns.access import access_concern_by_id
from cairn.concerns.models import Concern, RiskLevel
from cairn.concerns.selectors import latest_decision
from cairn.core.concurrency import Conflict, DraftChanged, lock
from cairn.core.http import agency_of, require
from cairn.core.types import Actor
from cairn.notifications import services as notifications
from cairn.pole import services as pole_services
from cairn.pole.access import access_person_by_id
from cairn.pole.models import Person, ShareBasis
from cairn.sharing import services as sharing
from cairn.sharing.models import Disclosure, DisclosureKind

from . import documents, payload, selectors
from .access import is_receiver, is_sender_side
from .models import (
    MashDecision,
    MashOutcome,
    NrmDecision,
    NrmOutcome,
    NrmStage,
    Referral,
    ReferralKind,
    ReferralStatus,
    StrategyDiscussion,
)
from .working_days import working_deadline

NRM_RECIPIENT = "Single Competent Authority (Home Office)"
MASH_WORKING_DAYS = 1
NRM_REASONABLE_GROUNDS_WORKING_DAYS = 5
# Hours the PPU / CSE co-ordinator has to acknowledge, by the child's confirmed risk level.
# (verify) Local protocols set these; they are deliberately one table.
PPU_ACK_HOURS = {
    RiskLevel.SIGNIFICANT: 1,
    RiskLevel.MODERATE: 4,
    RiskLevel.EMERGING: 24,
    RiskLevel.NONE: 72,
}
PPU_ACK_HOURS_UNASSESSED = 24


def _who(user: Actor, agency: Agency | None) -> str:
    name = user.get_full_name() or user.get_username()
    return f"{name} ({agency.name})" if agency else name


def _url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _transition_audit(
    actor: Actor, referral: Referral, event: str, recipient: str, justification: str, **details: Any
) -> None:
    audit.record(
        actor=actor,
        event=event,
        obj=referral,
        subject=referral.child_id,
        recipient=recipient,
        justification=justification,
        details={"kind": referral.kind, "status": referral.status, **details},
    )


def _recipient_choices(kind: str) -> list[tuple[int, str]]:
    return selectors.receiving_agencies(kind)


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


@transaction.atomic
def referral_start(
    *, actor: Actor, kind: str, child: Person, concern: Concern | None = None
) -> Referral:
    """A draft referral about a child the actor may see, pre-filled from the child's record
    (and the concern, which must be about the same child and visible to the actor)."""
    require(actor, "referrals.add_referral")
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": ["Choose the kind of referral"]})
    if kind == ReferralKind.NRM and not (actor.agency and actor.agency.is_first_responder):
        raise PermissionDenied("Only first-responder agencies can make an NRM referral.")
    child = access_person_by_id(actor, child.pk)
    if child.category != "child":
        raise ValidationError({"child_id": ["Referrals here are about a child"]})
    if concern is not None:
        concern = access_concern_by_id(actor, concern.pk)
        if concern.child_id != child.pk:
            raise ValidationError({"concern_id": ["That concern is about a different child"]})
    referral = Referral.objects.create(
        kind=kind,
        child=child,
        concern=concern,
        sender=actor,
        sender_agency=agency_of(actor),
        sender_team_id=actor.team_id,
        recipient_label=NRM_RECIPIENT if kind == ReferralKind.NRM else "",
        details=selectors.prefill(actor, kind, child, concern),
    )
    audit.record(
        actor=actor,
        event="referral.started",
        obj=referral,
        subject=child,
        justification=f"Started a {referral.get_kind_display()}",
        details={"kind": kind, "concern": concern.pk if concern else None},
    )
    return referral


def _check_draft_owner(actor: Actor, referral: Referral) -> None:
    if referral.sender_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can change it.")
    # The draft may have been sent (or deleted) since this request read it, by a request
    # racing this one (a double click): a conflict, not a refusal.
    try:
        lock(referral)
    except Referral.DoesNotExist:
        raise Conflict("This draft referral has been deleted.") from None
    if referral.status != ReferralStatus.DRAFT:
        raise Conflict(f"{referral.reference} has already been sent, so the draft cannot change.")


def _sent_already(actor: Actor, referral: Referral) -> bool:
    """Lock the referral; True when this sender already sent it (a repeated submit)."""
    if referral.sender_id != actor.pk:
        raise PermissionDenied("Only the person who started this draft can send it.")
    try:
        lock(referral)
    except Referral.DoesNotExist:
        raise Conflict("This draft referral has been deleted.") from None
    return referral.status != ReferralStatus.DRAFT


@transaction.atomic
def referral_save_draft(
    *,
    actor: Actor,
    referral: Referral,
    details: dict[str, Any],
    expected_version: str | None = None,
) -> Referral:
    """Store the answers given, as given: an empty answer replaces the stored one (the draft
    is what the user last saw); answers not given are kept. Validation waits for submit.
    `expected_version` is the draft's version the answers were reconciled with
    (`cairn.core.step_guard`): a save that overtook this one raises DraftChanged."""
    _check_draft_owner(actor, referral)
    if expected_version is not None and expected_version != referral.version:
        raise DraftChanged(referral.updated_at)
    referral.details = {**referral.details, **details}
    referral.save(update_fields=["details", "updated_at"])
    audit.record(
        actor=actor,
        event="referral.draft_saved",
        obj=referral,
        subject=referral.child_id,
        justification="Referral draft saved",
        details={"fields": sorted(details)},
    )
    return referral


def _due_at(referral: Referral, sent: dt.datetime) -> dt.datetime | None:
    local = timezone.localtime(sent)
    if referral.kind == ReferralKind.MASH:
        return working_deadline(local, MASH_WORKING_DAYS)
    if referral.kind == ReferralKind.NRM:
        return working_deadline(local, NRM_REASONABLE_GROUNDS_WORKING_DAYS)
    decision = latest_decision(referral.child)
    hours = PPU_ACK_HOURS[RiskLevel(decision.level)] if decision else PPU_ACK_HOURS_UNASSESSED
    return sent + dt.timedelta(hours=hours)


def _snapshot_risk(referral: Referral) -> None:
    """The child's current risk level and its reasons travel with the referral as they
    stood when it was sent."""
    decision = latest_decision(referral.child)
    if decision is None:
        referral.risk_level, referral.risk_reasons, referral.risk_decided_at = "", "", None
        return
    referral.risk_level = decision.level
    referral.risk_reasons = decision.rationale
    referral.risk_decided_at = decision.decided_at


def _disclose(actor: Actor, referral: Referral, claim: sharing.Claim) -> Disclosure | None:
    """Resolve and record the lawful basis of sending the referral. The NRM rests on the
    Modern Slavery Act (its recipient is outside Cairn, so no agreement covers it); a
    referral within the sender's own agency discloses nothing to another."""
    if referral.kind == ReferralKind.NRM:
        basis, to_agency = sharing.NRM_BASIS, None
    elif (
        referral.recipient_agency is None
        or referral.recipient_agency_id == referral.sender_agency_id
    ):
        return None
    else:
        to_agency = referral.recipient_agency
        basis = sharing.basis_resolve(
            from_agency=referral.sender_agency, to_agencies=[to_agency], claim=claim
        )
    return sharing.disclosure_record(
        actor=actor,
        kind=DisclosureKind.REFERRAL,
        reference=referral.reference,
        from_agency=referral.sender_agency,
        to_agency=to_agency,
        recipient=referral.recipient_name,
        basis=basis,
        subject=referral.child_id,
    )


def _share_child(actor: Actor, referral: Referral) -> None:
    """Access follows the work: the receiving agency may see the child it is asked to act
    on. (An NRM referral leaves Cairn for the Home Office, so nothing is shared here.)"""
    if referral.recipient_agency is None:
        return
    pole_services.entity_share_for_work(
        actor=actor,
        entity=referral.child.entity,
        agency=referral.recipient_agency,
        basis=ShareBasis.REFERRAL,
        source_id=str(referral.pk),
        # Neutral wording: people who may see the child but not the referral read this.
        reason=f"A referral from {referral.sender_agency.name} was sent to this agency",
        disclosure=referral.disclosure,
    )


@transaction.atomic
def referral_submit(
    *, actor: Actor, referral: Referral, claim: sharing.Claim | None = None
) -> Referral:
    """Send a draft once: a second submit (double click, resent form) waits for the row
    lock and returns the referral as the first sent it, with no second notification.
    The lawful basis is `claim`, or else what the draft's basis answers say."""
    if _sent_already(actor, referral):
        return referral
    if referral.kind == ReferralKind.NRM and not (actor.agency and actor.agency.is_first_responder):
        raise PermissionDenied("Only first-responder agencies can make an NRM referral.")
    clean, errors = payload.validate(
        referral.kind, referral.details, recipients=_recipient_choices(referral.kind)
    )
    if errors:
        raise ValidationError(errors)
    claim = claim or sharing.Claim.from_form(referral.details)
    now = timezone.now()
    referral.details = clean
    if "recipient_agency" in clean:
        agency_id = int(clean["recipient_agency"])
        referral.recipient_agency = Agency.objects.get(pk=agency_id)
        referral.recipient_team = selectors.receiving_team(referral.kind, agency_id)
        receivers = selectors.receivers(referral.kind, agency_id)
        if referral.kind == ReferralKind.PPU and receivers:
            referral.assignee = receivers[0]
    referral.disclosure = _disclose(actor, referral, claim)
    referral.status = ReferralStatus.SUBMITTED
    referral.submitted_at = now
    referral.due_at = _due_at(referral, now)
    _snapshot_risk(referral)
    referral.save()
    _share_child(actor, referral)
    _transition_audit(
        actor,
        referral,
        "referral.submitted",
        referral.recipient_name,
        f"{referral.get_kind_display()} sent",
        due_at=referral.due_at.isoformat() if referral.due_at else None,
    )
    if referral.kind == ReferralKind.PPU and referral.assignee is not None:
        targets: list[Any] = [referral.assignee]
    else:
        targets = selectors.receivers(referral.kind, referral.recipient_agency_id)
    if targets:
        notifications.notify(
            sender=actor,
            recipients=targets,
            kind=f"referral.{referral.kind}",
            title=f"New {referral.get_kind_display()}: {referral.reference}",
            body=f"From {_who(actor, actor.agency)}. "
            f"{referral.clock_label}: {timezone.localtime(referral.due_at):%-d %b %Y %H:%M}."
            if referral.due_at
            else "",
            url=_url(referral),
            obj=referral,
        )
    return referral


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    kind: str,
    child: Person,
    details: dict[str, Any],
    concern: Concern | None = None,
    claim: sharing.Claim | None = None,
) -> Referral:
    """Start, fill and send in one step (the API)."""
    referral = referral_start(actor=actor, kind=kind, child=child, concern=concern)
    referral.details = {**referral.details, **details}
    referral.save(update_fields=["details"])
    return referral_submit(actor=actor, referral=referral, claim=claim)


TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # action: (from statuses, to status, who: receiver | sender)
    "acknowledge": ((ReferralStatus.SUBMITTED,), ReferralStatus.ACKNOWLEDGED, "receiver"),
    "accept": (
        (ReferralStatus.SUBMITTED, ReferralStatus.ACKNOWLEDGED),
        ReferralStatus.ACCEPTED,
        "receiver",
    ),
    "decline": (
        (ReferralStatus.SUBMITTED, ReferralStatus.ACKNOWLEDGED),
        ReferralStatus.DECLINED,
        "receiver",
    ),
    "withdraw": (
        (ReferralStatus.SUBMITTED, ReferralStatus.ACKNOWLEDGED),
        ReferralStatus.WITHDRAWN,
        "sender",
    ),
}


PAST = {
    "acknowledge": "acknowledged",
    "accept": "accepted",
    "decline": "declined",
    "withdraw": "withdrawn",
}

# The audit event of each transition, spelt out so every recorded name can be found.
TRANSITION_EVENTS = {
    "acknowledge": "referral.acknowledged",
    "accept": "referral.accepted",
    "decline": "referral.declined",
    "withdraw": "referral.withdrawn",
}


def may_take_action(actor: Actor, referral: Referral, action: str) -> bool:
    """Whether the actor is on the side that takes `action`, whatever the status."""
    who = TRANSITIONS[action][2]
    return is_receiver(actor, referral) if who == "receiver" else is_sender_side(actor, referral)


def allowed_actions(actor: Actor, referral: Referral) -> list[str]:
    out = []
    for action, (sources, _target, who) in TRANSITIONS.items():
        if referral.status not in sources:
            continue
        if (who == "receiver" and is_receiver(actor, referral)) or (
            who == "sender" and is_sender_side(actor, referral)
        ):
            out.append(action)
    return out


@transaction.atomic
def referral_transition(
    *, actor: Actor, referral: Referral, action: str, reason: str = ""
) -> Referral:
    if action not in TRANSITIONS:
        raise ValidationError({"action": ["Unknown action"]})
    sources, target, who = TRANSITIONS[action]
    if not may_take_action(actor, referral, action):
        raise PermissionDenied("You cannot do this to this referral.")
    # Decide on the committed state, under the row lock: of two people declining and
    # withdrawing at once, the second is refused instead of overwriting the first.
    lock(referral)
    if referral.status not in sources:
        raise Conflict(
            f"{referral.reference} has already been {referral.get_status_display().lower()}, "
            f"so it cannot be {PAST[action]} now. Nothing has been changed."
        )
    reason = reason.strip()
    if action in ("decline", "withdraw") and not reason:
        raise ValidationError({"reason": [f"Give a reason to {action} the referral"]})
    now = timezone.now()
    fields = ["status", "updated_at"]
    referral.status = target
    if action == "acknowledge":
        referral.acknowledged_at = now
        fields.append("acknowledged_at")
        if referral.kind == ReferralKind.PPU:
            referral.clock_stopped_at = now
            fields.append("clock_stopped_at")
    elif action == "accept":
        referral.accepted_at = now
        fields.append("accepted_at")
        if referral.acknowledged_at is None:
            referral.acknowledged_at = now
            fields.append("acknowledged_at")
        if referral.kind == ReferralKind.PPU and referral.clock_stopped_at is None:
            referral.clock_stopped_at = now
            fields.append("clock_stopped_at")
    else:
        referral.closed_at = now
        fields.append("closed_at")
        if referral.clock_stopped_at is None:
            referral.clock_stopped_at = now
            fields.append("clock_stopped_at")
        if action == "decline":
            referral.decline_reason = reason
            fields.append("decline_reason")
        else:
            referral.withdraw_reason = reason
            fields.append("withdraw_reason")
    if who == "receiver" and referral.assignee_id is None:
        referral.assignee = actor
        fields.append("assignee")
    referral.save(update_fields=fields)
    if who == "receiver":
        recipient = _who(referral.sender, referral.sender_agency)
        notifications.notify(
            sender=actor,
            recipients=[referral.sender],
            kind="referral.update",
            title=f"{referral.reference} {referral.get_status_display().lower()}",
            body=reason,
            url=_url(referral),
            obj=referral,
        )
    else:
        recipient = referral.recipient_name
    _transition_audit(
        actor,
        referral,
        TRANSITION_EVENTS[action],
        recipient,
        reason[:500] or f"Referral {PAST[action]}",
        referral_recipient=referral.recipient_name,
    )
    return referral


@transaction.atomic
def mash_decision_record(
    *,
    actor: Actor,
    referral: Referral,
    outcome: str,
    rationale: str,
    allocated_team: Team | None = None,
) -> MashDecision:
    """The MASH screener's decision: accepts the referral (if not already) and stops the
    one-working-day clock; the referrer is told the outcome. A decision that allocates the
    work to a team gives that team's members the child's record and the referral."""
    require(actor, "referrals.decide_mash")
    if referral.kind != ReferralKind.MASH or not is_receiver(actor, referral):
        raise PermissionDenied("Only the receiving MASH can decide this referral.")
    # Two screeners deciding at once: the second waits here and then sees the first's.
    lock(referral)
    if MashDecision.objects.filter(referral=referral).exists():
        raise Conflict(
            f"A MASH decision on {referral.reference} has already been recorded by someone "
            "else. Nothing has been changed."
        )
    errors: dict[str, list[str]] = {}
    if outcome not in MashOutcome.values:
        errors["outcome"] = ["Choose the decision"]
    if not rationale.strip():
        errors["rationale"] = ["Explain the reasons for the decision"]
    if referral.status not in (
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACKNOWLEDGED,
        ReferralStatus.ACCEPTED,
    ):
        errors["__all__"] = ["This referral is closed"]
    if allocated_team is not None and outcome == MashOutcome.NFA:
        errors["allocated_team"] = ["No further action needs no team: leave the team empty"]
    if errors:
        raise ValidationError(errors)
    if referral.status != ReferralStatus.ACCEPTED:
        referral_transition(actor=actor, referral=referral, action="accept")
    now = timezone.now()
    decision = MashDecision.objects.create(
        referral=referral,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_by=actor,
        decided_at=now,
        within_timescale=referral.due_at is None or now <= referral.due_at,
        allocated_team=allocated_team,
    )
    referral.clock_stopped_at = now
    referral.save(update_fields=["clock_stopped_at", "updated_at"])
    audit.record(
        actor=actor,
        event="referral.mash_decided",
        obj=decision,
        subject=referral.child_id,
        recipient=_who(referral.sender, referral.sender_agency),
        justification=rationale.strip()[:500],
        details={
            "referral": referral.pk,
            "outcome": outcome,
            "within_timescale": decision.within_timescale,
            "allocated_team": allocated_team.pk if allocated_team else None,
        },
    )
    if allocated_team is not None:
        pole_services.entity_share_for_work(
            actor=actor,
            entity=referral.child.entity,
            agency=allocated_team.agency,
            team=allocated_team,
            basis=ShareBasis.ALLOCATION,
            source_id=str(referral.pk),
            reason=f"The MASH allocated the work to {allocated_team.name}",
        )
        members = list(allocated_team.members.filter(is_active=True))
        if members:
            notifications.notify(
                sender=actor,
                recipients=members,
                kind="referral.allocated",
                title=f"Allocated to {allocated_team.name}: {referral.reference}",
                body=f"MASH decision: {decision.get_outcome_display()}.",
                url=_url(referral),
                obj=referral,
            )
    notifications.notify(
        sender=actor,
        recipients=[referral.sender],
        kind="referral.mash_decided",
        title=f"MASH decision on {referral.reference}: {decision.get_outcome_display()}",
        url=_url(referral),
        obj=referral,
    )
    return decision


def parse_attendees(text: str) -> list[dict[str, str]]:
    """'Agency: names' lines as [{"agency": ..., "names": ...}]."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        agency, _, names = line.partition(":")
        out.append({"agency": agency.strip(), "names": names.strip()})
    return out


@transaction.atomic
def strategy_discussion_record(
    *,
    actor: Actor,
    referral: Referral,
    held_on: dt.date,
    attendees: list[dict[str, str]],
    decisions: str,
    actions: list[str],
) -> StrategyDiscussion:
    require(actor, "referrals.decide_mash")
    decision = MashDecision.objects.filter(referral=referral).first()
    if not is_receiver(actor, referral) or decision is None or decision.outcome != MashOutcome.S47:
        raise PermissionDenied("A strategy discussion follows an s47 decision by the MASH.")
    errors: dict[str, list[str]] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = ["Date of the discussion must be today or in the past"]
    elif held_on < timezone.localtime(decision.decided_at).date():
        errors["held_on"] = [
            "Date of the discussion must be on or after the MASH decision "
            f"({_day(_local_day(decision.decided_at))})"
        ]
    if len({a["agency"] for a in attendees if a.get("agency")}) < 2:
        errors["attendees"] = ["List the attendees of at least two agencies, one agency a line"]
    if not decisions.strip():
        errors["decisions"] = ["Enter what was decided"]
    if errors:
        raise ValidationError(errors)
    discussion = StrategyDiscussion.objects.create(
        decision=decision,
        held_on=held_on,
        attendees=attendees,
        decisions=decisions.strip(),
        actions=[a.strip() for a in actions if a.strip()],
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        event="referral.strategy_recorded",
        obj=discussion,
        subject=referral.child_id,
        justification="Strategy discussion recorded",
        details={"referral": referral.pk, "agencies": [a["agency"] for a in attendees]},
    )
    notifications.notify(
        sender=actor,
        recipients=[referral.sender],
        kind="referral.strategy",
        title=f"Strategy discussion recorded for {referral.reference}",
        url=_url(referral),
        obj=referral,
    )
    return discussion


def _require_nrm_sender(actor: Actor, referral: Referral) -> None:
    if referral.kind != ReferralKind.NRM or not is_sender_side(actor, referral):
        raise PermissionDenied("Only the referring first responder records NRM outcomes.")
    lock(referral)
    if referral.status in (ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN):
        raise ValidationError({"__all__": ["This referral has not been sent"]})


@transaction.atomic
def nrm_reference_record(*, actor: Actor, referral: Referral, reference: str) -> Referral:
    """The Home Office reference: the SCA has received it (acknowledged)."""
    _require_nrm_sender(actor, referral)
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": ["Enter the Home Office reference"]})
    referral.home_office_reference = reference[:60]
    fields = ["home_office_reference", "updated_at"]
    if referral.status == ReferralStatus.SUBMITTED:
        referral.status = ReferralStatus.ACKNOWLEDGED
        referral.acknowledged_at = timezone.now()
        fields += ["status", "acknowledged_at"]
        _transition_audit(
            actor, referral, "referral.acknowledged", NRM_RECIPIENT, "Home Office reference"
        )
    referral.save(update_fields=fields)
    audit.record(
        actor=actor,
        event="referral.ho_reference",
        obj=referral,
        subject=referral.child_id,
        justification="Home Office reference recorded",
        details={"reference": referral.home_office_reference},
    )
    return referral


@transaction.atomic
def nrm_decision_record(
    *,
    actor: Actor,
    referral: Referral,
    stage: str,
    outcome: str,
    decided_on: dt.date,
    note: str = "",
) -> NrmDecision:
    _require_nrm_sender(actor, referral)
    errors: dict[str, list[str]] = {}
    if stage not in NrmStage.values:
        errors["stage"] = ["Choose the decision"]
    if outcome not in NrmOutcome.values:
        errors["outcome"] = ["Choose positive or negative"]
    if decided_on > timezone.localdate():
        errors["decided_on"] = ["Date of the decision must be today or in the past"]
    sent = _local_day(referral.submitted_at)
    existing = {d.stage: d for d in NrmDecision.objects.filter(referral=referral)}
    if sent and decided_on < sent:
        errors["decided_on"] = [
            f"Date of the decision must be on or after the referral was sent ({_day(sent)})"
        ]
    earlier = existing.get(NrmStage.REASONABLE)
    if stage == NrmStage.CONCLUSIVE and earlier and decided_on < earlier.decided_on:
        errors["decided_on"] = [
            "Date of the decision must be on or after the reasonable-grounds decision "
            f"({_day(earlier.decided_on)})"
        ]
    if stage in existing:
        raise Conflict(
            f"That decision on {referral.reference} has already been recorded. "
            "Nothing has been changed."
        )
    if stage == NrmStage.CONCLUSIVE and (
        NrmStage.REASONABLE not in existing
        or existing[NrmStage.REASONABLE].outcome != NrmOutcome.POSITIVE
    ):
        errors["stage"] = [
            "A conclusive-grounds decision follows a positive reasonable-grounds one"
        ]
    if errors:
        raise ValidationError(errors)
    decision = NrmDecision.objects.create(
        referral=referral,
        stage=stage,
        outcome=outcome,
        decided_on=decided_on,
        note=note.strip(),
        recorded_by=actor,
    )
    now = timezone.now()
    fields = ["updated_at"]
    event = ""
    if stage == NrmStage.REASONABLE:
        referral.clock_stopped_at = now
        fields.append("clock_stopped_at")
        if outcome == NrmOutcome.POSITIVE and referral.status != ReferralStatus.ACCEPTED:
            referral.status, referral.accepted_at = ReferralStatus.ACCEPTED, now
            fields += ["status", "accepted_at"]
            event = "referral.accepted"
        elif outcome == NrmOutcome.NEGATIVE:
            referral.status, referral.closed_at = ReferralStatus.DECLINED, now
            referral.decline_reason = "Negative reasonable-grounds decision"
            fields += ["status", "closed_at", "decline_reason"]
            event = "referral.declined"
    referral.save(update_fields=fields)
    if stage == NrmStage.REASONABLE and event:
        _transition_audit(actor, referral, event, NRM_RECIPIENT, f"Reasonable grounds: {outcome}")
    audit.record(
        actor=actor,
        event="referral.nrm_decided",
        obj=decision,
        subject=referral.child_id,
        justification=f"{decision.get_stage_display()} decision recorded",
        details={"referral": referral.pk, "stage": stage, "outcome": outcome},
    )
    return decision


@transaction.atomic
def referral_document(*, actor: Actor, referral: Referral) -> bytes:
    """The referral as a PDF (with its security marking); the download is a disclosure."""

    if referral.status == ReferralStatus.DRAFT:
        raise ValidationError({"__all__": ["Send the referral before downloading it"]})
    pdf = documents.render_pdf(referral)
    audit.record(
        actor=actor,
        event="referral.pdf_downloaded",
        obj=referral,
        subject=referral.child_id,
        recipient=f"{_who(actor, actor.agency)}, as a PDF file",
        justification=f"Downloaded {referral.reference} as a PDF",
        details={"bytes": len(pdf)},
    )
    return pdf


@transaction.atomic
def nrm_export(*, actor: Actor, referral: Referral) -> dict[str, Any]:
    """The structured NRM referral, to transcribe into the Home Office service."""

    if referral.kind != ReferralKind.NRM or not is_sender_side(actor, referral):
        raise PermissionDenied("Only the referring first responder exports an NRM referral.")
    if referral.status == ReferralStatus.DRAFT:
        raise ValidationError({"__all__": ["Send the referral before exporting it"]})
    data = documents.nrm_json(referral)
    audit.record(
        actor=actor,
        event="referral.exported",
        obj=referral,
        subject=referral.child_id,
        recipient=f"{_who(actor, actor.agency)}, for the {NRM_RECIPIENT}",
        justification=f"Exported {referral.reference} for the Home Office",
    )
    return data


@transaction.atomic
def referral_discard_draft(*, actor: Actor, referral: Referral) -> None:
    _check_draft_owner(actor, referral)
    audit.record(
        actor=actor,
        event="referral.draft_discarded",
        obj=referral,
        subject=referral.child_id,
        justification="Draft referral deleted by its author",
    )
    referral.delete()


@transaction.atomic
def referrals_run_timers(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduler's pass (`manage.py referrals_escalate` / `run_timers`): flag overdue
    MASH and NRM referrals to their referrer (and the MASH) once, and escalate PPU
    notifications not acknowledged in time to every co-ordinator and Hub chair."""
    now = now or timezone.now()
    flagged, escalated = [], []
    for referral in selectors.all_overdue(now).select_for_update(of=("self",)):
        if referral.kind == ReferralKind.PPU:
            if referral.escalated_at is not None or referral.status != ReferralStatus.SUBMITTED:
                continue
            if referral.recipient_agency_id is None:
                continue
            targets = list(
                User.objects.filter(
                    agency_id=int(referral.recipient_agency_id),
                    role__in=[Role.PPU_COORDINATOR, Role.HUB_CHAIR],
                    is_active=True,
                )
            )
            notifications.notify(
                recipients=targets,
                kind="referral.escalated",
                title=f"Not acknowledged in time: {referral.reference}",
                body="A PPU notification is past its acknowledgement time.",
                url=_url(referral),
                obj=referral,
            )
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at"])
            escalated.append(referral.pk)
        else:
            if referral.overdue_notified_at is not None:
                continue
            targets = [
                referral.sender,
                *selectors.receivers(referral.kind, referral.recipient_agency_id),
            ]
            what = (
                "MASH decision"
                if referral.kind == ReferralKind.MASH
                else ("reasonable-grounds decision")
            )
            notifications.notify(
                recipients=targets,
                kind="referral.overdue",
                title=f"Overdue: {what} on {referral.reference}",
                body="The statutory timescale has passed. Follow up with the receiving team.",
                url=_url(referral),
                obj=referral,
            )
            referral.overdue_notified_at = now
            referral.save(update_fields=["overdue_notified_at"])
            flagged.append(referral.pk)
    if flagged:
        audit.record_system(
            event="referral.overdue_flagged",
            justification="Overdue referrals flagged to referrers",
            details={"referrals": flagged},
        )
    if escalated:
        audit.record_system(
            event="referral.escalated",
            justification="Unacknowledged PPU notifications escalated",
            details={"referrals": escalated},
        )
    return {"flagged": len(flagged), "escalated": len(escalated)}
