"""Migration 0006 backfills the search keys of entries sanitised before it, on SQLite
(FTS5 rows) and PostgreSQL (the stored vector, redefined), and can be reversed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.intelligence import search, services
from cairn.intelligence.models import Submission

from ..migrating import migrate

BEFORE = [("intelligence", "0005_crime_route")]
AFTER = [("intelligence", "0006_searchnorm_sanitised_keys")]


@pytest.mark.django_db(transaction=True)
def test_entries_sanitised_before_the_migration_are_found_in_any_spelling(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    fib, analyst = users["fib_officer"], users["analyst"]
    entry = submit(partner)
    services.submission_evaluate(
        actor=fib, submission=entry, source_grade="2", intel_grade="B", handling="P"
    )
    services.submission_sanitise(
        actor=fib, submission=entry, text="A Corsa NM19 KXT; the driver uses 07700 900123."
    )
    try:
        migrate(BEFORE)  # as before this change: no keys in the search document
        migrate(AFTER)
    finally:
        # To the latest state: later migrations add columns the model reads.
        migrate()
    assert Submission.objects.get(pk=entry.pk).sanitised_keys == "NM19KXT 447700900123"
    for q in ("NM19KXT", "nm19 kxt", "+44 7700 900123", "Corsa 07700900123"):
        assert {s.pk for s in search.search(analyst, search.Filters(q=q))} == {entry.pk}, q
