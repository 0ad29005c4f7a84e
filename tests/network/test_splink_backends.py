"""The Splink backend is chosen by configuration: DuckDB (embedded, the default) or Spark
(for data beyond one machine). Spark runs only where PySpark is installed
(`uv sync --extra spark`); everything else here runs everywhere."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import random
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cairn.network.matching import splink_batch
from cairn.network.matching.splink_batch import PersonRow, database_api, run_linkage
from cairn.network.models import CandidatePair

HAS_PYSPARK = importlib.util.find_spec("pyspark") is not None


def _rows() -> tuple[list[PersonRow], set[tuple[int, int]]]:
    rng = random.Random(7)
    given = ["Amara", "Bilal", "Cerys", "Dylan", "Esme", "Finn", "Gracie", "Harvey"]
    family = ["Testley", "Sampleton", "Examplewick", "Fictionby", "Mockridge"]
    rows, dups = [], set()
    for i in range(120):
        dob = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        g, f = rng.choice(given), rng.choice(family)
        rows.append(PersonRow(2 * i + 1, g, f, dob, None, "NX1 1AA" if i % 3 else "", "female"))
        if i % 6 == 0:
            rows.append(PersonRow(2 * i + 2, g[:-1] + "y", f, dob, None, "", ""))
            dups.add((2 * i + 1, 2 * i + 2))
    return rows, dups


def test_an_unknown_backend_is_refused_with_the_choices(settings: Any) -> None:
    settings.CAIRN_SPLINK_BACKEND = "oracle"
    with pytest.raises(ImproperlyConfigured, match="must be one of duckdb, spark"):
        run_linkage(_rows()[0])


@pytest.mark.skipif(HAS_PYSPARK, reason="PySpark is installed here")
def test_spark_without_pyspark_says_how_to_install_it() -> None:
    with pytest.raises(ImproperlyConfigured, match="uv sync --extra spark"):
        database_api("spark")


def test_custom_levels_translate_to_spark_sql() -> None:
    """The custom levels are DuckDB SQL; Splink must translate them for Spark."""
    from splink.internals.dialects import SplinkDialect

    spark = SplinkDialect.from_string("spark")
    sql = [
        level.create_sql(spark)
        for comparison in splink_batch.settings().comparisons
        for level in comparison.create_comparison_levels()
        if getattr(level, "base_dialect_str", None)
    ]
    joined = " ".join(sql).lower()
    assert "array_contains(given_variants_l, given_name_r)" in joined
    assert "list_contains" not in joined
    assert "damerau_levenshtein(dob_l, dob_r) <= 1" in joined
    # Dates of birth not far apart (the level before "born more than ten years apart").
    assert "abs(birth_year_l - birth_year_r) <= 10" in joined


def test_duckdb_finds_the_known_duplicates() -> None:
    rows, dups = _rows()
    result = run_linkage(rows, threshold=4, backend="duckdb")
    found = {(p["person_a"], p["person_b"]) for p in result.pairs}
    assert len(dups & found) >= len(dups) - 1


@pytest.mark.skipif(not HAS_PYSPARK, reason="PySpark not installed (uv sync --extra spark)")
@pytest.mark.django_db
def test_spark_backend_agrees_with_duckdb(
    settings: Any, tmp_path: Any, users: Any, make_person: Any
) -> None:
    settings.CAIRN_SPARK_MASTER = "local[2]"
    settings.CAIRN_SPARK_PARTITIONS = 4
    settings.CAIRN_SPARK_CHECKPOINT_DIR = str(tmp_path)
    rows, dups = _rows()
    duck = run_linkage(rows, threshold=4, backend="duckdb")
    spark = run_linkage(rows, threshold=4, backend="spark")
    duck_pairs = {(p["person_a"], p["person_b"]) for p in duck.pairs}
    spark_pairs = {(p["person_a"], p["person_b"]) for p in spark.pairs}
    assert len(dups & spark_pairs) >= len(dups) - 1
    # The same model on the same data: the pair sets agree almost entirely.
    assert len(duck_pairs ^ spark_pairs) <= max(2, len(duck_pairs) // 10)
    # And `link_people` takes the backend from the setting and fills the review queue.
    settings.CAIRN_SPLINK_BACKEND = "spark"
    stored = {}
    for row in rows[:60]:
        stored[row.unique_id] = make_person(
            given_name=row.given_name, family_name=row.family_name, date_of_birth=row.dob
        ).pk
    out = io.StringIO()
    call_command("link_people", "--threshold", "4", stdout=out)
    assert "Model v1: 60 people" in out.getvalue()
    queued = set(CandidatePair.objects.values_list("person_a_id", "person_b_id"))
    expected = {
        tuple(sorted((stored[a], stored[b]))) for a, b in dups if a in stored and b in stored
    }
    assert expected and len(expected & queued) >= len(expected) - 1
