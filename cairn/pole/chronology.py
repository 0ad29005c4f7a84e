"""A person's chronology: dated entries from every app, newest first. Apps register a
provider (concerns, intelligence, referrals, missing episodes...); the foundation
contributes the record's creation and its dated links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cairn.core.types import Actor

if TYPE_CHECKING:
    from .models import Person
    from .selectors import LinkView


@dataclass(frozen=True)
class ChronologyEntry:
    when: dt.datetime
    title: str
    detail: str = ""
    source: str = ""
    url: str = ""


Provider = Callable[[Any, "Person"], list[ChronologyEntry]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


def _as_datetime(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def chronology_for(user: Actor, person: Person, links: list[LinkView]) -> list[ChronologyEntry]:
    entries = [
        ChronologyEntry(
            when=person.entity.created_at,
            title="Record created",
            detail=f"by {person.entity.owning_agency.name}",
            source="People",
        )
    ]
    for view in links:
        if view.started_on:
            entries.append(
                ChronologyEntry(
                    when=_as_datetime(view.started_on),
                    title=f"{view.link.get_link_type_display()} {view.other.label}",
                    detail=view.source_note,
                    source="Links",
                )
            )
    for provider in PROVIDERS:
        entries.extend(provider(user, person))
    return sorted(entries, key=lambda e: e.when, reverse=True)
