from __future__ import annotations

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.core.types import Actor

from .models import DELIVERY_PROBLEMS, Delivery, Notification

# Where the data subject of the record a notification is about is kept, by record type.
SUBJECT_FIELD = {
    "concerns.concern": "child_id",
    "referrals.referral": "child_id",
    "intelligence.submission": "subject_id",
    "hub.action": "subject_id",
    "missing.missingepisode": "child_id",
}


def inbox(user: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


# The columns of Notification (a rename fails the inbox tests, which count through this).
_UNREAD_COUNT_SQL = (
    "SELECT COUNT(*) FROM notifications_notification WHERE recipient_id = %s AND read_at IS NULL"
)


def unread_count(user: Actor) -> int:
    """The header's unread count, on every signed-in page. One plain statement, not an ORM
    count: building and compiling the ORM's aggregate cost several times running it."""
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_COUNT_SQL, [user.pk])
        return int(cursor.fetchone()[0])


def access_notification(user: Actor, notification_id: int) -> Notification:
    found = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if found is None:
        raise Http404("No notification found.")
    return found


def _subjects(notifications: list[Notification]) -> list[int]:
    wanted: dict[str, set[str]] = {}
    for n in notifications:
        if n.object_type in SUBJECT_FIELD and n.object_id.isdigit():
            wanted.setdefault(n.object_type, set()).add(n.object_id)
    # One statement for all record types (UNION ALL), not one per type: every inbox
    # page pays this, and most pages name three or four types.
    parts = [
        apps.get_model(label)
        .objects.filter(pk__in=ids)
        .order_by()
        .values_list(SUBJECT_FIELD[label], flat=True)
        for label, ids in sorted(wanted.items())
    ]
    if not parts:
        return []
    first, *rest = parts
    return list(first.union(*rest, all=True)) if rest else list(first)


def consult_inbox(user: Actor, *, unread_only: bool, page: str | int | None) -> Page[Notification]:
    """One page of the user's inbox. Titles and bodies name referrals, actions and
    intelligence (an action's description may name a child), so the page is recorded as
    one consultation naming the subjects of the records it is about."""
    current = Paginator(inbox(user, unread_only=unread_only), 25).get_page(page)
    shown = list(current)
    audit.record_list(
        actor=user,
        event="notification.listed",
        subjects=_subjects(shown),
        justification="Opened the inbox",
        details={
            "notifications": [n.pk for n in shown],
            "records": sorted({f"{n.object_type}#{n.object_id}" for n in shown if n.object_type}),
        },
    )
    return current


def delivery_problems(user: Actor) -> QuerySet[Delivery]:
    """Messages that could not be delivered, for whoever must act on them: the user whose
    action raised the notification; for timed jobs' (no sender), the system admins of the
    recipient's agency. Everyone else sees none."""
    whose = Q(sender_id=user.pk)
    if user.role == Role.SYSTEM_ADMIN and user.agency_id is not None:
        whose |= Q(sender__isnull=True, recipient__agency_id=user.agency_id)
    return (
        Delivery.objects.filter(whose, status__in=DELIVERY_PROBLEMS, dismissed_at__isnull=True)
        .select_related("recipient__agency")
        .order_by("-created_at", "-pk")
    )


def access_delivery_problem(user: Actor, delivery_id: int) -> Delivery:
    found = delivery_problems(user).filter(pk=delivery_id).first()
    if found is None:
        raise Http404("No such message.")
    return found
