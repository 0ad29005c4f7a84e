"""The weights the online matcher uses: the latest trained Splink model's m and u
probabilities, mapped back onto the shared comparison levels by label (what each level
means), or the documented defaults when no model has been trained, with a prior scaled to
the size of the store. A trained comparison is used only when its levels are exactly the
documented ones (a model trained before a level was added or renamed is not) and its
weights fall in the levels' order; otherwise that comparison keeps its defaults, logged."""

from __future__ import annotations

import logging
import math
import time
from itertools import pairwise
from typing import Any

from django.db import connection

from cairn.network.models import MatchModel
from cairn.pole import normalise
from cairn.pole.models import Person, PersonName

from .comparisons import (
    DEFAULT_WEIGHTS,
    LEVELS,
    TF_COMPARISONS,
    TF_MIN_COUNT,
    Level,
    Record,
    TermFrequencies,
    Weights,
)

logger = logging.getLogger(__name__)
_CACHE: dict[str, Any] = {"checked": 0.0, "weights": None}  # weights: Weights | None
RECHECK_SECONDS = 60.0
# The store size the documented prior (1 in 20,000) was chosen for.
HUB_SIZED_STORE = 20_000


def default_weights(people: int) -> Weights:
    """The documented default levels, with the prior scaled to the store: the odds that
    two records sharing a block are the same person fall as the store grows (1 in 20,000
    up to 20,000 people, then 1 in N). At 1M people a flat 1 in 20,000 let too many
    same-name strangers over the review threshold (bench/README.md)."""
    prior = math.log2(1 / max(people, HUB_SIZED_STORE))
    return Weights(levels=LEVELS, prior=prior, version="default")


def people_in_store() -> int:
    """About how many people the store holds: PostgreSQL's planner estimate (no scan), or
    a count on SQLite (the demo's size)."""
    return _rows_in(Person)


def _rows_in(model: Any) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
            )
            row = cursor.fetchone()
        if row and row[0] and row[0] > 0:  # -1 or 0 before the first ANALYZE
            return int(row[0])
    return int(model.objects.count())


def weights_from_settings(settings: dict[str, Any], version: str) -> Weights:
    """Weights from a Splink model JSON; a comparison Splink did not train (or trained to
    zero) keeps its default levels."""
    levels = {name: list(default) for name, default in LEVELS.items()}
    for comparison in settings.get("comparisons", []):
        name = comparison.get("output_column_name")
        if name not in levels:
            continue
        rows = [lv for lv in comparison.get("comparison_levels", []) if not lv.get("is_null_level")]
        trained = {lv.get("label_for_charts"): lv for lv in rows}
        if len(rows) != len(levels[name]) or set(trained) != {d.label for d in levels[name]}:
            # By meaning, not by position: a model trained before a level was added (the
            # old "date of birth different" covered every distance) must not lend its
            # m/u to a level that now means something narrower.
            logger.warning(
                "Trained %s levels %s are not the documented levels; defaults kept",
                name,
                sorted(map(str, trained)),
            )
            continue
        fresh = []
        for default in levels[name]:
            lv = trained[default.label]
            m, u = lv.get("m_probability"), lv.get("u_probability")
            if not m or not u or m <= 0 or u <= 0:
                fresh.append(default)
            else:
                fresh.append(Level(default.label, float(m), float(u)))
        if not in_order(fresh):
            # A better level weighing less than a worse one (EM on sparse levels can do
            # this: "birth year the same" below "date of birth different") would rank a
            # near match under a clear mismatch: the documented levels are kept instead.
            logger.warning("Trained %s weights out of order; defaults kept", name)
            continue
        levels[name] = fresh
    prior_p = settings.get("probability_two_random_records_match")
    prior = (
        math.log2(prior_p / (1 - prior_p)) if prior_p and 0 < prior_p < 1 else DEFAULT_WEIGHTS.prior
    )
    return Weights(levels=levels, prior=prior, version=version)


def in_order(levels: list[Level]) -> bool:
    """True when each level weighs no more than the better level before it."""
    return all(a.weight >= b.weight for a, b in pairwise(levels))


def current_weights() -> Weights:
    """The latest trained weights (re-read at most once a minute), else the defaults for
    the store's size."""
    now = time.monotonic()
    cached = _CACHE["weights"]
    if cached is not None and now - _CACHE["checked"] < RECHECK_SECONDS:
        return cached

    model = MatchModel.objects.order_by("-version").first()
    weights = (
        weights_from_settings(model.settings_json, f"v{model.version}")
        if model is not None
        else default_weights(people_in_store())
    )
    _CACHE.update(checked=now, weights=weights)
    return weights


