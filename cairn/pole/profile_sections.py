"""Sections other apps add to a person's profile page (risk picture, referrals, ...).
A provider returns None (nothing to show) or (template name, context)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cairn.core.types import Actor

if TYPE_CHECKING:
    from .models import Person

Section = tuple[str, dict[str, Any]]
Provider = Callable[[Any, "Person"], Section | None]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


def sections_for(user: Actor, person: Person) -> list[Section]:
    out = []
    for provider in PROVIDERS:
        section = provider(user, person)
        if section is not None:
            out.append(section)
    return out
