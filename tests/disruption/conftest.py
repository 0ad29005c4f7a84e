from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.pole import services as pole_services
from cairn.pole.models import Person


def years_ago(years: int, days: int = 30) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def ppu(users: dict[str, Any]) -> Any:
    return users["ppu_coordinator"]


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    """A 14-year-old: CAWN-eligible (under 16)."""
    return make_person(given_name="Amber", family_name="Testcase", date_of_birth=years_ago(14))


@pytest.fixture
def older_child(make_person: Callable[..., Person]) -> Person:
    """A 16-year-old living at home: not CAWN-eligible."""
    return make_person(given_name="Robin", family_name="Exampleton", date_of_birth=years_ago(16))


@pytest.fixture
def poc(ppu: Any, child: Person) -> Person:
    person = pole_services.person_create(
        actor=ppu,
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=years_ago(31),
    )
    pole_services.link_record(
        actor=ppu,
        from_entity_id=person.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together by patrol",
    )
    return person


@pytest.fixture
def location(ppu: Any) -> Any:
    return pole_services.location_create(
        actor=ppu,
        name="Fictional Fried Chicken",
        address_line_1="1 Example Parade",
        town="Testshire",
        postcode="ZZ1 1AA",
        premises_type="takeaway",
    )


def future(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def past(days: int = 1) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)