# Term frequencies: how many names in the store have a given name key (or family name
# key). Counted per name on first use and kept for TF_RECHECK_SECONDS: the common names,
# whose counts cost most, are the ones asked for again and again, so they stay cached.
TF_RECHECK_SECONDS = 600.0
TF_CACHE_MAX = 50_000
TF_COLUMNS = {"given_name": "given_key", "family_name": "family_key"}
_TF_COUNTS: dict[tuple[str, str], tuple[float, int]] = {}  # (comparison, key) -> (when, n)
_NAMES: dict[str, float] = {"checked": 0.0, "count": 0.0}


def names_in_store() -> int:
    now = time.monotonic()
    if not _NAMES["count"] or now - _NAMES["checked"] >= TF_RECHECK_SECONDS:
        _NAMES.update(checked=now, count=float(_rows_in(PersonName)))
    return int(_NAMES["count"])


Count = tuple[str, str]  # (comparison, name key)


def tf_keys(record: Record) -> list[Count]:
    """The names of `record` whose exact agreement is term-frequency adjusted."""
    keys = [(c, normalise.name_key(getattr(record, c))) for c in TF_COMPARISONS]
    return [(c, k) for c, k in keys if k]


def cached_counts(keys: list[Count]) -> tuple[dict[Count, int], list[Count]]:
    """The counts still fresh in the cache, and the keys to count."""
    now = time.monotonic()
    known: dict[Count, int] = {}
    missing: list[Count] = []
    for key in keys:
        hit = _TF_COUNTS.get(key)
        if hit is not None and now - hit[0] < TF_RECHECK_SECONDS:
            known[key] = hit[1]
        else:
            missing.append(key)
    return known, missing


def count_sql(key: Count) -> tuple[str, list[Any]]:
    """A scalar subquery counting the names with this key (every kind of name, every
    record: an aggregate of the store, as its size in the prior is): an index-only count
    on the leading column of pname_given_dob or pname_family_given. The online matcher
    reads it with the candidates, so a name not yet cached costs no extra round trip."""
    table = PersonName._meta.db_table
    column = TF_COLUMNS[key[0]]  # from TF_COLUMNS, never from the caller
    return f"(SELECT COUNT(*) FROM {table} WHERE {column} = %s)", [key[1]]  # noqa: S608  (table and column from metadata, the name as a parameter)


def remember_counts(counts: dict[Count, int]) -> None:
    now = time.monotonic()
    if len(_TF_COUNTS) + len(counts) > TF_CACHE_MAX:
        _TF_COUNTS.clear()
    for key, n in counts.items():
        _TF_COUNTS[key] = (now, n)


def name_counts(keys: list[Count]) -> dict[Count, int]:
    """How many names in the store have each (comparison, name key), from the cache or
    counted in one statement."""
    known, missing = cached_counts(keys)
    if missing:
        parts = [count_sql(key) for key in missing]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(sql for sql, _ in parts),
                [value for _, params in parts for value in params],
            )
            row = cursor.fetchone() or ()
        counted = {key: int(n) for key, n in zip(missing, row, strict=True)}
        remember_counts(counted)
        known.update(counted)
    return known


def term_frequencies(counts: dict[Count, int]) -> TermFrequencies:
    """The share of the store's names held by each counted name, for the term-frequency
    adjustment (Weights.score): the count over the names in a store of at least a hub's
    size (as the prior), and never below TF_MIN_COUNT names."""
    if not counts:
        return {}
    total = max(names_in_store(), HUB_SIZED_STORE)
    return {key: max(n, TF_MIN_COUNT) / total for key, n in counts.items()}


TF_RARITY_MIN_NAMES = HUB_SIZED_STORE


def tf_shows_rarity() -> bool:
    """Whether a name's share can be called rare: only in a store of at least a hub's
    size. A smaller store is counted as if hub-sized, so every name in it looks rare (the
    demo's Danny, Matt and Murphy were "a rare name"); a common one still shows."""
    return names_in_store() >= TF_RARITY_MIN_NAMES


def reset_cache() -> None:
    _CACHE.update(checked=0.0, weights=None)
    _TF_COUNTS.clear()
    _NAMES.update(checked=0.0, count=0.0)
