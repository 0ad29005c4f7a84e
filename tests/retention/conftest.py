"""Fixtures for retention: a police IG admin (retention is the owning agency's call), the
agencies' default rules, and a police record whose last action was long ago."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import Role
from cairn.pole.models import Entity, Person
from cairn.retention import services


@pytest.fixture
def ig_police(make_user: Callable[..., User]) -> User:
    return make_user(Role.IG_ADMIN, agency="police", username="ig_police")


@pytest.fixture
def rules(agencies: dict[str, Agency]) -> None:
    for agency in agencies.values():
        services.rules_seed(actor=None, agency=agency)


def age(record: Person | Entity, when: dt.datetime) -> None:
    """Make a record look last touched at `when` (auto_now fields cannot be set)."""
    Entity.objects.filter(pk=record.pk).update(created_at=when, updated_at=when)


@pytest.fixture
def old_police_person(
    users: dict[str, Any], make_person: Callable[..., Person], rules: None
) -> Person:
    """A police person-of-concern record last touched eight years ago: MoPI group 3 due."""
    person = make_person(
        actor=users["fib_officer"],
        given_name="Quillon",
        family_name="Oldrecordson",
        category="person_of_concern",
        date_of_birth=dt.date(1990, 3, 3),
    )
    age(person, timezone.now() - dt.timedelta(days=8 * 365))
    return person


@pytest.fixture
def travel() -> Callable[[dt.date], Any]:
    def make(day: dt.date) -> Any:
        return time_machine.travel(dt.datetime.combine(day, dt.time(10), dt.UTC), tick=False)

    return make
