"""Raising notifications. In-app rows hold the detail (the inbox is behind sign-in and the
access layer); the email or text message only says there is something to look at, with a
link. Each message is a `Delivery`, sent after commit by a task and retried with backoff
by the timed job `notifications_retry`; one that fails for good is shown to the sender."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.types import Actor

from . import delivery as transport
from .models import (
    Delivery,
    DeliveryProvider,
    DeliveryStatus,
    Notification,
)
from .tasks import deliver

logger = logging.getLogger(__name__)

# Five tries, 5 min, 15 min, 45 min and 2 h 15 apart: a provider outage of a few hours is
# ridden out, and a message is never days late without the sender knowing.
MAX_ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(minutes=5)
# A claimed send that never reported back (the process died) is tried again after this.
LEASE = dt.timedelta(minutes=10)
# Notify's statuses are asked for every POLL_EVERY until final or POLL_FOR has passed
# (Notify settles within 72 hours).
POLL_EVERY = dt.timedelta(minutes=15)
POLL_FOR = dt.timedelta(hours=72)
NOTIFY_RETRY = {"temporary-failure", "technical-failure"}


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    obj: Any = None,
    sender: Actor | None = None,
    unless_unread: bool = False,
) -> list[Notification]:
    """`sender`: the user whose action raised it, told if a message cannot be delivered
    (None for timed jobs: the recipient's agency admin is told). `unless_unread`: skip a
    recipient who has not yet read a notification of this kind with this link (one open
    alert about a thing, however often it happens again)."""
    recipients = list(recipients)
    if unless_unread and recipients:
        told = set(
            Notification.objects.filter(
                kind=kind,
                url=url,
                read_at__isnull=True,
                recipient__in=[user.pk for user in recipients],
            ).values_list("recipient_id", flat=True)
        )
        recipients = [user for user in recipients if user.pk not in told]
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
        for user in recipients
        if user.is_active
    ]
    Notification.objects.bulk_create(rows)
    now = timezone.now()
    provider = transport.provider()
    messages = Delivery.objects.bulk_create(
        Delivery(
            notification=n,
            recipient=n.recipient,
            sender=sender if getattr(sender, "pk", None) else None,
            channel=channel,
            provider=provider,
            next_attempt_at=now,
        )
        for n in rows
        for channel in transport.channels()
        if transport.address(n.recipient, channel)
    )
    if messages:
        ids = [m.pk for m in messages]
        # robust: a queue that cannot take the job must not undo the caller's commit; the
        # timed job sends whatever is still waiting.
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return rows


def _enqueue(ids: list[int]) -> None:

    deliver.enqueue(ids)


def _backoff(attempts: int) -> dt.timedelta:
    factor: int = 3 ** max(attempts - 1, 0)  # int ** int is Any in typeshed (could be a float)
    return FIRST_RETRY * factor


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """Take a waiting message for one send, so the task and the timed job never both
    send it: counts the attempt and pushes the next one past the lease."""
    with transaction.atomic():
        found = (
            Delivery.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if found is None:
            return None
        found.attempts += 1
        found.next_attempt_at = now + LEASE
        found.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return found


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """One try at sending a waiting message, outside any transaction (the provider may be
    slow); None if it was not due or someone else has it."""
    now = now or timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return None
    to = transport.address(claimed.recipient, claimed.channel)
    try:
        if not to:
            raise transport.SendError("The user has no address for this channel", retry=False)
        sent = transport.send(
            provider_name=claimed.provider,
            channel=claimed.channel,
            to=to,
            reference=f"cairn-delivery-{claimed.pk}",
        )
    except transport.SendError as exc:
        return _failed(claimed, exc, now)
    except Exception as exc:  # a bug or an unexpected library error: retry, keep the type
        logger.exception("Sending delivery %s failed", claimed.pk)
        return _failed(claimed, transport.SendError(type(exc).__name__, retry=True), now)
    claimed.status = DeliveryStatus.SENT
    claimed.provider_id = sent.provider_id
    claimed.last_error = ""
    # Notify says later whether it arrived; SMTP never does.
    polled = claimed.provider == DeliveryProvider.NOTIFY and sent.provider_id
    claimed.next_attempt_at = now + POLL_EVERY if polled else None
    claimed.save(
        update_fields=["status", "provider_id", "last_error", "next_attempt_at", "updated_at"]
    )
    return claimed


def _failed(delivery: Delivery, exc: transport.SendError, now: dt.datetime) -> Delivery:
    delivery.last_error = exc.reason
    if exc.retry and delivery.attempts < MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
    else:
        delivery.status = (
            DeliveryStatus.PERMANENT_FAILURE if exc.permanent else DeliveryStatus.FAILED
        )
        delivery.next_attempt_at = None
    with transaction.atomic():
        delivery.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        if delivery.status != DeliveryStatus.PENDING:
            _record_problem(delivery)
    return delivery


def _record_problem(delivery: Delivery) -> None:
    audit.record_system(
        event="notification.delivery_failed",
        justification=f"{delivery.get_channel_display()} could not be delivered",
        details={
            "delivery": delivery.pk,
            "channel": delivery.channel,
            "status": delivery.status,
            "attempts": delivery.attempts,
            "recipient_user": delivery.recipient_id,
            "sender_user": delivery.sender_id,
            "error": delivery.last_error,
        },
    )


def delivery_refresh(*, delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """Ask Notify what became of a sent message. A temporary failure is sent again while
    tries remain; a permanent failure is final and never retried."""
    now = now or timezone.now()
    found = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.SENT, provider=DeliveryProvider.NOTIFY
    ).first()
    if found is None or not found.provider_id:
        return None
    try:
        status = transport.notify_status(found.provider_id)
    except transport.SendError as exc:
        found.last_error = exc.reason
        found.next_attempt_at = now + POLL_EVERY
        found.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        return found
    if status in {"delivered", "sent"}:
        # "sent": a text abroad, whose delivery Notify never learns; it stays sent.
        if status == "delivered":
            found.status = DeliveryStatus.DELIVERED
        found.next_attempt_at = None
        found.save(update_fields=["status", "next_attempt_at", "updated_at"])
        return found
    if status == "permanent-failure":
        return _failed(
            found,
            transport.SendError("GOV.UK Notify: permanent-failure", retry=False, permanent=True),
            now,
        )
    if status in NOTIFY_RETRY:
        return _failed(found, transport.SendError(f"GOV.UK Notify: {status}", retry=True), now)
    # Still on its way: ask again, until Notify's own window has passed.
    found.next_attempt_at = now + POLL_EVERY if now - found.created_at < POLL_FOR else None
    found.save(update_fields=["next_attempt_at", "updated_at"])
    return found


def deliveries_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The timed job: send each message that is due (first tries a worker never ran, and
    retries), then refresh Notify's status of those sent. Safe to run at any time."""
    now = now or timezone.now()
    due = Delivery.objects.filter(next_attempt_at__lte=now)
    tried = 0
    for pk in list(due.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True)):
        tried += delivery_attempt(delivery_id=pk, now=now) is not None
    polled = 0
    for pk in list(due.filter(status=DeliveryStatus.SENT).values_list("pk", flat=True)):
        polled += delivery_refresh(delivery_id=pk, now=now) is not None
    return {"sent": tried, "refreshed": polled}


