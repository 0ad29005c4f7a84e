"""Batch linkage (`link_people`'s calls: every person row, Splink trained on the store) on
a store built by `bench/identity_independent.py`, scored pairwise against its truth file:
P / R / F1 at the review threshold, and false pairs within one household (twins apart).

    uv run --group bench python bench/identity_independent_batch.py \
      --db-url postgres://postgres@127.0.0.1:5432/cairn_idbench_20000_11 --people 20000

Build the store first with `identity_independent.py` (same --people and --seed)."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def score(truth: dict[int, dict[str, str]], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    records_of = defaultdict(list)
    for pk, row in truth.items():
        records_of[row["identity"]].append(pk)
    true_pairs = sum(math.comb(len(ids), 2) for ids in records_of.values())
    tp = fp = household = twins = 0
    by_level: Counter[str] = Counter()
    for pair in pairs:
        a, b = truth[pair["person_a"]], truth[pair["person_b"]]
        if a["identity"] == b["identity"]:
            tp += 1
            continue
        fp += 1
        if a["household"] == b["household"]:
            household += 1
            twins += a["twin_of"] == b["identity"] or b["twin_of"] == a["identity"]
            by_level[pair["explanation"]["given_name"]["level"]] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / true_pairs if true_pairs else 0.0
    return {
        "true_pairs": true_pairs,
        "tp": tp,
        "fp": fp,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "household_false_pairs": household,
        "twin_false_pairs": twins,
        "household_false_pairs_by_first_name_level": dict(by_level),
    }


def trained_name_weights(model: dict[str, Any]) -> dict[str, list[tuple[str, float]]]:
    out = {}
    for comparison in model.get("comparisons", []):
        name = comparison["output_column_name"]
        out[name] = [
            (lv["label_for_charts"], round(math.log2(lv["m_probability"] / lv["u_probability"]), 2))
            for lv in comparison["comparison_levels"]
            if not lv.get("is_null_level") and lv.get("m_probability") and lv.get("u_probability")
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--threshold", type=float, default=6.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    os.environ["BENCH_DATABASE_URL"] = args.db_url

    import django

    django.setup()
    from cairn.network.matching.splink_batch import run_linkage
    from cairn.network.matching.store import person_rows
    from cairn.network.matching.weights import weights_from_settings

    name = f"identity-independent-{args.people}-{args.seed}-truth.csv"
    truth_path = ROOT / "bench" / "data" / name
    with truth_path.open() as f:
        truth = {int(row["person_id"]): row for row in csv.DictReader(f)}
    started = time.perf_counter()
    result = run_linkage(list(person_rows()), threshold=args.threshold)
    seconds = time.perf_counter() - started
    used = weights_from_settings(result.model_json, "bench")
    out = {
        "bench": "identity_independent_batch",
        "people": args.people,
        "seed": args.seed,
        "threshold": args.threshold,
        "seconds": round(seconds, 1),
        "load_average": os.getloadavg(),
        **score(truth, result.pairs),
        "trained_weights": trained_name_weights(result.model_json),
        # Which trained comparisons the online matcher would use (in order, by label).
        "trained_used_online": {
            name: used.levels[name] != default
            for name, default in weights_from_settings({}, "default").levels.items()
        },
    }
    print(json.dumps({k: v for k, v in out.items() if k != "trained_weights"}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
