"""Migration 0013 recomputes the stored phonetic keys of names with "EW" before a vowel
(Stewart was STWRT, now STRT like Stuart), so a name recorded before it is found by the
new key; reversed, it restores the old key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cairn.network.matching.online import match_person
from cairn.pole.models import Person, PersonName
from cairn.pole.search import search_people

BEFORE = [("pole", "0012_personname_dob_indexes")]
AFTER = [("pole", "0013_phonetic_keys_ew")]


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    """Migrate to `target`, or every app's latest when None (the test ends where the code
    is)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_names_recorded_before_the_migration_are_found_by_the_new_key(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw = users["social_worker"]
    daniel = make_person(given_name="Daniel", family_name="Stewart")
    ewan = make_person(given_name="Ewan", family_name="Testwell")
    smith = make_person(given_name="Amy", family_name="Smith")
    try:
        _migrate(BEFORE)  # reversing 0013 writes the old keys back
        names = PersonName.objects.filter(person__in=[daniel, ewan])
        assert set(names.values_list("given_phonetic", "family_phonetic")) == {
            ("TNL", "STWRT"),
            ("EWN", "TSTWL"),
        }
        assert daniel.pk not in {m.person.pk for m in search_people(sw, query="Stuart")}
        _migrate(AFTER)
    finally:
        _migrate()
    rows = PersonName.objects.filter(person__in=[daniel, ewan, smith])
    assert set(rows.values_list("given_phonetic", "family_phonetic")) == {
        ("TNL", "STRT"),
        ("EN", "TSTWL"),  # "ew" before a consonant keeps its W
        ("AM", "SM0"),
    }
    assert daniel.pk in {m.person.pk for m in search_people(sw, query="Stuart")}
    found = match_person(users["fib_officer"], {"given_name": "Danny", "family_name": "Stuart"})
    assert [m.person.pk for m in found] == [daniel.pk]