@transaction.atomic
def delivery_dismiss(*, actor: Actor, delivery: Delivery) -> Delivery:
    """The sender (or the agency admin) has dealt with a failed message: off their list."""
    if delivery.dismissed_at is None:
        delivery.dismissed_at = timezone.now()
        delivery.dismissed_by = actor
        delivery.save(update_fields=["dismissed_at", "dismissed_by", "updated_at"])
        audit.record(
            actor=actor,
            event="notification.delivery_dismissed",
            obj=delivery,
            justification="Dealt with a message that could not be delivered",
            details={"recipient_user": delivery.recipient_id, "status": delivery.status},
        )
    return delivery


@transaction.atomic
def notifications_resolve(
    *,
    actor: Actor,
    obj: Any,
    kind: str,
    justification: str,
    subject: Any = None,
    recipients: Iterable[int] | None = None,
) -> int:
    """The thing unread notifications asked someone to act on is dealt with (a request
    answered, a disclosure made): they are marked read, so no inbox still says "please
    answer by". `recipients` (user ids) limits it to some. One audit row for all of them,
    naming whose; returns how many."""
    rows = Notification.objects.filter(
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        read_at__isnull=True,
    )
    if recipients is not None:
        rows = rows.filter(recipient_id__in=list(recipients))
    found = list(rows.values_list("pk", "recipient_id"))
    if not found:
        return 0
    Notification.objects.filter(pk__in=[pk for pk, _ in found]).update(read_at=timezone.now())
    audit.record(
        actor=actor,
        event="notification.resolved",
        obj=obj,
        subject=subject,
        justification=justification[:500],
        details={
            "kind": kind,
            "notifications": sorted(pk for pk, _ in found),
            "recipients": sorted({user for _, user in found}),
        },
    )
    return len(found)


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionError("Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record(
            actor=actor,
            event="notification.read",
            obj=notification,
            justification="Opened a notification",
        )
    return notification
