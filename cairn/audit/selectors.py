"""Reads of the audit log for the information-governance viewer and export. Every
function takes the user and checks the audit permission itself, so a caller cannot
forget; without it the log is empty and single events are 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole.access import identifiable_for_audit_q
from cairn.pole.models import Entity
from cairn.pole.search import search_people

from . import services as audit
from .models import AuditChainHead, AuditEvent, AuditValue

VIEW_PERMISSION = "audit.view_auditevent"
EXPORT_PERMISSION = "audit.export_auditevent"


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    subject_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""
    event: str = ""
    request_id: str = ""

    def as_details(self) -> dict[str, Any]:
        """The filters actually used, for the audit row that records the viewing."""
        values = {
            "user": self.username,
            "subject_id": self.subject_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "action": self.action,
            "event": self.event,
            "request_id": self.request_id,
        }
        return {key: value for key, value in values.items() if value not in ("", None)}


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _may(user: Actor, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(permission))


def _filtered(filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if filters.username:
        # The username snapshot on the row, or the account now holding that username
        # (so a renamed user's earlier events are found too). The account ids are fetched
        # first: a literal list lets PostgreSQL combine both indexes instead of scanning.
        by_name = Q(actor_username=filters.username)
        account_ids = list(
            get_user_model().objects.filter(username=filters.username).values_list("pk", flat=True)
        )
        events = events.filter(by_name | Q(actor_id__in=account_ids) if account_ids else by_name)
    if filters.subject_id is not None:
        events = events.filter(subject_id=filters.subject_id)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + dt.timedelta(days=1)
        events = events.filter(occurred_at__lt=_start_of_day(next_day))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.event:
        events = events.filter(event=filters.event)
    if filters.request_id:
        events = events.filter(request_id=filters.request_id)
    return events


def _within_remit(user: Actor, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Events about police-only records are for police information governance: a partner
    agency's IG admin does not see them (their justification and details can carry police
    intelligence), just as their name lookup does not find those records."""
    if getattr(user, "is_police", False):
        return events

    police_only = Entity.objects.filter(pk=OuterRef("subject_id"), police_only=True)
    return events.filter(~Exists(police_only))


def audit_events(user: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events matching `filters`, newest first. The table holds every column the
    viewer shows (actor, agency and role are snapshots), so no joins are needed."""
    if not _may(user, VIEW_PERMISSION):
        return AuditEvent.objects.none()
    return _within_remit(user, _filtered(filters)).order_by("-occurred_at", "-chain_index")


def audit_head_index() -> int:
    """The chain index of the newest committed event (0 for an empty log)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_index", flat=True).first()
    return int(head or 0)


def audit_events_for_export(
    user: Actor, filters: AuditFilters, *, up_to_index: int
) -> QuerySet[AuditEvent]:
    """The events matching `filters` up to a fixed chain index, in chain order (oldest
    first, so an exported file can be re-checked link by link)."""
    if not _may(user, EXPORT_PERMISSION):
        return AuditEvent.objects.none()
    events = _within_remit(user, _filtered(filters))
    return events.filter(chain_index__lte=up_to_index).order_by("chain_index")


def audit_event_by_index(user: Actor, chain_index: int) -> AuditEvent:
    if not _may(user, VIEW_PERMISSION):
        raise Http404("No audit event found.")
    event = _within_remit(user, AuditEvent.objects.filter(chain_index=chain_index)).first()
    if event is None:
        raise Http404("No audit event found.")
    return event


def kept_values(event: AuditEvent) -> dict[str, Any] | None:
    """The personal values kept beside an audit row (ADR 0024): None if the row never
    had any, {} once they were erased at disposal. Read after `audit_event_by_index`."""
    if "values" not in event.details:
        return None
    found = AuditValue.objects.filter(event=event).first()
    return dict(found.values) if found is not None else {}


def subject_lookup(user: Actor, name: str) -> list[Any]:
    """People an IG admin may identify by name, to filter the log by data subject ("who
    viewed this child?") without being given an id. Recorded as a consultation of the
    people found (their ids; the name typed is not kept in the log)."""

    if not _may(user, VIEW_PERMISSION) or not name.strip():
        return []
    found = search_people(
        user, query=name, scope=identifiable_for_audit_q(user, prefix="person__entity__")
    )
    audit.record(
        actor=user,
        event="audit.subject_lookup",
        justification="Looked up a data subject by name in the audit log",
        details={"results": len(found), "ids": [m.person.pk for m in found]},
    )
    return found


# Consultation rows: reading the log is itself audited ---------------------------------------


def consult_audit_page(user: Actor, shown: Page[AuditEvent], filters: AuditFilters) -> None:
    """A page of the log shown (fetched first, so the viewer's own row is not on it):
    recorded as audit.viewed."""
    audit.record(
        actor=user,
        event="audit.viewed",
        subject=filters.subject_id,
        justification="Consulted the audit log",
        details={
            "filters": filters.as_details(),
            "page": shown.number,
            "results": shown.paginator.count,
        },
    )


def view_audit_event(user: Actor, chain_index: int) -> AuditEvent:
    """One event opened with its hashes: recorded as audit.viewed."""
    event = audit_event_by_index(user, chain_index)
    audit.record(
        actor=user,
        event="audit.viewed",
        obj=event,
        subject=event.subject_id,
        justification="Consulted an audit event",
        details={"chain_index": event.chain_index},
    )
    return event


def export_audit_events(user: Actor, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events for a CSV export, up to the chain's head now: the export is recorded
    (audit.exported, with the row count and the index it stops at) before streaming."""
    up_to_index = audit_head_index()
    events = audit_events_for_export(user, filters, up_to_index=up_to_index)
    audit.record(
        actor=user,
        event="audit.exported",
        subject=filters.subject_id,
        recipient=f"CSV download by {user.get_username()}",
        justification="Exported the audit log",
        details={
            "filters": filters.as_details(),
            "rows": events.count(),
            "up_to_index": up_to_index,
        },
    )
    return events
