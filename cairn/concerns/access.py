"""Who may see a concern: the reporter always (their own drafts included), and anyone who
may see the child, once the concern is submitted. Forbidden and missing both give 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.pole.access import entity_visibility_q

from .models import Concern, ConcernStatus


def visible_concerns(user: Any) -> QuerySet[Concern]:
    if not user.is_authenticated or not user.has_perm("concerns.view_concern"):
        return Concern.objects.none()
    submitted_and_child_visible = ~Q(status=ConcernStatus.DRAFT) & entity_visibility_q(
        user, prefix="child__entity__"
    )
    return Concern.objects.filter(Q(reporter=user) | submitted_and_child_visible)


def access_concern_by_id(user: Any, concern_id: int) -> Concern:
    concern = (
        visible_concerns(user)
        .select_related("child", "child__entity", "reporter", "reporter_agency")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        raise Http404("No concern found.")
    return concern


def access_own_draft(user: Any, concern_id: int) -> Concern:
    """Drafts are edited only by the person who started them."""
    concern = access_concern_by_id(user, concern_id)
    if concern.reporter_id != user.pk or concern.status != ConcernStatus.DRAFT:
        raise Http404("No draft found.")
    return concern
