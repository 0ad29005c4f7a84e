"""Fixtures for the Hub tests: children with a risk history at chosen times, a scheduled
meeting chaired by the Hub chair, and helpers to place records in time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.concerns.models import RiskDecision
from cairn.hub import services
from cairn.hub.models import HubMember, Meeting
from cairn.pole.models import Person


def ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


@pytest.fixture
def decide(users: dict[str, Any]) -> Callable[..., RiskDecision]:
    """Record a risk decision for `child` at `when` (decided_at is set after creation)."""

    def make(child: Person, level: str, when: dt.datetime, source: str = "concern") -> RiskDecision:
        decision = RiskDecision.objects.create(
            child=child,
            suggested_level=level,
            suggested_reasons=[],
            level=level,
            rationale="Test decision",
            source=source,
            decided_by=users["social_worker"],
        )
        RiskDecision.objects.filter(pk=decision.pk).update(decided_at=when)
        decision.refresh_from_db()
        return decision

    return make


@pytest.fixture
def members(users: dict[str, Any], agencies: dict[str, Any]) -> list[HubMember]:
    return [
        HubMember.objects.create(
            agency=agencies["police"], representative=users["ppu_coordinator"]
        ),
        HubMember.objects.create(agency=agencies["trust"], representative=users["social_worker"]),
    ]


@pytest.fixture
def chair(users: dict[str, Any]) -> Any:
    return users["hub_chair"]


@pytest.fixture
def schedule(chair: Any) -> Callable[..., Meeting]:
    def make(starts_at: dt.datetime | None = None, **kwargs: Any) -> Meeting:
        return services.meeting_schedule(
            actor=chair, starts_at=starts_at or timezone.now() + dt.timedelta(days=1), **kwargs
        )

    return make


@pytest.fixture
def held_meeting(schedule: Callable[..., Meeting]) -> Meeting:
    """A meeting 14 days ago whose minutes were finalised 13 days ago."""
    meeting = schedule(starts_at=ago(days=14))
    Meeting.objects.filter(pk=meeting.pk).update(status="finalised", finalised_at=ago(days=13))
    meeting.refresh_from_db()
    return meeting
