"""Who may see a referral (forbidden and missing both give 404):
- the sender, always (their drafts included);
- the sender's team, once it is submitted ("my team's referrals");
- the receiving side, once it is submitted: users of the recipient agency who hold the
  receiving role for its kind (MASH screener, PPU / CSE co-ordinator) or belong to the
  recipient team. An NRM referral goes outside Cairn, so only the sending side sees it.
Everyone else, including other users of the same agencies, sees nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import Role

from .models import Referral, ReferralKind, ReferralStatus

RECEIVER_ROLE: dict[str, str] = {
    ReferralKind.MASH: Role.MASH_SCREENER,
    ReferralKind.PPU: Role.PPU_COORDINATOR,
}


def receiver_q(user: Any) -> Q:
    """Submitted referrals `user` receives (the inbox), as a Q over Referral."""
    if user.agency_id is None:
        return Q(pk__in=[])
    kinds = [kind for kind, role in RECEIVER_ROLE.items() if role == user.role]
    as_receiver = Q(kind__in=kinds)
    if user.team_id is not None:
        as_receiver |= Q(recipient_team_id=user.team_id)
    return Q(recipient_agency_id=user.agency_id) & as_receiver & ~Q(status=ReferralStatus.DRAFT)


def sender_team_q(user: Any) -> Q:
    if user.team_id is None:
        return Q(pk__in=[])
    return Q(sender_team_id=user.team_id) & ~Q(status=ReferralStatus.DRAFT)


def visible_referrals(user: Any) -> QuerySet[Referral]:
    if not user.is_authenticated or not user.has_perm("referrals.view_referral"):
        return Referral.objects.none()
    return Referral.objects.filter(Q(sender_id=user.pk) | sender_team_q(user) | receiver_q(user))


def access_referral_by_id(user: Any, referral_id: int) -> Referral:
    referral = (
        visible_referrals(user)
        .select_related(
            "child",
            "child__entity",
            "sender",
            "sender_agency",
            "sender_team",
            "recipient_agency",
            "recipient_team",
            "assignee",
            "concern",
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404("No referral found.")
    return referral


def is_sender_side(user: Any, referral: Referral) -> bool:
    return bool(
        referral.sender_id == user.pk
        or (user.team_id is not None and referral.sender_team_id == user.team_id)
    )


def is_receiver(user: Any, referral: Referral) -> bool:
    if referral.recipient_agency_id is None or user.agency_id != referral.recipient_agency_id:
        return False
    if RECEIVER_ROLE.get(referral.kind) == user.role:
        return True
    return bool(user.team_id is not None and referral.recipient_team_id == user.team_id)


def access_own_draft(user: Any, referral_id: int) -> Referral:
    referral = access_referral_by_id(user, referral_id)
    if referral.sender_id != user.pk or referral.status != ReferralStatus.DRAFT:
        raise Http404("No draft found.")
    return referral
