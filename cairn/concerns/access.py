"""Who may see a concern: the reporter always (their own drafts included), and anyone who
may see the child, once the concern is submitted. Forbidden and missing both give 404, and
so does a concern disposed of under its agency's retention rule (`disposed_at` set).

Who may act on one (the same rule for the web and the API): only the person who recorded
a submitted concern decides its risk level and records its next steps; seeing a concern
is not enough (a decision can notify the PPU)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.audit import services as audit
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import (
    entity_visibility_q,
    not_restricted_q,
    opened_by,
)
from cairn.pole.models import Person

from .models import Concern, ConcernStatus


def visible_concerns(user: Actor) -> QuerySet[Concern]:
    if not user.is_authenticated or not user.has_perm("concerns.view_concern"):
        return Concern.objects.none()
    submitted_and_child_visible = ~Q(status=ConcernStatus.DRAFT) & entity_visibility_q(
        user, prefix="child__entity__"
    )
    # The reporter sees their own concerns even when the child's record is hidden from
    # them, but not when it is restricted (cairn/rights): that withholds it from everyone.
    # A concern disposed of under its agency's retention rule (cairn/retention) is gone
    # for everyone, its reporter too: missing, as a record that never existed.
    return Concern.objects.filter(
        Q(reporter=user) | submitted_and_child_visible,
        not_restricted_q("child__"),
        disposed_at__isnull=True,
    )


def visible_concerns_about(user: Actor, child: Person) -> QuerySet[Concern]:
    """`visible_concerns(user).filter(child=child)`, the same rule, with the child's record
    filter left out when the page has just opened that record for `user` (a profile page:
    cairn/pole/access.py `entity_visibility_q_about`)."""
    if not opened_by(user, child):
        return visible_concerns(user).filter(child=child)
    if not user.has_perm("concerns.view_concern"):
        return Concern.objects.none()
    # The child is visible, so not restricted: every submitted concern about them shows.
    return Concern.objects.filter(
        Q(reporter=user) | ~Q(status=ConcernStatus.DRAFT), child=child, disposed_at__isnull=True
    )


def access_concern_by_id(user: Actor, concern_id: int) -> Concern:
    concern_id = require_id(concern_id)
    concern = (
        visible_concerns(user)
        .select_related("child", "child__entity", "reporter", "reporter_agency")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        raise Http404("No concern found.")
    return concern


def access_own_draft(user: Actor, concern_id: int) -> Concern:
    """Drafts are edited only by the person who started them."""
    concern = access_concern_by_id(user, concern_id)
    if concern.reporter_id != user.pk or concern.status != ConcernStatus.DRAFT:
        raise Http404("No draft found.")
    return concern


def can_decide_risk(user: Actor, concern: Concern) -> bool:
    """The reporter of a submitted concern about a recorded child, with the permission."""
    if not user.has_perm("concerns.add_concern"):
        return False
    if concern.reporter_id != user.pk:
        return False
    if concern.status == ConcernStatus.DRAFT:
        return False
    return concern.child_id is not None


def can_record_next_steps(user: Actor, concern: Concern) -> bool:
    """The reporter, once the risk level is decided."""
    if concern.reporter_id != user.pk:
        return False
    return concern.status in (ConcernStatus.SCREENED, ConcernStatus.COMPLETE)


def _consulted(user: Actor, concern: Concern, justification: str, source: str | None) -> None:
    audit.record(
        actor=user,
        event="concern.viewed",
        obj=concern,
        subject=concern.child_id,
        justification=justification,
        source=source,
    )


def consult_concern(user: Actor, concern: Concern, *, justification: str) -> None:
    """A concern already opened, shown on another app's page (e.g. the start of an
    intelligence entry from it): recorded as a consultation of the child's data."""
    _consulted(user, concern, justification, None)


def view_concern(
    user: Actor, concern_id: int, *, justification: str, source: str | None = None
) -> Concern:
    """A concern opened to read (web or API): recorded as a consultation of the child's
    data. The reporter's own draft is their own input, so opening it is not recorded."""
    concern = access_concern_by_id(user, concern_id)
    if concern.status != ConcernStatus.DRAFT:
        _consulted(user, concern, justification, source)
    return concern


def access_concern_to_screen(user: Actor, concern_id: int) -> Concern:
    """The reporter's submitted concern, for the screening page (which shows the child's
    indicators and suggested risk level): recorded as a consultation."""
    concern = access_concern_by_id(user, concern_id)
    if not can_decide_risk(user, concern):
        raise Http404("Nothing to screen.")
    _consulted(user, concern, "Opened the screening of a concern", None)
    return concern


def access_concern_next_steps(user: Actor, concern_id: int) -> Concern:
    """The reporter's screened concern, for the next-steps page: recorded as a
    consultation."""
    concern = access_concern_by_id(user, concern_id)
    if not can_record_next_steps(user, concern):
        raise Http404("No next steps to record.")
    _consulted(user, concern, "Opened the next steps for a concern", None)
    return concern
