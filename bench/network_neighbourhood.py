"""Network neighbourhood at scale: `cairn.network.graph.neighbourhood` (the breadth-first
walk behind the network page and `GET /api/v1/network/{id}`) on a PostgreSQL store of
1M+ POLE records and 5M links.

    # a store of 1M people first (bench/README.md, identity matching), then:
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cairn_network_bench \\
      uv run python bench/network_neighbourhood.py --links 5000000 --queries 300

Tops the store up to `--links` links with synthetic "associates with" links between
random records (uniform ends: about 7 links per record at 5M over 1.4M records, so a
2-hop neighbourhood holds ~50-100 records, with the generator's households and shared
addresses on top), then times 2-hop neighbourhoods of random people as a Hub-wide police
user (sees everything) and as a Children's Trust practitioner (own agency, shared and
Hub-shared records only: the visibility filter is part of every query).
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


def top_up_links(target: int, chunk: int = 500_000) -> None:
    from django.db import connection

    from cairn.pole.models import Entity, Link, LinkSource

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {Link._meta.db_table}")
        have = cursor.fetchone()[0]
        cursor.execute(f"SELECT min(id), max(id) FROM {Entity._meta.db_table}")
        low, high = cursor.fetchone()
        cursor.execute(f"SELECT owning_agency_id FROM {Entity._meta.db_table} LIMIT 1")
        agency = cursor.fetchone()[0]
    started = time.perf_counter()
    while have < target:
        n = min(chunk, target - have)
        # Entity ids are dense (bulk-generated), so uniform ids are uniform records. A pair
        # drawn twice is one fact (ADR 0017): the second is skipped.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Link._meta.db_table}
                    (from_entity_id, to_entity_id, link_type, started_on, ended_on,
                     owning_agency_id, police_only, created_by_id, created_at, updated_at)
                SELECT a, b, 'associate', DATE '2024-01-01' + (random() * 700)::int, NULL,
                       %s, false, NULL, now(), now()
                FROM (
                    SELECT %s + floor(random() * (%s - %s))::bigint AS a,
                           %s + floor(random() * (%s - %s))::bigint AS b
                    FROM generate_series(1, %s)
                ) pairs
                WHERE a <> b
                  AND EXISTS (SELECT 1 FROM {Entity._meta.db_table} e WHERE e.id = a)
                  AND EXISTS (SELECT 1 FROM {Entity._meta.db_table} e WHERE e.id = b)
                ON CONFLICT DO NOTHING
                """,
                [agency, low, high, low, low, high, low, n],
            )
            have += cursor.rowcount
            # Each new link's source.
            cursor.execute(
                f"""
                INSERT INTO {LinkSource._meta.db_table}
                    (link_id, source_type, source_id, note, started_on, ended_on,
                     owning_agency_id, police_only, recorded_by_id, recorded_at)
                SELECT l.id, 'bench', '', 'Synthetic benchmark link', l.started_on, NULL,
                       l.owning_agency_id, false, NULL, now()
                FROM {Link._meta.db_table} l
                WHERE NOT EXISTS (
                    SELECT 1 FROM {LinkSource._meta.db_table} s WHERE s.link_id = l.id
                )
                """
            )
        print(f"  {have:,} links ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Link._meta.db_table}")
        cursor.execute(f"ANALYZE {LinkSource._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--hops", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max, Min

    from bench.run import bench_users
    from cairn.network.graph import analyse, neighbourhood
    from cairn.pole.models import Entity, Link, Person

    if connection.vendor != "postgresql":
        sys.exit("This benchmark is for PostgreSQL (set BENCH_DATABASE_URL).")
    top_up_links(args.links)
    users = bench_users()
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    rng = random.Random(args.seed)
    centres: list[int] = []
    while len(centres) < args.queries:
        pk = rng.randint(bounds["low"], bounds["high"])
        found = Person.objects.filter(pk__gte=pk).order_by("pk").values_list("pk", flat=True)
        centres.extend(found[:1])
    result: dict[str, Any] = {
        "records": Entity.objects.count(),
        "links": Link.objects.count(),
        "hops": args.hops,
        "queries": len(centres),
    }
    for label, user in (("police", users["police"]), ("practitioner", users["practitioner"])):
        times, analysis_times, nodes, edges, truncated = [], [], [], [], 0
        neighbourhood(user, centres[0], hops=args.hops)  # warm the connection
        for centre in centres:
            t0 = time.perf_counter()
            network = neighbourhood(user, centre, hops=args.hops)
            times.append((time.perf_counter() - t0) * 1000)
            t1 = time.perf_counter()
            analyse(network)
            analysis_times.append((time.perf_counter() - t1) * 1000)
            nodes.append(len(network.nodes))
            edges.append(len(network.edges))
            truncated += network.truncated
        times.sort()
        analysis_times.sort()
        result[label] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "max_ms": round(times[-1], 1),
            "analysis_p50_ms": round(statistics.median(analysis_times), 1),
            "analysis_p95_ms": round(analysis_times[int(len(analysis_times) * 0.95) - 1], 1),
            "nodes_mean": round(statistics.mean(nodes), 1),
            "nodes_max": max(nodes),
            "edges_mean": round(statistics.mean(edges), 1),
            "truncated": truncated,
        }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
