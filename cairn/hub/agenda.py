"""The agenda built for the chair: a registry of agenda-item providers. Each provider looks
at the data and proposes items for a meeting; `services.agenda_generate` stores them once
(idempotent by key). Other apps (referrals, disruption) register their own providers:

    from cairn.hub import agenda

    @agenda.register("overdue_mash", order=60)
    def overdue_mash(ctx: agenda.AgendaContext) -> list[agenda.Candidate]: ...

Providers read unscoped data because only the chair (a Hub-wide role) builds an agenda;
who then sees each item is decided by cairn/hub/access.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from cairn.concerns.models import RISK_ORDER, RiskDecision, RiskLevel
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Entity, EntityKind, Link, Person

from .models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    HubSetup,
    Meeting,
    MeetingStatus,
)


@dataclass(frozen=True)
class Candidate:
    kind: str
    key: str
    title: str
    reason: str
    subject_id: int | None = None
    action_id: int | None = None


@dataclass
class AgendaContext:
    meeting: Meeting
    setup: HubSetup
    since: dt.datetime
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def meeting_date(self) -> dt.date:
        return self.meeting.date

    @property
    def as_of(self) -> dt.datetime:
        """When "overdue" is judged: now, or the meeting's start if the agenda is built
        after it (an agenda lists what was overdue at the meeting, not what fell due
        since)."""
        return min(self.now, self.meeting.starts_at)


Provider = Callable[[AgendaContext], list[Candidate]]


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    provider: Provider


PROVIDERS: dict[str, Registered] = {}


def register(name: str, *, order: int = 100) -> Callable[[Provider], Provider]:
    def wrap(provider: Provider) -> Provider:
        PROVIDERS[name] = Registered(name, order, provider)
        return provider

    return wrap


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            meeting_type=meeting.meeting_type,
            starts_at__lt=meeting.starts_at,
            status__in=[MeetingStatus.HELD, MeetingStatus.FINALISED],
        )
        .order_by("-starts_at")
        .first()
    )


def since_for(meeting: Meeting, setup: HubSetup) -> dt.datetime:
    """The moment "since the last meeting" starts: when the previous meeting's minutes were
    finalised (or it started), else a configurable look-back before this meeting."""
    previous = previous_meeting(meeting)
    if previous is not None:
        return previous.finalised_at or previous.starts_at
    return meeting.starts_at - dt.timedelta(days=setup.default_lookback_days)


def candidates(ctx: AgendaContext) -> list[Candidate]:
    out: list[Candidate] = []
    for registered in sorted(PROVIDERS.values(), key=lambda r: (r.order, r.name)):
        out.extend(registered.provider(ctx))
    return out


def level_at(when: dt.datetime | None = None, ref: str = "pk") -> Subquery:
    """A child's risk level at `when` (or now): their latest decision up to then."""
    rows = RiskDecision.objects.filter(child=OuterRef(ref))
    if when is not None:
        rows = rows.filter(decided_at__lte=when)
    return Subquery(rows.order_by("-decided_at", "-pk").values("level")[:1])


def _rank(level: str | None) -> int:
    return -1 if not level else RISK_ORDER[RiskLevel(level)]


@register("risk_raised", order=10)
def risk_raised(ctx: AgendaContext) -> list[Candidate]:
    """Children newly at significant, or whose level rose, since the last meeting."""
    changed = RiskDecision.objects.filter(child=OuterRef("pk"), decided_at__gt=ctx.since)
    rows = (
        Person.objects.filter(category="child")
        .filter(Exists(changed))
        .annotate(now_level=level_at(), then_level=level_at(ctx.since))
        .values("pk", "given_name", "family_name", "now_level", "then_level")
        .order_by("family_name", "given_name")
    )
    out = []
    for row in rows:
        now, then = row["now_level"], row["then_level"]
        newly_significant = now == RiskLevel.SIGNIFICANT and then != RiskLevel.SIGNIFICANT
        rose = then is not None and _rank(now) > _rank(then)
        if not (newly_significant or rose):
            continue
        now_label = RiskLevel(now).label.lower()
        if then is None:
            reason = f"Newly assessed as {now_label}"
        else:
            reason = f"Risen from {RiskLevel(then).label.lower()} to {now_label}"
        out.append(
            Candidate(
                kind=AgendaKind.RISK_RAISED,
                key=f"child-{row['pk']}",
                title=f"{row['given_name']} {row['family_name']}".strip(),
                reason=reason + " since the last meeting",
                subject_id=row["pk"],
            )
        )
    return out


@register("review_due", order=20)
def review_due(ctx: AgendaContext) -> list[Candidate]:
    """Records whose last Hub discussion set a review date on or before this meeting."""
    later = AgendaItem.objects.filter(
        subject=OuterRef("subject"),
        recorded_at__isnull=False,
        meeting__starts_at__gt=OuterRef("meeting__starts_at"),
        meeting__starts_at__lt=ctx.meeting.starts_at,
    )
    rows = (
        AgendaItem.objects.filter(
            subject__isnull=False,
            next_review_on__isnull=False,
            next_review_on__lte=ctx.meeting_date,
            meeting__starts_at__lt=ctx.meeting.starts_at,
        )
        .exclude(Exists(later))
        .values("subject_id", "title", "next_review_on")
        .order_by("next_review_on")
    )
    seen: set[int] = set()
    out = []
    for row in rows:
        if row["subject_id"] in seen:
            continue
        seen.add(row["subject_id"])
        out.append(
            Candidate(
                kind=AgendaKind.REVIEW_DUE,
                key=f"child-{row['subject_id']}",
                title=row["title"],
                reason=f"Review due by {row['next_review_on']:%d %b %Y}",
                subject_id=row["subject_id"],
            )
        )
    return out


