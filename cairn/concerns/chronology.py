"""Concerns, indicator observations and risk decisions in a child's chronology."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import chronology
from cairn.pole.models import Person

from .selectors import child_concerns_for_profile, trajectory


def _at(day: dt.date | None, fallback: dt.datetime) -> dt.datetime:
    if day is None:
        return fallback
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@chronology.register
def concern_entries(user: Actor, person: Person) -> list[chronology.ChronologyEntry]:
    entries = []
    # The same read as the risk section's (one per page), newest recorded first.
    concerns = sorted(
        child_concerns_for_profile(user, person), key=lambda c: c.created_at, reverse=True
    )
    for concern in concerns:
        labels = ", ".join(o.indicator.label for o in concern.observations.all())
        entries.append(
            chronology.ChronologyEntry(
                when=_at(concern.observed_on, concern.submitted_at or concern.created_at),
                title=f"Concern {concern.reference} recorded by {concern.reporter_agency.name}",
                detail=(
                    f"Crime reported, reference {concern.crime_reference}. "
                    if concern.crime_reference
                    else ""
                )
                + (f"Indicators: {labels}" if labels else concern.narrative[:200]),
                source="Concerns",
                url=reverse("concerns:detail", args=[concern.pk]),
            )
        )
    if not user.has_perm("concerns.view_concern"):
        return entries
    for decision in reversed(trajectory(person)):
        entries.append(
            chronology.ChronologyEntry(
                when=decision.decided_at,
                title=f"Risk level decided: {decision.get_level_display()}",
                detail=(
                    f"Suggested {decision.get_suggested_level_display()}. "
                    if decision.overridden
                    else ""
                )
                + decision.rationale[:200],
                source="Screening",
            )
        )
    return entries
