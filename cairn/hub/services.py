"""Every write for the Hub: meetings, attendance, the generated agenda, the discussion of
each item (an agreed risk level becomes a RiskDecision with source "hub"), actions,
minutes (finalising and distribution as disclosures) and reminders. Keyword-only, actor
first, atomic, validated, audited. (Missing episodes: cairn/missing/services.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import Role
from cairn.accounts.rules import roles_for
from cairn.audit import services as audit
from cairn.concerns import screening
from cairn.concerns.models import RiskDecision, RiskLevel
from cairn.concerns.selectors import screening_for_child
from cairn.core.concurrency import Conflict, lock
from cairn.core.http import agency_of, require
from cairn.core.types import Actor
from cairn.notifications import services as notifications
from cairn.pole.access import restricted_entity_ids, visible_entity_ids
from cairn.pole.models import Person
from cairn.sharing import services as sharing
from cairn.sharing.models import DisclosureKind

from . import agenda
from .access import is_chair
from .models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    HubMember,
    HubSetup,
    Meeting,
    MeetingStatus,
    MeetingType,
    MinutesDistribution,
)


def _require_chair(actor: Actor) -> None:
    if not is_chair(actor):
        raise PermissionDenied("Only the Hub chair can do this.")


def setup() -> HubSetup:
    row, _ = HubSetup.objects.get_or_create(pk=1)
    return row


# The sensible range of each threshold (inclusive), with how the set-up pages name it.
THRESHOLD_BOUNDS: dict[str, tuple[int, int, str]] = {
    "frequent_missing_count": (1, 20, "The number of missing episodes"),
    "frequent_missing_days": (7, 365, "The number of days for frequent missing"),
    "flag_linked_children": (1, 20, "The number of linked children"),
    "default_lookback_days": (7, 180, "The number of days the first agenda looks back"),
}
SETUP_FIELDS = frozenset({"name", "chair", "terms_of_reference", *THRESHOLD_BOUNDS})


def _setup_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in fields and not str(fields["name"] or "").strip():
        errors["name"] = ["Enter the Hub's name"]
    if "chair" in fields:
        chair = fields["chair"]
        if chair is not None and (not chair.is_active or chair.role != Role.HUB_CHAIR):
            errors["chair"] = ["Choose someone whose role is Hub chair"]
    for name, (low, high, label) in THRESHOLD_BOUNDS.items():
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = [f"{label} must be a whole number between {low} and {high}"]
    return errors


@transaction.atomic
def setup_update(*, actor: Actor, **fields: Any) -> HubSetup:
    """Change the Hub's name, chair, terms of reference or thresholds (`hub.manage_setup`:
    the Hub chair or a system admin). Thresholds must sit within THRESHOLD_BOUNDS and the
    chair must be an active user whose role is Hub chair."""
    require(actor, "hub.manage_setup")
    unknown = set(fields) - SETUP_FIELDS
    if unknown:
        raise ValidationError({k: ["Not a set-up field"] for k in unknown})
    errors = _setup_errors(fields)
    if errors:
        raise ValidationError(errors)
    row = setup()
    before = {name: _audit_value(getattr(row, name)) for name in fields}
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.full_clean()
    row.save()
    changed = {
        name: {"from": before[name], "to": _audit_value(getattr(row, name))}
        for name in sorted(fields)
        if before[name] != _audit_value(getattr(row, name))
    }
    audit.record(
        actor=actor,
        event="hub.setup_changed",
        obj=row,
        justification="Hub set-up changed",
        details={"fields": sorted(fields), "changed": changed},
    )
    return row


def _audit_value(value: Any) -> Any:
    """A set-up value as the audit row shows it: users by username, long text by length."""
    if isinstance(value, User):
        return value.username
    if isinstance(value, str) and len(value) > 200:
        return f"{len(value)} characters"
    return value


def _member_errors(
    agency: Agency, representative: User | None, deputy: User | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    hub_roles = roles_for("hub.view_meeting")
    for field, user, what in (
        ("representative", representative, "the representative"),
        ("deputy", deputy, "the deputy"),
    ):
        if user is None:
            continue
        if user.agency_id != agency.pk:
            errors[field] = [f"Choose someone from {agency.name} as {what}"]
        elif not user.is_active or user.role not in hub_roles:
            errors[field] = [f"Choose someone who uses the Hub as {what}"]
    if representative is None:
        errors["representative"] = ["Choose the agency's representative"]
    if deputy is not None and representative is not None and deputy.pk == representative.pk:
        errors.setdefault("deputy", ["The deputy must be someone other than the representative"])
    return errors


@transaction.atomic
def member_set(
    *,
    actor: Actor,
    agency: Agency,
    representative: User | None,
    deputy: User | None = None,
    joined_on: dt.date | None = None,
    new: bool = False,
) -> HubMember:
    """Add a member agency (or change its representative and deputy). Both must be active
    Hub users of that agency, and different people. `new=True` refuses an agency that is
    already a member. A new member joins today unless `joined_on` says otherwise."""
    require(actor, "hub.manage_setup")
    existing = HubMember.objects.select_for_update(of=("self",)).filter(agency=agency).first()
    if new and existing is not None:
        raise ValidationError({"agency": [f"{agency.name} is already a member agency"]})
    errors = _member_errors(agency, representative, deputy)
    if errors:
        raise ValidationError(errors)
    member = existing or HubMember(agency=agency)
    before = (
        {"representative": _name(existing.representative), "deputy": _name(existing.deputy)}
        if existing
        else None
    )
    member.representative = representative
    member.deputy = deputy
    if joined_on is not None:
        member.joined_on = joined_on
    elif existing is None:
        member.joined_on = timezone.localdate()
    member.save()
    audit.record(
        actor=actor,
        event="hub.setup_changed",
        obj=member,
        justification=f"Hub member {'changed' if existing else 'added'}: {agency.name}",
        details={
            "member": "changed" if existing else "added",
            "agency": agency.name,
            "representative": _name(representative),
            "deputy": _name(deputy),
            "before": before,
        },
    )
    return member


def _lock_open_meeting(meeting: Meeting, consequence: str) -> None:
    """Lock the meeting row and refuse if its minutes are final: finalising takes the
    same lock, so nothing is added to minutes after (or while) they are finalised."""
    lock(meeting)
    if meeting.status == MeetingStatus.FINALISED:
        raise Conflict(f"The minutes of {meeting.title} are already final: {consequence}.")


def _who(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone else"


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def member_removal_problems(member: HubMember) -> list[str]:
    """Why a member agency cannot leave the Hub now (empty if it can): it is on the
    attendance list of a meeting whose minutes are not final, so those minutes could no
    longer be sent to it (minutes go only to member agencies' representatives)."""
    meetings = list(
        Meeting.objects.filter(attendance__agency_id=member.agency_id)
        .exclude(status=MeetingStatus.FINALISED)
        .distinct()
        .order_by("starts_at")
    )
    if not meetings:
        return []
    names = ", ".join(f"{m.title} ({m.reference})" for m in meetings[:5])
    more = f" and {len(meetings) - 5} more" if len(meetings) > 5 else ""
    return [
        f"{member.agency.name} cannot be removed yet: it is on the attendance list of "
        f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''} whose minutes are not "
        f"final ({names}{more}). Remove it once those minutes are finalised and sent."
    ]


