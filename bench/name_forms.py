"""Person search with a first name as people give it (issue 19 item 4): "Dan Stewart" for
Daniel Stewart. Times `search_people` on an existing benchmark database (made by
bench/run.py) for queries built from people whose first name has other forms in
normalise's table, with the second query (baseline) and without it (`noforms`),
interleaved block by block; prints the table and the EXPLAIN (ANALYZE, BUFFERS) of the
second query for one search.

    uv run python bench/run.py --scales 100000 --backends postgres --db-suffix _x
    uv run python bench/name_forms.py --scale 100000 --db-suffix _x --queries 200
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import BLOCK, _stats, bench_users, database_env


def build_queries(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` queries "<another form of the first name> <surname>", half with the surname
    respelt by one transposition, drawn from people whose first name has other forms."""
    from cairn.demo.bulk import transpose
    from cairn.pole import normalise
    from cairn.pole.models import PersonName

    rng = random.Random(seed)
    given = [k for k, forms in normalise.NICKNAMES.items() if len(forms) > 1]
    pool = list(
        PersonName.objects.filter(
            kind="primary", given_key__in=given, person__date_of_birth__isnull=False
        )
        .exclude(family_key="")
        .values_list("person_id", "given_key", "family_name")[:20000]
    )
    rng.shuffle(pool)
    queries = []
    for pk, key, family in pool[:count]:
        form = rng.choice(sorted(normalise.NICKNAMES[key] - {key}))
        respelt = rng.random() < 0.5 and len(family) >= 4
        surname = transpose(rng, family) if respelt else family
        queries.append(
            {
                "kind": "respelt" if respelt else "form",
                "target": pk,
                "query": f"{form.capitalize()} {surname}",
            }
        )
    return queries


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import variants
    from cairn.pole import search
    from cairn.pole.access import visible_people

    users = bench_users()
    queries = build_queries(args.queries, args.seed)
    kinds = ("form", "respelt")
    names = ["baseline", "noforms"]
    print(f"{len(queries)} queries, e.g. {[q['query'] for q in queries[:4]]}")
    for label, user in users.items():
        targets = [q["target"] for q in queries]
        visible = set(visible_people(user).filter(pk__in=targets).values_list("pk", flat=True))
        for q in queries[:20]:
            search.search_people(user, query=q["query"])
        ms: dict[str, dict[str, list[float]]] = {n: {k: [] for k in kinds} for n in names}
        counts: dict[str, dict[str, list[int]]] = {n: {k: [] for k in kinds} for n in names}
        found: dict[str, dict[str, list[bool]]] = {n: {k: [] for k in kinds} for n in names}
        blocks = [queries[i : i + BLOCK] for i in range(0, len(queries), BLOCK)]
        for number, block in enumerate(blocks):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                with variants.active(name):
                    for q in block:
                        started = time.perf_counter()
                        matches = search.search_people(user, query=q["query"])
                        ms[name][q["kind"]].append((time.perf_counter() - started) * 1000)
                        counts[name][q["kind"]].append(len(matches))
                        if q["target"] in visible:
                            found[name][q["kind"]].append(
                                any(m.person.pk == q["target"] for m in matches)
                            )
        for name in names:
            for kind in kinds:
                s = _stats(ms[name][kind], counts[name][kind], found[name][kind])
                print(
                    f"| {label} | {name} | {kind} | {s['n']} | {s['p50']} | {s['p95']} "
                    f"| {s['p99']} | {s['mean_results']} | {s['target_found']:.0%} |"
                )
    q = queries[0]
    with CaptureQueriesContext(connection) as ctx:
        search.search_people(users["practitioner"], query=q["query"])
    second = [c["sql"] for c in ctx.captured_queries if "pole_personname" in c["sql"]][-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + second)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nSecond query for {q['query']!r} (practitioner):\n{second}\n\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100000)
    parser.add_argument("--db-suffix", default="")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.environ.update(database_env("postgres", args.scale, args.db_suffix))
    run(args)


if __name__ == "__main__":
    main()
