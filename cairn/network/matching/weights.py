"""The weights the online matcher uses: the latest trained Splink model's m and u
probabilities, mapped back onto the shared comparison levels by position, or the
documented defaults when no model has been trained (or it does not fit the levels), with a
prior scaled to the size of the store."""

from __future__ import annotations

import logging
import math
import time
from itertools import pairwise
from typing import Any

from django.db import connection

from cairn.network.models import MatchModel
from cairn.pole.models import Person

from .comparisons import DEFAULT_WEIGHTS, LEVELS, Level, Weights

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

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [Person._meta.db_table],
            )
            row = cursor.fetchone()
        if row and row[0] and row[0] > 0:  # -1 or 0 before the first ANALYZE
            return int(row[0])
    return Person.objects.count()


def weights_from_settings(settings: dict[str, Any], version: str) -> Weights:
    """Weights from a Splink model JSON; a comparison Splink did not train (or trained to
    zero) keeps its default levels."""
    levels = {name: list(default) for name, default in LEVELS.items()}
    for comparison in settings.get("comparisons", []):
        name = comparison.get("output_column_name")
        if name not in levels:
            continue
        trained = [
            lv for lv in comparison.get("comparison_levels", []) if not lv.get("is_null_level")
        ]
        if len(trained) != len(levels[name]):
            continue
        fresh = []
        for default, lv in zip(levels[name], trained, strict=True):
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


def reset_cache() -> None:
    _CACHE.update(checked=0.0, weights=None)