@transaction.atomic
def member_remove(*, actor: Actor, member: HubMember) -> None:
    """Remove a member agency from the Hub (the agency itself and its past attendance,
    actions and minutes stay). Refused while it is listed at a meeting whose minutes are
    not final (see member_removal_problems)."""
    require(actor, "hub.manage_setup")
    member = (
        HubMember.objects.select_for_update(of=("self",))
        .select_related("agency", "representative", "deputy")
        .get(pk=member.pk)
    )
    problems = member_removal_problems(member)
    if problems:
        raise ValidationError({"__all__": problems})
    audit.record(
        actor=actor,
        event="hub.setup_changed",
        obj=member,
        justification=f"Hub member removed: {member.agency.name}",
        details={
            "member": "removed",
            "agency": member.agency.name,
            "representative": _name(member.representative),
            "deputy": _name(member.deputy),
            "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        },
    )
    member.delete()


# Meetings ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    starts_at: dt.datetime,
    meeting_type: str = MeetingType.MACE_OPERATIONAL,
    title: str = "",
    venue: str = "",
) -> Meeting:
    """Schedule a meeting chaired by the actor; each member agency's representative is
    invited."""
    _require_chair(actor)
    if meeting_type not in MeetingType.values:
        raise ValidationError({"meeting_type": ["Choose a meeting type"]})
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": ["The start time needs a time zone"]})
    meeting = Meeting.objects.create(
        meeting_type=meeting_type,
        title=(title or MeetingType(meeting_type).label).strip()[:200],
        starts_at=starts_at,
        venue=venue.strip(),
        chair=actor,
        created_by=actor,
    )
    invites = [
        Attendance(
            meeting=meeting,
            agency_id=m.agency_id,
            user=m.representative,
            name=str(m.representative) if m.representative else "",
        )
        for m in HubMember.objects.select_related("representative")
        if m.representative is not None and m.representative_id != actor.pk
    ]
    invites.append(
        Attendance(
            meeting=meeting,
            agency=actor.agency,
            user=actor,
            name=str(actor),
            status=AttendanceStatus.ATTENDED,
        )
    )
    Attendance.objects.bulk_create(invites)
    audit.record(
        actor=actor,
        event="hub.meeting_scheduled",
        obj=meeting,
        justification=f"Scheduled {meeting.title}",
        details={"starts_at": starts_at.isoformat(), "invited": len(invites)},
    )
    return meeting


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    meeting: Meeting,
    user: User | None = None,
    agency: Agency | None = None,
    name: str = "",
    status: str = AttendanceStatus.ATTENDED,
) -> Attendance:
    """Record one person's attendance or apologies (a user of Cairn, or a named guest)."""
    _require_chair(actor)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": ["Choose attended, apologies or invited"]})
    if user is None and not name.strip():
        raise ValidationError({"name": ["Enter the attendee's name"]})
    agency = agency or (user.agency if user is not None else None)
    if agency is None:
        raise ValidationError({"agency": ["Choose the attendee's agency"]})
    if user is not None:
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            user=user,
            defaults={"agency": agency, "name": str(user), "status": status},
        )
    else:
        row = Attendance.objects.create(
            meeting=meeting, agency=agency, name=name.strip(), status=status
        )
    audit.record(
        actor=actor,
        event="hub.attendance_recorded",
        obj=meeting,
        justification="Attendance recorded",
        details={"attendance": row.pk, "status": status},
    )
    return row


