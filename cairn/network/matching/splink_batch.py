"""Batch deduplication with Splink (DuckDB backend, embedded). Trains the model on the
store (u by random sampling, m by expectation maximisation), returns the model JSON and
the scored pairs above the review threshold. The comparison levels are those of
comparisons.LEVELS, in the same order and with the same labels, so the trained m/u are read
back onto the online matcher's levels by label (weights.py) and a pair is explained by
position (`_explain`).

The backend is chosen by configuration (`CAIRN_SPLINK_BACKEND`): "duckdb" (default,
embedded, one machine) or "spark" (Splink's SparkAPI, for data beyond one machine; needs
`uv sync --extra spark`, Java 17+ and `CAIRN_SPARK_MASTER`). The custom comparison levels
are written in DuckDB's SQL and translated by Splink (sqlglot) for Spark."""

from __future__ import annotations

import datetime as dt
import logging
import math
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from cairn.pole import normalise

from .comparisons import (
    DEFAULT_PRIOR_WEIGHT,
    DIFFERENT_GIVEN_LEVEL,
    DOB_FAR_LEVEL,
    DOB_FAR_YEARS,
    DOB_FAR_YEARS_ESTIMATED,
    GENERATION_WEIGHTS,
    HOUSEHOLD_WEIGHTS,
    JW_SIMILAR,
    JW_VERY_SIMILAR,
    LEVELS,
    SAME_FAMILY_LEVEL,
    SOUND_GIVEN_LEVEL,
    SOUND_KEY_MIN,
    TF_COMPARISONS,
    TF_MIN_COUNT,
    household_sound_alike,
    known_dob,
    probability,
    sound_key,
)

log = logging.getLogger(__name__)

# Pairs at or above this match weight go to the review queue (ADR 0008). Nothing is
# ever merged automatically, whatever the weight.
REVIEW_THRESHOLD = 6.0
BACKENDS = ("duckdb", "spark")
# The dialect the custom comparison levels below are written in.
DIALECT = "duckdb"


@dataclass
class PersonRow:
    unique_id: int
    given_name: str
    family_name: str
    dob: dt.date | None
    birth_year: int | None
    postcode: str
    sex: str
    dob_estimated: bool = False  # 1 January of an estimated date is a placeholder


def to_splink_row(row: PersonRow) -> dict[str, Any]:
    given = normalise.name_key(row.given_name)
    family = normalise.name_key(row.family_name)
    pc = normalise.postcode(row.postcode) if row.postcode else ""
    # A placeholder is no date: null, so neither compared nor blocked on (as online).
    dob = known_dob(row.dob, row.dob_estimated)
    year = dob.year if dob else row.birth_year
    return {
        "unique_id": row.unique_id,
        "given_name": given or None,
        "given_variants": sorted(normalise.given_name_variants(given)) if given else None,
        "given_phonetic": normalise.phonetic_key(given) or None,
        "given_sound": sound_key(given) or None,
        "family_name": family or None,
        "family_phonetic": normalise.phonetic_key(family) or None,
        "family_sound": sound_key(family) or None,
        "dob": dob.isoformat() if dob else None,
        "birth_year": year,
        "postcode": pc or None,
        "postcode_district": pc.split(" ")[0] if pc else None,
        "sex": row.sex if row.sex in ("female", "male") else None,
    }


def _arrow_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("unique_id", pa.int64()),
            ("given_name", pa.string()),
            ("given_variants", pa.list_(pa.string())),
            ("given_phonetic", pa.string()),
            ("given_sound", pa.string()),
            ("family_name", pa.string()),
            ("family_phonetic", pa.string()),
            ("family_sound", pa.string()),
            ("dob", pa.string()),
            ("birth_year", pa.int64()),
            ("postcode", pa.string()),
            ("postcode_district", pa.string()),
            ("sex", pa.string()),
        ]
    )


# Names exactly the other way round (comparisons.names_swapped), and the blocking rule that
# brings such pairs together (the online matcher's rule 8).
SWAPPED_NAMES_SQL = (
    "given_name_l <> family_name_l AND given_name_l = family_name_r "
    "AND family_name_l = given_name_r"
)
SWAPPED_NAMES_BLOCK = (
    "l.given_phonetic = r.family_phonetic AND l.family_phonetic = r.given_phonetic"
)
# Dates of birth not far apart (comparisons.DOB_FAR_YEARS): within ten years between two
# full dates, within twenty when either side has only a year or an estimated age. The else
# level after it is "born more than ten years apart", as comparisons._dob_level. Past the
# null level both birth years are known (the year of the date, or the year alone).
DOB_NOT_FAR_SQL = (
    f"(dob_l IS NOT NULL AND dob_r IS NOT NULL "
    f"AND abs(birth_year_l - birth_year_r) <= {DOB_FAR_YEARS}) "
    f"OR ((dob_l IS NULL OR dob_r IS NULL) "
    f"AND abs(birth_year_l - birth_year_r) <= {DOB_FAR_YEARS_ESTIMATED})"
)


