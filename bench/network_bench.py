"""Identity matching at scale: the online matcher (blocking indexes + in-process
Fellegi-Sunter scoring) against Splink's batch prediction, on the same synthetic store
with known duplicates (`manage.py demo_data --scale N --truth-file PATH`).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cairn_network_bench \\
      uv run python bench/network_bench.py --truth /tmp/truth-100k.csv --queries 2000

Measures: online match p50/p95/max per query (candidate retrieval + scoring, as a
Hub-wide police user, so nothing is hidden by visibility); Splink batch link time and
peak RSS; pairwise precision/recall/F1 of both at the review threshold, over the pairs
that involve the sampled records (so the two are compared on exactly the same records).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def truth_pairs(path: Path) -> tuple[dict[int, int], set[tuple[int, int]]]:
    cluster_of: dict[int, int] = {}
    members: dict[int, list[int]] = defaultdict(list)
    with path.open() as fh:
        for row in csv.DictReader(fh):
            pid, cluster = int(row["person_id"]), int(row["cluster_id"])
            cluster_of[pid] = cluster
            members[cluster].append(pid)
    pairs = set()
    for ids in members.values():
        ids.sort()
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs.add((a, b))
    return cluster_of, pairs


def prf(predicted: set[tuple[int, int]], true: set[tuple[int, int]]) -> dict[str, float]:
    tp = len(predicted & true)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted": len(predicted),
        "true": len(true),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument(
        "--warmup",
        type=int,
        default=0,
        help="Untimed queries first, for OTHER records than the timed sample (a server's "
        "steady state: indexes in memory, not the answers).",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from bench.run import bench_users
    from cairn.network.matching.online import CandidateFields, match_person
    from cairn.network.matching.splink_batch import REVIEW_THRESHOLD, run_linkage
    from cairn.network.matching.store import person_rows
    from cairn.network.matching.weights import weights_from_settings

    user = bench_users()["police"]
    _cluster_of, true_all = truth_pairs(args.truth)
    rows = list(person_rows())
    by_id = {r.unique_id: r for r in rows}
    rng = random.Random(args.seed)
    # Half the sample are records that have a duplicate, half any record.
    with_dups = sorted({pid for pair in true_all for pid in pair if pid in by_id})
    sample = set(rng.sample(with_dups, min(len(with_dups), args.queries // 2)))
    everyone = sorted(by_id)
    while len(sample) < min(args.queries, len(everyone)):
        sample.add(rng.choice(everyone))
    sample_ids = sorted(sample)
    true_sample = {p for p in true_all if p[0] in sample or p[1] in sample}
    result: dict[str, Any] = {
        "backend": connection.vendor,
        "people": len(rows),
        "true_pairs": len(true_all),
        "queries": len(sample_ids),
        "threshold": REVIEW_THRESHOLD,
    }

    thresholds = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)

    def sweep(scored: dict[tuple[int, int], float], true: set[tuple[int, int]]) -> dict[str, Any]:
        return {
            str(t): prf({p for p, w in scored.items() if w >= t}, true)["f1"] for t in thresholds
        }

    splink_pairs: set[tuple[int, int]] = set()
    weights = None
    if not args.skip_splink:
        started = time.perf_counter()
        linked = run_linkage(rows, threshold=min(thresholds), max_pairs=5e6)
        result["splink_seconds"] = round(time.perf_counter() - started, 1)
        result["splink_peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        )
        scored = {(p["person_a"], p["person_b"]): p["match_weight"] for p in linked.pairs}
        splink_pairs = {p for p, w in scored.items() if w >= REVIEW_THRESHOLD}
        result["splink_f1_by_threshold_sample"] = sweep(
            {p: w for p, w in scored.items() if p[0] in sample or p[1] in sample}, true_sample
        )
        result["splink_all"] = prf(splink_pairs, true_all)
        result["splink_sample"] = prf(
            {p for p in splink_pairs if p[0] in sample or p[1] in sample}, true_sample
        )
        weights = weights_from_settings(linked.model_json, "bench")

    if args.warmup:
        others = [pid for pid in rng.sample(everyone, args.warmup * 2) if pid not in sample]
        from cairn.network.matching.weights import default_weights

        warm_weights = default_weights(len(rows))

        for pid in others[: args.warmup]:
            r = by_id[pid]
            match_person(
                user,
                CandidateFields(
                    given_name=r.given_name,
                    family_name=r.family_name,
                    date_of_birth=r.dob,
                    birth_year=r.birth_year,
                    postcode=r.postcode,
                    sex=r.sex,
                ),
                weights=warm_weights,
            )
        result["warmup_queries"] = min(args.warmup, len(others))

    def run_online(label: str, w: Any) -> None:
        times = []
        cpu_times = []
        scored: dict[tuple[int, int], float] = {}
        for pid in sample_ids:
            r = by_id[pid]
            fields = CandidateFields(
                given_name=r.given_name,
                family_name=r.family_name,
                date_of_birth=r.dob,
                birth_year=r.birth_year,
                postcode=r.postcode,
                sex=r.sex,
            )
            t0 = time.perf_counter()
            c0 = time.process_time()
            found = match_person(
                user, fields, weights=w, threshold=min(thresholds), exclude_ids=(pid,), limit=20
            )
            times.append((time.perf_counter() - t0) * 1000)
            cpu_times.append((time.process_time() - c0) * 1000)
            for m in found:
                a, b = sorted((pid, m.person.pk))
                scored[(a, b)] = max(scored.get((a, b), m.weight), m.weight)
        predicted = {p for p, w in scored.items() if w >= REVIEW_THRESHOLD}
        times.sort()
        cpu_times.sort()
        result[label] = {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            "max_ms": round(times[-1], 2),
            # CPU of this (client) process only: scoring + ORM, not the database server.
            "client_cpu_p50_ms": round(statistics.median(cpu_times), 2),
            "client_cpu_p95_ms": round(cpu_times[int(len(cpu_times) * 0.95) - 1], 2),
            **prf(predicted, true_sample),
            "f1_by_threshold": sweep(scored, true_sample),
        }

    from cairn.network.matching.weights import default_weights

    # What the matcher uses before any model is trained: the default levels, with the
    # prior for a store of this size.
    run_online("online_default_weights", default_weights(len(rows)))
    if weights is not None:
        run_online("online_splink_weights", weights)
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
