"""Reads for referrals: inboxes, "sent by me", "my team's", overdue lists, a child's
referrals, who can receive each kind, and the answers a new referral starts with
(pre-filled from the child's record and, optionally, a concern). Always scoped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from cairn.accounts.models import Agency, Team, User
from cairn.accounts.rules import CASEWORK
from cairn.audit import services as audit
from cairn.concerns.models import Concern, ExploitationType, IndicatorObservation, RiskLevel
from cairn.core.types import Actor
from cairn.core.wording import place_phrase
from cairn.pole.access import visible_links
from cairn.pole.models import LinkType, Person

from .access import (
    RECEIVER_ROLE,
    receiver_q,
    sender_team_q,
    visible_referrals,
)
from .models import (
    OPEN_STATUSES,
    MashDecision,
    NrmDecision,
    Referral,
    ReferralKind,
    ReferralStatus,
    StrategyDiscussion,
)

LIST_RELATED = ("child", "sender", "sender_agency", "recipient_agency", "recipient_team")

# Concern exploitation types as NRM exploitation types.
NRM_TYPE_FROM_CONCERN = {
    ExploitationType.CSE: "sexual",
    ExploitationType.ONLINE: "sexual",
    ExploitationType.CCE: "criminal",
    ExploitationType.COUNTY_LINES: "criminal",
    ExploitationType.MODERN_SLAVERY: "labour",
    ExploitationType.OTHER: "other",
}


def receiving_agencies(kind: str) -> list[tuple[int, str]]:
    """Agencies with an active user who receives this kind (MASH screener, PPU)."""
    role = RECEIVER_ROLE.get(kind)
    if role is None:
        return []
    rows = (
        Agency.objects.filter(users__role=role, users__is_active=True)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    return list(rows)


def receivers(kind: str, agency_id: int | None) -> list[User]:
    role = RECEIVER_ROLE.get(kind)
    if role is None or agency_id is None:
        return []
    return list(
        User.objects.filter(role=role, agency_id=agency_id, is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
    )


def receiving_team(kind: str, agency_id: int | None) -> Team | None:
    """The team the first receiver sits in (the MASH team, the PPU), if any."""
    for user in receivers(kind, agency_id):
        if user.team_id is not None:
            return Team.objects.get(pk=user.team_id)
    return None


def sent_by_me(user: Actor) -> QuerySet[Referral]:
    return (
        visible_referrals(user)
        .filter(sender_id=user.pk)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-pk")
    )


def my_team(user: Actor) -> QuerySet[Referral]:
    return (
        visible_referrals(user)
        .filter(sender_team_q(user))
        .select_related(*LIST_RELATED)
        .order_by("-submitted_at", "-pk")
    )


# Inbox order: highest risk first. A child whose risk was never assessed is not assumed
# safe: it comes after emerging risk and before "no current risk identified".
RISK_RANK = {
    RiskLevel.SIGNIFICANT: 4,
    RiskLevel.MODERATE: 3,
    RiskLevel.EMERGING: 2,
    "": 1,
    RiskLevel.NONE: 0,
}


def risk_rank() -> Case:
    return Case(
        *(When(risk_level=level, then=Value(rank)) for level, rank in RISK_RANK.items()),
        default=Value(1),
        output_field=IntegerField(),
    )


def inbox(user: Actor, *, open_only: bool = False) -> QuerySet[Referral]:
    """What the receiving team has to act on: highest risk first, then the soonest due."""
    qs = visible_referrals(user).filter(receiver_q(user))
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return (
        qs.select_related(*LIST_RELATED)
        .annotate(risk_rank=risk_rank())
        .order_by("-risk_rank", F("due_at").asc(nulls_last=True), "-submitted_at", "-pk")
    )


def overdue_q(now: dt.datetime) -> Q:
    return Q(due_at__lt=now, clock_stopped_at__isnull=True) & ~Q(
        status__in=[ReferralStatus.DRAFT, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN]
    )


def overdue_inbox(user: Actor, now: dt.datetime | None = None) -> QuerySet[Referral]:
    return inbox(user).filter(overdue_q(now or timezone.now()))


def overdue_sent(user: Actor, now: dt.datetime | None = None) -> QuerySet[Referral]:
    return sent_by_me(user).filter(overdue_q(now or timezone.now()))


def escalated() -> QuerySet[Referral]:
    """For operations metrics only (no user): referrals the scheduler escalated or flagged."""
    return Referral.objects.filter(escalated_at__isnull=False)


def all_overdue(now: dt.datetime) -> QuerySet[Referral]:
    """For the scheduler only (no user): every referral whose clock has run out."""
    return Referral.objects.filter(overdue_q(now)).select_related(
        "sender", "recipient_agency", "child", "assignee"
    )


def mash_decision(referral: Referral) -> MashDecision | None:
    return (
        MashDecision.objects.filter(referral=referral)
        .select_related("decided_by", "allocated_team", "allocated_team__agency")
        .first()
    )


def strategy_discussions(decision: MashDecision | None) -> list[StrategyDiscussion]:
    if decision is None:
        return []
    return list(decision.strategy_discussions.select_related("recorded_by"))


def nrm_decisions(referral: Referral) -> list[NrmDecision]:
    return list(referral.nrm_decisions.select_related("recorded_by"))


def _link_names(user: Actor, child: Person, types: set[str]) -> list[str]:
    links = (
        visible_links(user)
        .filter(Q(from_entity_id=child.pk) | Q(to_entity_id=child.pk), link_type__in=types)
        .select_related("from_entity", "to_entity")
    )
    out = []
    for link in links:
        other = link.to_entity if link.from_entity_id == child.pk else link.from_entity
        if other.kind == "person":
            out.append(f"{other.label} ({link.get_link_type_display().lower()})")
    return out


def _address(user: Actor, child: Person) -> str:
    link = (
        visible_links(user)
        .filter(from_entity_id=child.pk, link_type=LinkType.LIVES_AT, ended_on__isnull=True)
        .select_related("to_entity")
        .first()
    )
    return link.to_entity.label if link is not None else ""


def prefill(user: Actor, kind: str, child: Person, concern: Concern | None) -> dict[str, Any]:
    """The answers a new referral starts with, from what Cairn already knows."""
    agency = user.agency.name if user.agency else ""
    name = user.get_full_name() or user.get_username()
    data: dict[str, Any] = {}
    recipients = receiving_agencies(kind)
    if recipients:
        data["recipient_agency"] = str(recipients[0][0])
    if kind == ReferralKind.MASH:
        parents = _link_names(user, child, {LinkType.PARENT})
        household = _link_names(user, child, {LinkType.FAMILY, LinkType.SIBLING, LinkType.PARENT})
        professionals = _link_names(user, child, {LinkType.PROFESSIONAL})
        data.update(
            child_address=_address(user, child),
            household="\n".join(household),
            parental_responsibility="\n".join(parents),
            ethnicity=child.ethnicity,
            language=child.first_language,
            interpreter_needed="yes" if child.interpreter_needed else "no",
            sen_disability=child.sen_disability,
            professionals="\n".join(professionals),
            referrer_name=name,
            referrer_role=user.job_title,
            referrer_agency=agency,
            referrer_phone=user.phone,
            referrer_email=user.email,
        )
        if concern is not None:
            data["concern_summary"] = concern.narrative
            when = concern.observed_on.strftime("%-d %B %Y") if concern.observed_on else ""
            where = f" {place_phrase(concern.observed_where)}" if concern.observed_where else ""
            data["how_arose"] = (
                f"Seen or reported on {when}{where} by {concern.reporter} "
                f"({concern.reporter_role or 'practitioner'}, {concern.reporter_agency.name}). "
                f"Concern {concern.reference}."
            )
    elif kind == ReferralKind.NRM:
        aliases = [n.full_name for n in child.names.exclude(kind="primary") if n.full_name]
        codes = list(
            IndicatorObservation.objects.filter(child=child)
            .order_by("indicator__sort_order")
            .values_list("indicator__code", flat=True)
            .distinct()
        )
        data.update(
            full_name=child.full_name,
            aliases=", ".join(aliases),
            date_of_birth=child.date_of_birth.isoformat() if child.date_of_birth else "",
            sex=child.sex,
            languages=child.first_language,
            interpreter_needed="yes" if child.interpreter_needed else "no",
            indicators=list(dict.fromkeys(codes)),
            fr_name=name,
            fr_role=user.job_title,
            fr_organisation=agency,
            fr_phone=user.phone,
            fr_email=user.email,
        )
        if concern is not None:
            data["account"] = concern.narrative
            data["exploitation_types"] = sorted(
                {
                    NRM_TYPE_FROM_CONCERN[t]
                    for t in concern.exploitation_types
                    if t in NRM_TYPE_FROM_CONCERN
                }
            )
    else:
        if concern is not None:
            data["summary"] = concern.narrative
            data["police_reference"] = concern.crime_reference
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _allocatable() -> QuerySet[Team]:
    """Teams a MASH decision may allocate work to: Hub member agencies' teams with someone
    in a casework role. Allocation lets a team's members open the child's record, so an
    information governance or IT team (whose members see no case records) is never one."""
    casework = User.objects.filter(
        team=OuterRef("pk"), is_active=True, role__in=[str(r) for r in CASEWORK]
    )
    return Team.objects.filter(Exists(casework), agency__is_hub_member=True).select_related(
        "agency"
    )


def allocation_teams() -> list[tuple[int, str]]:
    return [
        (team.pk, f"{team.name} ({team.agency.name})")
        for team in _allocatable().order_by("agency__name", "name")
    ]


def allocation_team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    return _allocatable().filter(pk=team_id).first()


def consult_referrals(user: Actor, shown: Iterable[Referral], *, justification: str) -> None:
    """Referrals listed (a web box with its overdue panel, or a page through the API): one
    consultation row naming each child."""
    audit.record_list(
        actor=user,
        event="referral.listed",
        subjects=[r.child_id for r in shown],
        justification=justification,
    )