@register("overdue_action", order=30)
def overdue_actions(ctx: AgendaContext) -> list[Candidate]:
    rows = (
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=ctx.meeting_date)
        .values(
            "pk",
            "subject_id",
            "description",
            "due_on",
            "owner_agency__name",
            "owner__first_name",
            "owner__last_name",
        )
        .order_by("due_on", "pk")
    )
    return [
        Candidate(
            kind=AgendaKind.OVERDUE_ACTION,
            key=f"action-{row['pk']}",
            title=f"ACT-{row['pk']:05d}: {row['description'][:120]}",
            reason=(
                f"Owned by {row['owner__first_name']} {row['owner__last_name']} "
                f"({row['owner_agency__name']}), due {row['due_on']:%d %b %Y}"
            ),
            action_id=row["pk"],
            # About the action's child: readers who may not see the child do not see the
            # item, and those who may are told whom it is for.
            subject_id=row["subject_id"],
        )
        for row in rows
    ]


def _flagged(ctx: AgendaContext, *, kind: str) -> list[Candidate]:
    """Persons of concern (or locations) linked to several children at moderate or
    significant risk (the threshold is in the Hub set-up). Every Hub member sees an item
    about a record they may see, so a record partners may see is flagged, and its reason
    counted, from partner-visible links and children only: police-only intelligence shows
    only through items about police-only records, which only police see."""
    at_risk = Person.objects.filter(category="child").annotate(level=level_at())
    at_risk_ids = at_risk.filter(level__in=[RiskLevel.MODERATE, RiskLevel.SIGNIFICANT]).values("pk")
    if kind == EntityKind.PERSON:
        prefixed_out = {"to_entity__person__category": "person_of_concern"}
        prefixed_in = {"from_entity__person__category": "person_of_concern"}
    else:
        prefixed_out = {"to_entity__kind": EntityKind.LOCATION}
        prefixed_in = {"from_entity__kind": EntityKind.LOCATION}
    live = Q(ended_on__isnull=True)
    # (other end, child, other end police-only, link or child police-only)
    rows = [
        (other, child, other_police, link_police or child_police)
        for other, child, other_police, link_police, child_police in Link.objects.filter(
            live, from_entity_id__in=at_risk_ids, **prefixed_out
        ).values_list(
            "to_entity_id",
            "from_entity_id",
            "to_entity__police_only",
            "police_only",
            "from_entity__police_only",
        )
    ] + [
        (other, child, other_police, link_police or child_police)
        for other, child, other_police, link_police, child_police in Link.objects.filter(
            live, to_entity_id__in=at_risk_ids, **prefixed_in
        ).values_list(
            "from_entity_id",
            "to_entity_id",
            "from_entity__police_only",
            "police_only",
            "to_entity__police_only",
        )
    ]
    pairs = {
        (other, child)
        for other, child, other_police, restricted in rows
        if other_police or not restricted
    }
    children: dict[int, set[int]] = defaultdict(set)
    for other_id, child_id in pairs:
        children[other_id].add(child_id)
    flagged = {k: v for k, v in children.items() if len(v) >= ctx.setup.flag_linked_children}
    if not flagged:
        return []

    labels = dict(Entity.objects.filter(pk__in=flagged).values_list("pk", "label"))
    agenda_kind = (
        AgendaKind.PERSON_FLAGGED if kind == EntityKind.PERSON else (AgendaKind.LOCATION_FLAGGED)
    )
    return [
        Candidate(
            kind=agenda_kind,
            key=f"{kind}-{pk}",
            title=labels.get(pk, f"Record {pk}"),
            reason=(
                f"Linked to {len(flagged[pk])} {'child' if len(flagged[pk]) == 1 else 'children'}"
                " at moderate or significant risk"
            ),
            subject_id=pk,
        )
        for pk in sorted(flagged, key=lambda p: (-len(flagged[p]), labels.get(p, "")))
    ]


@register("person_flagged", order=40)
def persons_flagged(ctx: AgendaContext) -> list[Candidate]:
    return _flagged(ctx, kind=EntityKind.PERSON)


@register("location_flagged", order=45)
def locations_flagged(ctx: AgendaContext) -> list[Candidate]:
    return _flagged(ctx, kind=EntityKind.LOCATION)


@register("overdue_rhi", order=50)
def overdue_rhis(ctx: AgendaContext) -> list[Candidate]:
    rows = (
        MissingEpisode.objects.filter(rhi_due_at__lt=ctx.as_of, rhi_completed_at__isnull=True)
        .values("pk", "child_id", "child__given_name", "child__family_name", "rhi_due_at")
        .order_by("rhi_due_at")
    )
    out: dict[int, Candidate] = {}
    for row in rows:
        if row["child_id"] in out:
            continue
        due = timezone.localtime(row["rhi_due_at"])
        out[row["child_id"]] = Candidate(
            kind=AgendaKind.OVERDUE_RHI,
            key=f"rhi-{row['child_id']}",
            title=f"{row['child__given_name']} {row['child__family_name']}".strip(),
            reason=f"Return home interview for MIS-{row['pk']:06d} was due {due:%d %b %Y %H:%M}",
            subject_id=row["child_id"],
        )
    return list(out.values())


# Overdue MASH decisions: cairn.referrals registers its own provider here when it lands
# (kind AgendaKind.OVERDUE_MASH); this app does not read another app's tables it does not
# know about.
