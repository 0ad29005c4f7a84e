"""The stable names of audit events. Each name maps to a DPA 2018 s.62 processing
operation; services may only record names registered here, so the log stays queryable
and its meaning never drifts. Every app registers its own events with `register`, in its
`audit_events.py`, imported by its `AppConfig.ready()` (ADR 0027); this module holds
none. tests/audit/test_event_names.py checks each name recorded is registered and each
registered name is recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Action(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    SECURITY = "security", "Security"


@dataclass(frozen=True)
class EventType:
    name: str
    action: Action
    description: str


EVENTS: dict[str, EventType] = {}


def register(name: str, action: Action, description: str) -> EventType:
    existing = EVENTS.get(name)
    if existing is not None and existing.action != action:
        raise ValueError(f"Audit event {name!r} is already registered as {existing.action}.")
    event = EventType(name=name, action=action, description=description)
    EVENTS[name] = event
    return event


def get(name: str) -> EventType:
    try:
        return EVENTS[name]
    except KeyError:
        raise ValueError(f"Unregistered audit event {name!r}; add it to a registry.") from None
