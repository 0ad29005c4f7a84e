"""Reads for the account-change approval pages: only system admins see waiting changes;
anyone else gets 404, as for a change that does not exist."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.core.types import Actor

from .models import AccountChangeRequest, ChangeRequestStatus, ExternalIdentity
from .services import APPROVE_PERMISSION


def _require_approver(actor: Actor) -> None:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise Http404


def pending_change_requests(actor: Actor) -> QuerySet[AccountChangeRequest]:
    _require_approver(actor)
    return AccountChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING).select_related(
        "user", "user__agency", "requested_by"
    )


def change_request_for(actor: Actor, request_id: int) -> AccountChangeRequest:
    _require_approver(actor)
    request = (
        AccountChangeRequest.objects.select_related(
            "user", "user__agency", "requested_by", "decided_by"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    return request


@dataclass(frozen=True)
class SignInIdentity:
    """What an approver needs about an account made by a first single sign-on: who the
    provider says it is, and which existing accounts it could be mistaken for."""

    identity: ExternalIdentity
    lookalikes: list[Any]


def _base_username(user: Actor) -> str:
    return re.sub(r"-\d+$", "", user.get_username()).lower()


def _looks_like(user: Actor, other: Any) -> bool:
    """The same username before Cairn's "-2" suffix, the same email, or the same full name."""
    if other.pk == user.pk:
        return False
    if other.get_username().lower() == _base_username(user):
        return True
    if user.email and other.email.lower() == user.email.lower():
        return True
    return bool(user.first_name and user.last_name) and (
        (other.first_name.lower(), other.last_name.lower())
        == (user.first_name.lower(), user.last_name.lower())
    )


def _lookalike_q(user: Actor) -> Q:
    same = Q(username__iexact=_base_username(user))
    if user.email:
        same |= Q(email__iexact=user.email)
    if user.first_name and user.last_name:
        same |= Q(first_name__iexact=user.first_name, last_name__iexact=user.last_name)
    return same


def sign_in_identities(actor: Actor, users: list[Any]) -> dict[int, SignInIdentity]:
    """For accounts made by a single sign-on: who the provider says each is, and which
    existing accounts each could be mistaken for, or be posing as. Two queries for any
    number of accounts (the approval list shows 25)."""
    _require_approver(actor)
    identities: dict[int, ExternalIdentity] = {}
    found = ExternalIdentity.objects.filter(user__in=[u.pk for u in users])
    for identity in found.select_related("provider", "provider__agency").order_by("-created_at"):
        identities[identity.user_id] = identity  # the earliest wins
    owners = [u for u in users if u.pk in identities]
    if not owners:
        return {}
    q = Q()
    for user in owners:
        q |= _lookalike_q(user)
    candidates = list(
        get_user_model().objects.filter(q).select_related("agency").order_by("username")[:200]
    )
    return {
        user.pk: SignInIdentity(
            identity=identities[user.pk],
            lookalikes=[c for c in candidates if _looks_like(user, c)][:5],
        )
        for user in owners
    }


def sign_in_identity(actor: Actor, user: Actor) -> SignInIdentity | None:
    return sign_in_identities(actor, [user]).get(user.pk)
