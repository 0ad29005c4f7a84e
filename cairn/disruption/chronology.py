"""Tactics (CAWNs, markers, orders, sightings...) in a person's chronology."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import chronology
from cairn.pole.models import Person

from .access import can_view
from .selectors import tactics_for_person


def _at(day: dt.date | None, fallback: dt.datetime) -> dt.datetime:
    if day is None:
        return fallback
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@chronology.register
def tactic_entries(user: Actor, person: Person) -> list[chronology.ChronologyEntry]:
    if not can_view(user):
        return []
    return [
        chronology.ChronologyEntry(
            when=_at(t.started_on or t.planned_on, t.created_at),
            title=f"{t.get_tactic_type_display()} ({t.get_status_display().lower()})",
            detail=t.title,
            source="Disruption",
            url=reverse("disruption:tactic-detail", args=[t.pk]),
        )
        for t in tactics_for_person(user, person)
    ]
