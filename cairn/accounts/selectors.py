"""Reads for the account-change approval pages: only system admins see waiting changes;
anyone else gets 404, as for a change that does not exist."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import AccountChangeRequest, ChangeRequestStatus
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