@transaction.atomic
def agenda_generate(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Build the agenda from the data through the provider registry. Idempotent: an item
    already on the agenda (same key) is kept as it is, with its notes."""
    _require_chair(actor)
    _lock_open_meeting(meeting, "the agenda cannot change")
    rules = setup()
    ctx = agenda.AgendaContext(meeting=meeting, setup=rules, since=agenda.since_for(meeting, rules))
    existing = set(AgendaItem.objects.filter(meeting=meeting).values_list("key", flat=True))
    position = AgendaItem.objects.filter(meeting=meeting).count()
    new_items = []
    found = agenda.candidates(ctx)
    # A restricted record (cairn/rights) is withheld from the Hub's agenda until lifted.
    withheld = restricted_entity_ids(c.subject_id for c in found)
    for candidate in found:
        if candidate.key in existing or candidate.subject_id in withheld:
            continue
        existing.add(candidate.key)
        position += 1
        new_items.append(
            AgendaItem(
                meeting=meeting,
                kind=candidate.kind,
                key=candidate.key,
                title=candidate.title[:300],
                reason=candidate.reason[:500],
                subject_id=candidate.subject_id,
                action_id=candidate.action_id,
                position=position,
            )
        )
    AgendaItem.objects.bulk_create(new_items)
    meeting.agenda_generated_at = timezone.now()
    meeting.save(update_fields=["agenda_generated_at"])
    audit.record(
        actor=actor,
        event="hub.agenda_generated",
        obj=meeting,
        justification="Agenda built for the chair from case data",
        details={"added": len(new_items), "since": ctx.since.isoformat()},
    )
    return new_items


@transaction.atomic
def item_record(
    *,
    actor: Actor,
    item: AgendaItem,
    discussion: str,
    agreed_level: str = "",
    decisions: str = "",
    next_review_on: dt.date | None = None,
    version: str | None = None,
) -> AgendaItem:
    """Record the discussion of an agenda item. An agreed risk level for a child becomes a
    RiskDecision with source "hub" on the child's trajectory (audited as hub.risk_agreed).
    `version` is the item's `version` when the form was drawn: a discussion recorded since
    (another tab, another chair) is not replaced; the Conflict says what it was.

    Once a level agreed here is on the child's trajectory, the item keeps an agreed level
    (another level may replace it, "no change" may not), so the item, the minutes and the
    child's risk record never disagree."""
    _require_chair(actor)
    meeting = item.meeting
    _lock_open_meeting(meeting, "this item's discussion cannot change")
    lock(item)
    if version is not None and version != item.version:
        raise Conflict(_item_changed_message(item))
    errors: dict[str, list[str]] = {}
    if not discussion.strip():
        errors["discussion"] = ["Summarise the discussion"]
    if agreed_level and agreed_level not in RiskLevel.values:
        errors["agreed_level"] = ["Choose a risk level"]
    child: Person | None = None
    if agreed_level:
        child = item.child
        if child is None:
            errors["agreed_level"] = ["A risk level can only be agreed for a child"]
    elif item.risk_decision_id is not None and item.agreed_level:
        errors["agreed_level"] = [
            f"The Hub agreed {item.get_agreed_level_display().lower()} for this child at this "
            "meeting and it is on the child's risk trajectory: choose the level agreed now"
        ]
    if next_review_on is not None and next_review_on < meeting.date:
        errors["next_review_on"] = ["The next review must be on or after the meeting date"]
    if errors:
        raise ValidationError(errors)
    if child is not None and agreed_level:
        item.risk_decision = _hub_risk_decision(
            actor=actor, child=child, level=agreed_level, item=item, rationale=discussion
        )
    item.discussion = discussion.strip()
    item.agreed_level = agreed_level
    item.decisions = decisions.strip()
    item.next_review_on = next_review_on
    item.recorded_by = actor
    item.recorded_at = timezone.now()
    item.save()
    # Notes written ahead of a meeting do not make it held.
    if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at <= timezone.now():
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    audit.record(
        actor=actor,
        event="hub.item_recorded",
        obj=item,
        subject=item.subject_id,
        justification=f"Discussed at {meeting.title}",
        details={"agreed_level": agreed_level or None},
    )
    return item


def _item_changed_message(item: AgendaItem) -> str:
    if item.recorded_at is None:  # (only a version from another item could get here)
        return "This item changed while you were editing it. Nothing has been saved."
    when = timezone.localtime(item.recorded_at)
    level = (
        f" Risk level agreed: {item.get_agreed_level_display()}."
        if item.agreed_level
        else " No change to the risk level."
    )
    decisions = f" Decisions: \u201c{item.decisions}\u201d." if item.decisions else ""
    return (
        f"{_who(item.recorded_by)} recorded this item's discussion at {when:%H:%M} on "
        f"{when.day} {when:%B %Y}, after you opened it: \u201c{item.discussion}\u201d."
        f"{level}{decisions} Nothing has been saved; your text is kept below. Read theirs, "
        "then save again to replace it."
    )


def _hub_risk_decision(
    *, actor: Actor, child: Person, level: str, item: AgendaItem, rationale: str
) -> RiskDecision:
    result, facts = screening_for_child(child)
    forbidden = screening.forbidden_levels(
        has_indicators=facts["has_indicators"],
        age=facts["age"],
        has_learning_disability=child.has_learning_disability,
    )
    if level in forbidden:
        raise ValidationError({"agreed_level": [forbidden[level]]})
    if item.risk_decision is not None and item.agreed_level == level:
        return item.risk_decision  # the same agreement recorded again: no new decision
    previous = RiskDecision.objects.filter(child=child).order_by("-decided_at", "-pk").first()
    decision = RiskDecision.objects.create(
        child=child,
        suggested_level=result.suggested_level,
        suggested_reasons=result.reasons,
        level=level,
        # Neutral on purpose: everyone who may see the child sees the trajectory, but only
        # those who may see the meeting read its discussion (in the minutes and in the
        # chronology's Hub entries).
        rationale=f"Agreed by the Hub at {item.meeting.get_meeting_type_display()} "
        f"{item.meeting.reference} on {item.meeting.date:%-d %B %Y}. The discussion is in "
        "the meeting's minutes.",
        source="hub",
        decided_by=actor,
    )
    audit.record(
        actor=actor,
        event="hub.risk_agreed",
        obj=decision,
        subject=child,
        justification=f"Risk level agreed at {item.meeting.reference}",
        details={
            "level": level,
            "suggested": result.suggested_level,
            "previous": previous.level if previous else None,
            "meeting": item.meeting_id,
        },
    )
    return decision


@transaction.atomic
def action_create(
    *,
    actor: Actor,
    description: str,
    owner: User,
    due_on: dt.date,
    owner_agency: Agency | None = None,
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    today: dt.date | None = None,
) -> Action:
    _require_chair(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = ["Describe the action"]
    if not owner.is_active or not owner.has_perm("hub.view_action"):
        errors["owner"] = ["Choose someone who can work on Hub actions"]
    agency = owner_agency or owner.agency
    if agency is None:
        errors["owner_agency"] = ["Choose the owning agency"]
    if due_on < today:
        errors["due_on"] = ["The due date must be today or in the future"]
    if (
        "owner" not in errors
        and item is not None
        and item.subject_id is not None
        and not visible_entity_ids(owner, {item.subject_id})
    ):
        # They would be told of an action about a child they cannot open or identify.
        errors["owner"] = [
            f"{owner.get_full_name() or owner.get_username()} cannot see this record: "
            "share it with their agency first, or choose another owner"
        ]
    if errors:
        raise ValidationError(errors)
    if meeting is not None:
        _lock_open_meeting(meeting, "add the action to the next meeting")
    assert agency is not None
    action = Action.objects.create(
        meeting=meeting or (item.meeting if item else None),
        item=item,
        subject_id=item.subject_id if item else None,
        description=description.strip(),
        owner=owner,
        owner_agency=agency,
        due_on=due_on,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        event="hub.action_created",
        obj=action,
        subject=action.subject_id,
        justification="Hub action agreed",
        details={"owner": owner.username, "agency": agency.name, "due_on": due_on.isoformat()},
    )
    notifications.notify(
        sender=actor,
        recipients=[owner],
        kind="hub.action",
        title=action_notice_title(action),
        body=action.description[:500],
        url=reverse("hub:action-detail", args=[action.pk]),
        obj=action,
    )
    return action


def action_notice_title(action: Action) -> str:
    """The owner's notice of a new action (in the inbox and by email; it names no child)."""
    return f"Hub action {action.reference} for you, due {action.due_on:%d %b %Y}"


def can_complete(actor: Actor, action: Action) -> bool:
    return bool(
        action.owner_id == actor.pk or action.owner_agency_id == actor.agency_id or is_chair(actor)
    )


@transaction.atomic
def action_complete(*, actor: Actor, action: Action, note: str) -> Action:
    if not can_complete(actor, action):
        raise PermissionDenied("Only the owner, their agency or the chair can complete this.")
    if not note.strip():
        raise ValidationError({"note": ["Say what was done"]})
    lock(action)
    if action.status == ActionStatus.COMPLETE:
        raise Conflict(
            f"This action was already completed by {_who(action.completed_by)}. "
            "Nothing has been changed."
        )
    action.status = ActionStatus.COMPLETE
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.completion_note = note.strip()
    action.save(update_fields=["status", "completed_at", "completed_by", "completion_note"])
    audit.record(
        actor=actor,
        event="hub.action_completed",
        obj=action,
        subject=action.subject_id,
        justification="Hub action completed",
    )
    return action


@transaction.atomic
def minutes_finalise(
    *, actor: Actor, meeting: Meeting, undiscussed_confirmed: bool = False
) -> Meeting:
    """Final minutes cannot change and may then be sent to every member agency, so they are
    final only after the meeting has taken place, and items left undiscussed only when the
    chair has confirmed that (they are minuted as not discussed)."""
    _require_chair(actor)
    _lock_open_meeting(meeting, "they cannot be finalised again")
    if meeting.starts_at > timezone.now():
        held = timezone.localtime(meeting.starts_at)
        raise ValidationError(
            {
                "__all__": [
                    f"The meeting has not taken place yet (it starts on {held.day} "
                    f"{held:%B %Y at %H:%M}): finalise the minutes after it"
                ]
            }
        )
    discussed = AgendaItem.objects.filter(meeting=meeting, recorded_at__isnull=False).count()
    if not discussed:
        raise ValidationError({"__all__": ["Record the discussion of at least one item first"]})
    undiscussed = AgendaItem.objects.filter(meeting=meeting, recorded_at__isnull=True).count()
    if undiscussed and not undiscussed_confirmed:
        raise ValidationError(
            {
                "__all__": [
                    f"{undiscussed} item{'s' if undiscussed != 1 else ''} of "
                    f"{undiscussed + discussed} {'have' if undiscussed != 1 else 'has'} no "
                    "discussion recorded: confirm that "
                    f"{'they were' if undiscussed != 1 else 'it was'} not discussed"
                ]
            },
            code="undiscussed",
        )
    meeting.status = MeetingStatus.FINALISED
    meeting.finalised_at = timezone.now()
    meeting.save(update_fields=["status", "finalised_at"])
    audit.record(
        actor=actor,
        event="hub.minutes_finalised",
        obj=meeting,
        justification=f"Minutes of {meeting.title} finalised",
        details={"items_not_discussed": undiscussed},
    )
    return meeting


@transaction.atomic
def minutes_distribute(
    *,
    actor: Actor,
    meeting: Meeting,
    agencies: list[Agency],
    claim: sharing.Claim = sharing.Claim(),  # noqa: B008 (frozen)
) -> list[MinutesDistribution]:
    """Send the final minutes to each agency's representative (in-app; the email carries
    only a link). Each recipient is a disclosure, logged with the recipient's name and
    the lawful basis relied on (the same claim for every agency)."""
    _require_chair(actor)
    lock(meeting)
    if meeting.status != MeetingStatus.FINALISED:
        raise ValidationError({"__all__": ["Finalise the minutes before sending them"]})
    if not agencies:
        raise ValidationError({"agencies": ["Choose at least one agency"]})
    members = {
        m.agency_id: m
        for m in HubMember.objects.filter(agency__in=agencies).select_related("representative")
    }
    rows = []
    for agency in agencies:
        member = members.get(agency.pk)
        recipient = member.representative if member else None
        if recipient is None:
            raise ValidationError(
                {"agencies": [f"{agency.name} has no Hub representative to send the minutes to"]}
            )
        disclosure = None
        if agency.pk != actor.agency_id:
            basis = sharing.basis_resolve(
                from_agency=agency_of(actor), to_agencies=[agency], claim=claim
            )
            disclosure = sharing.disclosure_record(
                actor=actor,
                kind=DisclosureKind.MINUTES,
                reference=f"Minutes of {meeting.reference}",
                from_agency=agency_of(actor),
                to_agency=agency,
                recipient=f"{recipient} ({agency.name})",
                basis=basis,
            )
        rows.append(
            MinutesDistribution.objects.create(
                meeting=meeting,
                agency=agency,
                recipient=recipient,
                sent_by=actor,
                disclosure=disclosure,
            )
        )
        audit.record(
            actor=actor,
            event="hub.minutes_distributed",
            obj=meeting,
            recipient=f"{recipient} ({agency.name})",
            justification=f"Minutes of {meeting.reference} sent to a Hub member",
        )
        notifications.notify(
            sender=actor,
            recipients=[recipient],
            kind="hub.minutes",
            title=f"Minutes of {meeting.title} ({meeting.date:%d %b %Y})",
            url=reverse("hub:minutes", args=[meeting.pk]),
            obj=meeting,
        )
        Attendance.objects.get_or_create(
            meeting=meeting,
            user=recipient,
            defaults={"agency": agency, "name": str(recipient), "status": "invited"},
        )
    return rows


def send_overdue_reminders(*, today: dt.date | None = None) -> int:
    """Remind each owner of each open action past its due date, once (idempotent)."""
    today = today or timezone.localdate()
    due = list(
        Action.objects.filter(
            status=ActionStatus.OPEN, due_on__lt=today, reminded_on__isnull=True
        ).select_related("owner")
    )
    with transaction.atomic():
        for action in due:
            notifications.notify(
                recipients=[action.owner],
                kind="hub.action_overdue",
                title=f"Hub action {action.reference} is overdue (due {action.due_on:%d %b %Y})",
                url=reverse("hub:action-detail", args=[action.pk]),
                obj=action,
            )
        Action.objects.filter(pk__in=[a.pk for a in due]).update(reminded_on=today)
        if due:
            audit.record_system(
                event="hub.reminders_sent",
                justification="Overdue Hub action reminders",
                details={"actions": [a.pk for a in due]},
            )
    return len(due)
