from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification(user: Any, notification_id: int) -> Notification:
    found = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if found is None:
        raise Http404("No notification found.")
    return found
