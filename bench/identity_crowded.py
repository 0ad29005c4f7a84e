"""Online matching latency into a crowded address (issue 19: hostels, children's homes,
hotels). Takes a database built by `bench/identity_independent.py`, moves the homes of
`--crowd` people to one postcode (once: a rerun finds it crowded and keeps it), then times
`match_person` for queries typed with that postcode, interleaved with ordinary queries,
after a warm-up on other records. Wall and client CPU per query, p50 / p95 / max.

    uv run python bench/identity_independent.py --people 100000 --queries 200 --hard-queries 0 \\
      --db-url postgres://postgres@127.0.0.1:5432/cairn_idbench_100000_11   # build
    uv run python bench/identity_crowded.py \\
      --db-url postgres://postgres@127.0.0.1:5432/cairn_idbench_100000_11 --crowd 5000

A query is a person's own primary name, date of birth, sex and home postcode, the person
excluded (an existing record typed again); "crowded" queries are residents of the crowded
postcode, so every name key they carry meets thousands of neighbours there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

CROWDED = "ZZ9 9ZZ"


def crowd(n: int, seed: int) -> int:
    """Move the homes of `n` people to CROWDED (unless it already holds them); returns how
    many people have a current home there."""
    from django.db import connection

    from cairn.pole.models import Link, Location

    home = ("lives_at", "stays_at")
    link, loc = Link._meta.db_table, Location._meta.db_table
    with connection.cursor() as cursor:
        count_sql = (
            f"SELECT count(DISTINCT l.from_entity_id) FROM {link} l JOIN {loc} c "
            "ON c.entity_id = l.to_entity_id WHERE l.link_type IN (%s, %s) AND c.postcode = %s"
        )
        cursor.execute(count_sql, [*home, CROWDED])
        if cursor.fetchone()[0] >= n:
            cursor.execute(count_sql, [*home, CROWDED])
            return int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT DISTINCT to_entity_id FROM {link} WHERE link_type IN (%s, %s) "
            "ORDER BY to_entity_id",
            list(home),
        )
        places = [r[0] for r in cursor.fetchall()]
        random.Random(seed).shuffle(places)
        moved: list[int] = []
        total = 0
        for place in places:
            cursor.execute(
                f"SELECT count(*) FROM {link} WHERE to_entity_id = %s AND link_type IN (%s, %s)",
                [place, *home],
            )
            total += cursor.fetchone()[0]
            moved.append(place)
            if total >= n:
                break
        cursor.execute(
            f"UPDATE {loc} SET postcode = %s WHERE entity_id = ANY(%s)", [CROWDED, moved]
        )
        cursor.execute("ANALYZE")
        cursor.execute(count_sql, [*home, CROWDED])
        return int(cursor.fetchone()[0])


def queries(n: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from django.db import connection

    from cairn.pole.models import Link, Location, Person

    sql = (
        f"SELECT p.entity_id, p.given_name, p.family_name, p.date_of_birth, p.sex, c.postcode "
        f"FROM {Person._meta.db_table} p JOIN {Link._meta.db_table} l "
        "ON l.from_entity_id = p.entity_id AND l.link_type IN ('lives_at', 'stays_at') "
        f"JOIN {Location._meta.db_table} c ON c.entity_id = l.to_entity_id "
        "WHERE c.postcode {op} %s ORDER BY p.entity_id"
    )
    rng = random.Random(seed)
    out = []
    with connection.cursor() as cursor:
        for op in ("=", "<>"):
            cursor.execute(sql.replace("{op}", op), [CROWDED])
            rows = cursor.fetchall()
            rng.shuffle(rows)
            out.append(
                [
                    {
                        "pk": pk,
                        "given_name": given,
                        "family_name": family,
                        "date_of_birth": dob.isoformat() if dob else "",
                        "sex": sex if sex in ("female", "male") else "",
                        "postcode": postcode,
                    }
                    for pk, given, family, dob, sex, postcode in rows[: 2 * n]
                ]
            )
    return out[0], out[1]


def explain(user: Any, qs: list[dict[str, Any]]) -> dict[str, list[float]]:
    from django.db import connection

    from cairn.network.matching.online import match_person

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if " UNION " in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    out: dict[str, list[float]] = {"ms": [], "buffers": []}
    for q in qs:
        captured.clear()
        with connection.execute_wrapper(capture):
            match_person(user, q, threshold=-50.0, limit=10, exclude_ids=(q["pk"],))
        for sql, params in captured:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            out["ms"].append(plan["Execution Time"])
            top = plan["Plan"]
            out["buffers"].append(
                top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            )
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max": round(ordered[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--crowd", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300, help="of each kind")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    os.environ["BENCH_DATABASE_URL"] = args.db_url

    import django

    django.setup()
    from bench.identity_independent import bench_user
    from cairn.network.matching.online import match_person

    residents = crowd(args.crowd, args.seed)
    crowded, ordinary = queries(args.queries, args.seed)
    user = bench_user()
    # Warm-up on records not queried (ordinary and crowded alike: a server's steady state).
    for q in (
        ordinary[args.queries :][: args.warmup // 2] + crowded[args.queries :][: args.warmup // 2]
    ):
        match_person(user, q, threshold=-50.0, limit=10, exclude_ids=(q["pk"],))
    timings: dict[str, dict[str, list[float]]] = {
        kind: {"wall": [], "cpu": [], "found": []} for kind in ("crowded", "ordinary")
    }
    load_before = os.getloadavg()
    for c, o in zip(crowded[: args.queries], ordinary[: args.queries], strict=False):
        for kind, q in (("crowded", c), ("ordinary", o)):
            t0, c0 = time.perf_counter(), time.process_time()
            found = match_person(user, q, threshold=-50.0, limit=10, exclude_ids=(q["pk"],))
            timings[kind]["wall"].append((time.perf_counter() - t0) * 1000)
            timings[kind]["cpu"].append((time.process_time() - c0) * 1000)
            timings[kind]["found"].append(len(found))
    # The database's side, load-independent: pages touched (shared buffers) and server
    # time of each query's candidates statement, from EXPLAIN ANALYZE run afterwards.
    server = {
        kind: explain(user, qs[: args.queries])
        for kind, qs in (("crowded", crowded), ("ordinary", ordinary))
    }
    result = {
        "bench": "identity_crowded",
        "database": args.db_url.rsplit("/", 1)[1],
        "crowded_postcode_residents": residents,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        **{
            kind: {
                "queries": len(t["wall"]),
                "wall_ms": percentiles(t["wall"]),
                "cpu_ms": percentiles(t["cpu"]),
                "candidates_mean": round(statistics.mean(t["found"]), 1),
                "server_ms": percentiles(server[kind]["ms"]),
                "buffers": percentiles(server[kind]["buffers"]),
            }
            for kind, t in timings.items()
        },
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
