"""The stored phonetic keys of names with "EW" before a vowel are recomputed: the key now
drops that W (normalise.phonetic_key), so Stewart is STRT like Stuart. Search and matching
at entry look the key up in an index, so a key left as it was would never meet the new one.

Only names whose letters contain "ew" can change: one pass reads just those (a scan of the
two key columns, no Python work for the rest) and writes the changed rows in batches.
Reversible: going back recomputes them with plain Metaphone, the key before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jellyfish
from django.db import migrations
from django.db.models import Q

from cairn.pole.normalise import phonetic_key

BATCH = 2000


def _metaphone_before(text: str) -> str:
    """phonetic_key as it was before this migration (of a `name_key`)."""
    return jellyfish.metaphone(text)[:20] if text else ""


def recompute(PersonName: Any, key: Callable[[str], str]) -> int:
    """Set both phonetic keys of every name holding "ew" to `key` of its name key; the
    number of rows changed."""
    rows = (
        PersonName.objects.filter(Q(given_key__contains="ew") | Q(family_key__contains="ew"))
        .only("pk", "given_key", "family_key", "given_phonetic", "family_phonetic")
        .order_by("pk")
    )
    changed = 0
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=BATCH):
        given, family = key(row.given_key), key(row.family_key)
        if (given, family) == (row.given_phonetic, row.family_phonetic):
            continue
        row.given_phonetic, row.family_phonetic = given, family
        batch.append(row)
        if len(batch) >= BATCH:
            PersonName.objects.bulk_update(batch, ["given_phonetic", "family_phonetic"])
            changed += len(batch)
            batch = []
    if batch:
        PersonName.objects.bulk_update(batch, ["given_phonetic", "family_phonetic"])
        changed += len(batch)
    return changed


def forwards(apps: Any, schema_editor: Any) -> None:
    recompute(apps.get_model("pole", "PersonName"), phonetic_key)


def backwards(apps: Any, schema_editor: Any) -> None:
    recompute(apps.get_model("pole", "PersonName"), _metaphone_before)


class Migration(migrations.Migration):
    dependencies = [("pole", "0012_personname_dob_indexes")]
    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
