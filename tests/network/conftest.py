"""A small exploitation network: an adult (person of concern) who keeps a car that three
children were seen in, and a flat the children were seen at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from cairn.pole import services as pole
from cairn.pole.models import Location, Person, Vehicle


@dataclass
class Ring:
    adult: Person
    children: list[Person]
    vehicle: Vehicle
    flat: Location


@pytest.fixture
def ring(users: dict[str, Any], make_person: Any) -> Ring:
    fib = users["fib_officer"]
    adult = make_person(
        actor=fib,
        given_name="Dex",
        family_name="Examplar",
        category="person_of_concern",
        date_of_birth=dt.date(1994, 5, 6),
    )
    children = [
        make_person(
            actor=fib,
            given_name=name,
            family_name="Testwood",
            date_of_birth=dt.date(2011, month, 9),
            sex="female",
            hub_shared=True,
        )
        for name, month in (("Keira", 2), ("Lola", 4), ("Maya", 6))
    ]
    vehicle = pole.vehicle_create(
        actor=fib, registration="FX10 ABC", make="Fictional", colour="Grey"
    )
    flat = pole.location_create(
        actor=fib,
        name="Flat 9",
        address_line_1="1 Example Row",
        town="Northmoor",
        postcode="NM1 1AA",
        premises_type="residential",
    )
    note = "Synthetic test link"
    pole.link_record(
        actor=fib,
        from_entity_id=adult.pk,
        to_entity_id=vehicle.pk,
        link_type="owns_vehicle",
        started_on=dt.date(2026, 1, 1),
        source_note=note,
    )
    for i, child in enumerate(children):
        pole.link_record(
            actor=fib,
            from_entity_id=child.pk,
            to_entity_id=vehicle.pk,
            link_type="seen_in_vehicle",
            started_on=dt.date(2026, 3, 1 + i),
            ended_on=dt.date(2026, 3, 1 + i),
            source_note=note,
        )
        pole.link_record(
            actor=fib,
            from_entity_id=child.pk,
            to_entity_id=flat.pk,
            link_type="seen_at",
            started_on=dt.date(2026, 6, 1 + i),
            ended_on=dt.date(2026, 6, 1 + i),
            source_note=note,
        )
    return Ring(adult=adult, children=children, vehicle=vehicle, flat=flat)
