"""Reads about information rights, scoped through cairn/rights/access.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cairn.pole.models import Person

from .access import visible_requests
from .models import RequestStatus, Restriction, RightsRequest


def requests_list(user: Any, *, status: str) -> QuerySet[RightsRequest]:
    qs = visible_requests(user).select_related("person__entity__owning_agency")
    if status == RequestStatus.CLOSED:
        return qs.filter(status=RequestStatus.CLOSED).order_by("-closed_at", "-pk")
    return qs.filter(status=RequestStatus.OPEN).order_by("due_on", "pk")


def overdue_count(user: Any) -> int:
    return (
        visible_requests(user)
        .filter(status=RequestStatus.OPEN, due_on__lt=timezone.localdate())
        .count()
    )


def restriction_in_force(person: Person) -> Restriction | None:
    return (
        Restriction.objects.filter(person=person, lifted_at__isnull=True)
        .select_related("applied_by")
        .first()
    )


def restrictions_for(person: Person) -> list[Restriction]:
    return list(Restriction.objects.filter(person=person).select_related("applied_by", "lifted_by"))