# The same sound key (comparisons.sounds_alike), computed before the rows reach Splink:
# DuckDB has no Metaphone. Tested after "very similar", as online.
def _sounds_alike_sql(column: str) -> str:
    return f"length({column}_sound_l) >= {SOUND_KEY_MIN} AND {column}_sound_l = {column}_sound_r"


# The online matcher's store-size floor for term frequencies (weights.HUB_SIZED_STORE).
TF_STORE_FLOOR = 20_000


def settings(record_count: int = 0) -> Any:
    """Splink settings over comparisons.LEVELS. An exact first name or surname is
    term-frequency adjusted, with the same floor as the online matcher: no name weighs as
    if held by fewer than TF_MIN_COUNT of `record_count` records (a hub-sized store at
    least)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on
    from splink.blocking_rule_library import CustomRule

    def labelled(name: str) -> list[str]:
        return [lv.label for lv in LEVELS[name]]

    tf_min_u = TF_MIN_COUNT / max(record_count, TF_STORE_FLOOR)

    g, f, d, p, s = (labelled(n) for n in ("given_name", "family_name", "dob", "postcode", "sex"))
    comparisons: list[Any] = [
        cl.CustomComparison(
            output_column_name="given_name",
            comparison_levels=[
                cll.NullLevel("given_name"),
                cll.ExactMatchLevel("given_name", term_frequency_adjustments=True).configure(
                    label_for_charts=g[0], tf_minimum_u_value=tf_min_u
                ),
                cll.CustomLevel(
                    "list_contains(given_variants_l, given_name_r)", g[1], base_dialect_str=DIALECT
                ),
                cll.CustomLevel(SWAPPED_NAMES_SQL, g[2], base_dialect_str=DIALECT),
                cll.JaroWinklerLevel("given_name", JW_VERY_SIMILAR).configure(
                    label_for_charts=g[3]
                ),
                cll.CustomLevel(_sounds_alike_sql("given"), g[4], base_dialect_str=DIALECT),
                cll.JaroWinklerLevel("given_name", JW_SIMILAR).configure(label_for_charts=g[5]),
                cll.ElseLevel().configure(label_for_charts=g[6]),
            ],
        ),
        cl.CustomComparison(
            output_column_name="family_name",
            comparison_levels=[
                cll.NullLevel("family_name"),
                cll.ExactMatchLevel("family_name", term_frequency_adjustments=True).configure(
                    label_for_charts=f[0], tf_minimum_u_value=tf_min_u
                ),
                cll.CustomLevel(SWAPPED_NAMES_SQL, f[1], base_dialect_str=DIALECT),
                cll.JaroWinklerLevel("family_name", JW_VERY_SIMILAR).configure(
                    label_for_charts=f[2]
                ),
                cll.CustomLevel(_sounds_alike_sql("family"), f[3], base_dialect_str=DIALECT),
                cll.JaroWinklerLevel("family_name", JW_SIMILAR).configure(label_for_charts=f[4]),
                cll.ElseLevel().configure(label_for_charts=f[5]),
            ],
        ),
        cl.CustomComparison(
            output_column_name="dob",
            comparison_levels=[
                cll.CustomLevel(
                    "birth_year_l IS NULL OR birth_year_r IS NULL", base_dialect_str=DIALECT
                ).configure(is_null_level=True),
                cll.CustomLevel("dob_l = dob_r", d[0], base_dialect_str=DIALECT),
                cll.CustomLevel(
                    "damerau_levenshtein(dob_l, dob_r) <= 1 OR ("
                    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                    "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                    "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2))",
                    d[1],
                    base_dialect_str=DIALECT,
                ),
                cll.CustomLevel("birth_year_l = birth_year_r", d[2], base_dialect_str=DIALECT),
                cll.CustomLevel(DOB_NOT_FAR_SQL, d[3], base_dialect_str=DIALECT),
                cll.ElseLevel().configure(label_for_charts=d[4]),
            ],
        ),
        cl.CustomComparison(
            output_column_name="postcode",
            comparison_levels=[
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode").configure(label_for_charts=p[0]),
                cll.CustomLevel(
                    "postcode_district_l = postcode_district_r", p[1], base_dialect_str=DIALECT
                ),
                cll.ElseLevel().configure(label_for_charts=p[2]),
            ],
        ),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_levels=[
                cll.NullLevel("sex"),
                cll.ExactMatchLevel("sex").configure(label_for_charts=s[0]),
                cll.ElseLevel().configure(label_for_charts=s[1]),
            ],
        ),
    ]
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("family_phonetic", "birth_year"),
            block_on("given_name", "dob"),
            block_on("given_phonetic", "dob"),
            block_on("family_name", "given_name"),
            block_on("family_phonetic", "given_phonetic"),
            block_on("postcode", "family_phonetic"),
            # Both names mistyped or changed: the online matcher's rule 7.
            block_on("dob", "postcode"),
            # First and last names the other way round: rule 8.
            CustomRule(SWAPPED_NAMES_BLOCK, sql_dialect=DIALECT),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


@dataclass
class LinkResult:
    model_json: dict[str, Any]
    pairs: list[dict[str, Any]]
    record_count: int


def _explain(row: dict[str, Any]) -> dict[str, Any]:
    """Per-comparison level and weight of one predicted pair."""
    out: dict[str, Any] = {}
    for name, levels in LEVELS.items():
        gamma = row.get(f"gamma_{name}")
        bf = row.get(f"bf_{name}")
        mw = row.get(f"mw_{name}")
        if gamma is None or gamma < 0:
            out[name] = {"level": "not known", "weight": 0.0}
            continue
        # Splink's gamma counts down from the best level (highest) to the else level (0).
        index = len(levels) - 1 - int(gamma)
        weight = float(mw) if mw is not None else (math.log2(bf) if bf else 0.0)
        # The term-frequency adjustment of an exact name, kept apart by Splink.
        weight += float(row.get(f"mw_tf_adj_{name}") or 0.0)
        out[name] = {
            "level": levels[index].label if 0 <= index < len(levels) else str(gamma),
            "weight": round(weight, 2),
        }
    return out


def other_generation(row: dict[str, Any], explanation: dict[str, Any]) -> float:
    """The online matcher's parent-and-child rule (comparisons.same_family_other_generation)
    on a pair Splink scored: with the same surname and born more than ten years apart, a
    shared address weighs at most 0 and a name rare in the store gets no lift, whatever
    the trained weights. Splink's comparisons are independent and cannot say this, so it is
    applied to its per-comparison weights after prediction. Returns how much the match
    weight falls (0 for any other pair); `explanation` is corrected in place."""
    if (
        explanation["family_name"]["level"] != LEVELS["family_name"][SAME_FAMILY_LEVEL].label
        or explanation["dob"]["level"] != LEVELS["dob"][DOB_FAR_LEVEL].label
    ):
        return 0.0
    drop = 0.0
    for name in TF_COMPARISONS:
        lift = max(float(row.get(f"mw_tf_adj_{name}") or 0.0), 0.0)
        drop += lift
        explanation[name]["weight"] = round(explanation[name]["weight"] - lift, 2)
    for name, cap in GENERATION_WEIGHTS.items():
        excess = max(explanation[name]["weight"] - cap, 0.0)
        drop += excess
        explanation[name]["weight"] = round(explanation[name]["weight"] - excess, 2)
    return drop


def household(row: dict[str, Any], explanation: dict[str, Any]) -> float:
    """The online matcher's brother-sister-twin rule (comparisons.same_family_different_child)
    on a pair Splink scored: with the same surname, a plainly different first name (or one
    of one sound spelt far apart), neither an initial, and the home or the date of birth
    shared, the shared one weighs what it does between brothers and sisters
    (HOUSEHOLD_WEIGHTS) and a rare surname gets no lift. Splink cannot say this, so it is
    applied after prediction. (Trained on a store with families, "first name different"
    is not far enough below the rest: twins with the surname, date of birth and postcode
    the same reached the review queue, 322 pairs at 6.0 in 20,000 people; bench/README.md.)
    Returns how much the match weight falls; `explanation` is corrected in place."""
    given = explanation["given_name"]["level"]
    given_l, given_r = row.get("given_name_l") or "", row.get("given_name_r") or ""
    if explanation["family_name"]["level"] != LEVELS["family_name"][SAME_FAMILY_LEVEL].label:
        return 0.0
    if given == LEVELS["given_name"][SOUND_GIVEN_LEVEL].label:
        if not household_sound_alike(given_l, given_r):
            return 0.0
    elif given != LEVELS["given_name"][DIFFERENT_GIVEN_LEVEL].label:
        return 0.0
    if min(len(normalise.name_key(given_l)), len(normalise.name_key(given_r))) <= 1:
        return 0.0
    shared = {name: LEVELS[name][0].label for name in HOUSEHOLD_WEIGHTS}
    if not any(explanation[name]["level"] == label for name, label in shared.items()):
        return 0.0
    drop = 0.0
    lift = max(float(row.get("mw_tf_adj_family_name") or 0.0), 0.0)
    drop += lift
    explanation["family_name"]["weight"] = round(explanation["family_name"]["weight"] - lift, 2)
    for name, cap in HOUSEHOLD_WEIGHTS.items():
        if explanation[name]["level"] != shared[name]:
            continue
        excess = max(explanation[name]["weight"] - cap, 0.0)
        drop += excess
        explanation[name]["weight"] = round(explanation[name]["weight"] - excess, 2)
    return drop


def database_api(backend: str) -> Any:
    """Splink's database API for the configured backend."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        try:
            from pyspark.sql import SparkSession
            from splink import SparkAPI
            from splink.backends.spark import similarity_jar_location
        except ImportError as exc:
            raise ImproperlyConfigured(
                "CAIRN_SPLINK_BACKEND=spark needs PySpark: run `uv sync --extra spark` "
                "(and install Java 17 or later)."
            ) from exc

        spark = (
            SparkSession.builder.master(django_settings.CAIRN_SPARK_MASTER)
            .appName("cairn-link-people")
            # Splink's string-similarity functions (jaro_winkler, damerau_levenshtein).
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", str(django_settings.CAIRN_SPARK_PARTITIONS))
            .getOrCreate()
        )
        # Splink breaks long query lineages by writing parquet under the checkpoint dir.
        spark.sparkContext.setCheckpointDir(
            django_settings.CAIRN_SPARK_CHECKPOINT_DIR or tempfile.mkdtemp(prefix="cairn-spark-")
        )
        return SparkAPI(
            spark_session=spark,
            num_partitions_on_repartition=django_settings.CAIRN_SPARK_PARTITIONS,
        )
    raise ImproperlyConfigured(
        f"CAIRN_SPLINK_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}."
    )


