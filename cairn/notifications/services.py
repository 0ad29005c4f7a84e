"""Raising notifications. In-app rows hold the detail (the inbox is behind sign-in and the
access layer); the email only says there is something to look at, with a link."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cairn.audit import services as audit

from .models import Notification


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    obj: Any = None,
) -> list[Notification]:
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
    emails = [n.recipient.email for n in rows if n.recipient.email]
    if emails:
        base = getattr(settings, "CAIRN_BASE_URL", "http://127.0.0.1:8000")
        transaction.on_commit(
            lambda: send_mail(
                subject=f"{settings.CAIRN_SERVICE_NAME}: you have a new notification",
                message=(
                    "There is a new item in your Cairn inbox. For security this email holds "
                    f"no details. Sign in to read it: {base}/inbox/"
                ),
                from_email=None,
                recipient_list=emails,
                fail_silently=True,
            )
        )
    return rows


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
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
