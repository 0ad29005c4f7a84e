"""Reads for the account-change approval pages: only system admins see waiting changes;
anyone else gets 404, as for a change that does not exist."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import AccountChangeRequest, ChangeRequestStatus, ExternalIdentity
from .services import APPROVE_PERMISSION


def _require_approver(actor: Any) -> None:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise Http404


def pending_change_requests(actor: Any) -> QuerySet[AccountChangeRequest]:
    _require_approver(actor)
    return AccountChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING).select_related(
        "user", "user__agency", "requested_by"
    )


def change_request_for(actor: Any, request_id: int) -> AccountChangeRequest:
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


def lookalikes(user: Any) -> list[Any]:
    """Other accounts a new SSO account could be mistaken for, or be posing as: the same
    username before Cairn's "-2" suffix, the same email, or the same full name."""
    base = re.sub(r"-\d+$", "", user.get_username())
    same = Q(username__iexact=base)
    if user.email:
        same |= Q(email__iexact=user.email)
    if user.first_name and user.last_name:
        same |= Q(first_name__iexact=user.first_name, last_name__iexact=user.last_name)
    found = get_user_model().objects.filter(same).exclude(pk=user.pk)
    return list(found.select_related("agency").order_by("username")[:5])


def sign_in_identity(actor: Any, user: Any) -> SignInIdentity | None:
    _require_approver(actor)
    identity = (
        ExternalIdentity.objects.filter(user=user)
        .select_related("provider", "provider__agency")
        .order_by("created_at")
        .first()
    )
    if identity is None:
        return None
    return SignInIdentity(identity=identity, lookalikes=lookalikes(user))