def run_linkage(
    rows: Iterable[PersonRow],
    *,
    threshold: float = REVIEW_THRESHOLD,
    seed: int = 1,
    max_pairs: float = 1e6,
    backend: str | None = None,
) -> LinkResult:
    """Train on `rows` and predict pairs at or above `threshold`, with the configured
    backend (or `backend`)."""
    import pyarrow as pa
    from splink import Linker, block_on

    records = [to_splink_row(r) for r in rows]
    if len(records) < 2:
        return LinkResult(model_json={}, pairs=[], record_count=len(records))
    db_api = database_api(backend or django_settings.CAIRN_SPLINK_BACKEND)
    table = db_api.register(
        # An explicit schema: Spark cannot infer the type of a column that is all null.
        # No fixed name: Splink then names it and may replace it, which a Spark session
        # kept between runs needs.
        pa.Table.from_pylist(records, schema=_arrow_schema())
    )
    linker = Linker(table, settings(len(records)), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "dob"), block_on("family_name", "dob")],
        recall=0.7,
    )
    settings_obj = linker._settings_obj
    if not 0 < settings_obj._probability_two_random_records_match < 1:
        # No deterministic matches (a small or clean store): fall back to the documented
        # prior rather than a zero that makes every weight minus infinity.
        settings_obj._probability_two_random_records_match = 2**DEFAULT_PRIOR_WEIGHT
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in (block_on("dob"), block_on("family_name", "given_name")):
        # A session takes the comparisons it is blocked on out of the linker's model
        # and puts them back only when it succeeds: kept, so a failed session cannot
        # leave a model that scores pairs without their names (or dates of birth).
        kept = settings_obj.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # small stores may leave a session with no pairs
            settings_obj.core_model_settings = kept
            log.warning("EM session %s skipped: %s", rule, exc)
    predictions = linker.inference.predict(threshold_match_weight=threshold)
    pairs = []
    for row in predictions.as_pyarrow_table().to_pylist():
        a, b = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        explanation = _explain(row)
        weight = float(row["match_weight"])
        drop = other_generation(row, explanation) or household(row, explanation)
        if drop and weight - drop < threshold:
            continue  # a father and son of one name, or brothers, sisters, twins: not to review
        pairs.append(
            {
                "person_a": a,
                "person_b": b,
                "match_weight": weight - drop,
                "match_probability": probability(weight - drop)
                if drop
                else float(row["match_probability"]),
                "explanation": explanation,
            }
        )
    return LinkResult(
        model_json=linker.misc.save_model_to_json(), pairs=pairs, record_count=len(records)
    )
