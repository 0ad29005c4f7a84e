"""Who may see a referral (forbidden and missing both give 404):
- the sender, always (their drafts included);
- the sender's team, once it is submitted ("my team's referrals");
- the receiving side, once it is submitted: users of the recipient agency who hold the
  receiving role for its kind (MASH screener, PPU / CSE co-ordinator) or belong to the
  recipient team. An NRM referral goes outside Cairn, so only the sending side sees it;
- the team a MASH decision allocated the work to (read only).
Everyone else, including other users of the same agencies, sees nothing.

A referral names a child and perhaps a concern held in other records; a reader who may not
see them (a police-only child referred to the MASH) is given neither the record ids nor
the child's name through the referral (`mark_hidden_references`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.concerns.access import visible_concerns
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import not_restricted_q, opened_by, visible_entity_ids
from cairn.pole.models import Person

from .models import Referral, ReferralKind, ReferralStatus

RECEIVER_ROLE: dict[str, str] = {
    ReferralKind.MASH: Role.MASH_SCREENER,
    ReferralKind.PPU: Role.PPU_COORDINATOR,
}


def receiver_q(user: Actor) -> Q:
    """Submitted referrals `user` receives (the inbox), as a Q over Referral."""
    if user.agency_id is None:
        return Q(pk__in=[])
    kinds = [kind for kind, role in RECEIVER_ROLE.items() if role == user.role]
    as_receiver = Q(kind__in=kinds)
    if user.team_id is not None:
        as_receiver |= Q(recipient_team_id=user.team_id)
    return Q(recipient_agency_id=user.agency_id) & as_receiver & ~Q(status=ReferralStatus.DRAFT)


def sender_team_q(user: Actor) -> Q:
    if user.team_id is None:
        return Q(pk__in=[])
    return Q(sender_team_id=user.team_id) & ~Q(status=ReferralStatus.DRAFT)


def allocated_team_q(user: Actor) -> Q:
    """Referrals the MASH allocated to the user's team: they do the work, so they read it."""
    if user.team_id is None:
        return Q(pk__in=[])
    return Q(mash_decision__allocated_team_id=user.team_id)


def visible_referrals(user: Actor) -> QuerySet[Referral]:
    if not user.is_authenticated or not user.has_perm("referrals.view_referral"):
        return Referral.objects.none()
    # Sender and receiver see a referral whoever may see the child's record, except a
    # restricted one (cairn/rights): its referrals are withheld like the record.
    return Referral.objects.filter(
        Q(sender_id=user.pk) | sender_team_q(user) | receiver_q(user) | allocated_team_q(user),
        not_restricted_q("child__"),
    )


def visible_referrals_about(user: Actor, child: Person) -> QuerySet[Referral]:
    """`visible_referrals(user).filter(child=child)`, the same rule; when the page has just
    opened the child's record for `user` (a profile page) it is known not to be
    restricted, so the query need not join the record to check (fewer joins for
    PostgreSQL to plan)."""
    if not opened_by(user, child):
        return visible_referrals(user).filter(child=child)
    if not user.is_authenticated or not user.has_perm("referrals.view_referral"):
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(sender_id=user.pk) | sender_team_q(user) | receiver_q(user) | allocated_team_q(user),
        child=child,
    )


def submitted_referrals_shown_about(
    user: Actor, child: Person, *, related: Sequence[str] = (), order_by: Sequence[str] = ()
) -> list[Referral]:
    """The submitted referrals of `visible_referrals_about(user, child)`, as a list, for a
    profile page: the child's submitted referrals read by the child alone, then, if any,
    checked against the rule in one read of their ids, instead of the rule's branches (and
    the MASH decision's join) built into the read with its related rows: the same
    referrals, and one plain read when there are none (most children)."""
    if not user.is_authenticated or not user.has_perm("referrals.view_referral"):
        return []
    found = list(
        Referral.objects.filter(child=child)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related(*related)
        .order_by(*order_by)
    )
    if not found:
        return []
    ids = [r.pk for r in found]
    seen = set(visible_referrals_about(user, child).filter(pk__in=ids).values_list("pk", flat=True))
    return [r for r in found if r.pk in seen]


def access_referral_by_id(user: Actor, referral_id: int) -> Referral:
    referral_id = require_id(referral_id)
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
    mark_hidden_references(user, [referral])
    return referral


def mark_hidden_references(user: Actor, referrals: Iterable[Referral]) -> None:
    """Mark, on each referral, whether `user` may see its child's record and its concern
    (two queries at most, whatever the number of referrals)."""
    rows = list(referrals)
    children = visible_entity_ids(user, {r.child_id for r in rows})
    concern_ids = {r.concern_id for r in rows if r.concern_id is not None}
    concerns = (
        set(visible_concerns(user).filter(pk__in=concern_ids).values_list("pk", flat=True))
        if concern_ids
        else set()
    )
    for r in rows:
        r.child_hidden = r.child_id not in children
        r.concern_hidden = r.concern_id is not None and r.concern_id not in concerns


def is_sender_side(user: Actor, referral: Referral) -> bool:
    return bool(
        referral.sender_id == user.pk
        or (user.team_id is not None and referral.sender_team_id == user.team_id)
    )


def is_receiver(user: Actor, referral: Referral) -> bool:
    if referral.recipient_agency_id is None or user.agency_id != referral.recipient_agency_id:
        return False
    if RECEIVER_ROLE.get(referral.kind) == user.role:
        return True
    return bool(user.team_id is not None and referral.recipient_team_id == user.team_id)


def access_own_draft(user: Actor, referral_id: int) -> Referral:
    referral = access_referral_by_id(user, referral_id)
    if referral.sender_id != user.pk or referral.status != ReferralStatus.DRAFT:
        raise Http404("No draft found.")
    return referral


def referral_consulted(
    user: Actor, referral: Referral, *, justification: str = "", source: str | None = None
) -> None:
    """Record that `user` was shown a (visible) referral: a consultation of the child's
    data. Pages that first check more than visibility call this once they show it."""
    audit.record(
        actor=user,
        event="referral.viewed",
        obj=referral,
        subject=referral.child_id,
        justification=justification or f"Opened {referral.reference}",
        source=source,
    )


def view_referral(
    user: Actor, referral_id: int, *, justification: str = "", source: str | None = None
) -> Referral:
    """A referral opened to read (web or API), recorded as a consultation. The sender's
    own draft is their own input, so opening it is not recorded."""
    referral = access_referral_by_id(user, referral_id)
    if referral.status != ReferralStatus.DRAFT:
        referral_consulted(user, referral, justification=justification, source=source)
    return referral
