"""Person-search latency at scale: `make bench` (arguments through BENCH_ARGS).

For each backend (SQLite file under bench/data/, PostgreSQL database cairn_bench_<scale>)
and each scale, the runner makes sure a database with exactly that many synthetic people
exists (generating it with `manage.py demo_data --scale N` only when the count differs),
then times `cairn.pole.search.search_people` for a mixed set of queries, as a hub-wide
police user and as a Children's Trust practitioner, and prints a markdown table.

Each (backend, scale) runs in its own process (Django is configured once per process);
results go to bench/results/<backend>-<scale>.json and the EXPLAIN plans of one query of
each kind (with --explain) to bench/data/explain-<backend>-<scale>.txt.

    uv run python bench/run.py                                  # 100k and 1M, both backends
    uv run python bench/run.py --scales 100000 --backends sqlite --queries 100
    make bench BENCH_ARGS="--scales 1000000 --backends postgres"
    uv run python bench/run.py --scales 1000000 --compare index,dnf,index+dnf+prefixcap
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
KINDS = ("dob", "prefix", "full_name", "fuzzy", "name_dob")
USERS = ("police", "practitioner")


def scale_label(scale: int) -> str:
    if scale % 1_000_000 == 0:
        return f"{scale // 1_000_000}m"
    if scale % 1000 == 0:
        return f"{scale // 1000}k"
    return str(scale)


def result_name(backend: str, scale: int, compare: str, db_suffix: str = "") -> str:
    suffix = f"-vs-{compare.replace(',', '-')}" if compare else ""
    return f"{backend}-{scale_label(scale)}{db_suffix.replace('_', '-')}{suffix}"


def database_env(backend: str, scale: int, db_suffix: str = "") -> dict[str, str]:
    """Settings for one benchmark database: cairn_bench_<scale><suffix> on PostgreSQL,
    bench/data/cairn-bench-<scale><suffix>.sqlite3 on SQLite (a suffix names a copy)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    label = f"{scale_label(scale)}{db_suffix}"
    if backend == "postgres":
        env["BENCH_DATABASE_URL"] = f"{PG_SERVER}/cairn_bench_{label.replace('-', '_')}"
        env.pop("BENCH_SQLITE_PATH", None)
    else:
        env["BENCH_SQLITE_PATH"] = str(DATA / f"cairn-bench-{label.replace('_', '-')}.sqlite3")
        env.pop("BENCH_DATABASE_URL", None)
    return env


# -- the worker: one backend, one scale ---------------------------------------------------------


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        return row is not None


def reset_database(backend: str) -> None:
    """Drop and re-create the benchmark database (before Django connects to it)."""
    if backend == "postgres":
        name = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[1]
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(f'CREATE DATABASE "{name}"')
    else:
        path = Path(os.environ["BENCH_SQLITE_PATH"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_database(backend: str) -> None:
    if backend == "postgres":
        name = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[1]
        if not _pg_exists(name):
            _pg_admin(f'CREATE DATABASE "{name}"')


def _has_people_table() -> bool:
    from django.db import connection

    return "pole_person" in connection.introspection.table_names()


def person_count() -> int:
    from cairn.pole.models import Person

    return Person.objects.count()


def prepare(backend: str, scale: int, seed: int, regenerate: bool) -> dict[str, Any]:
    """A migrated database with exactly `scale` people; generate only if needed."""
    import django
    from django.core.management import call_command
    from django.db import connection

    ensure_database(backend)
    django.setup()
    try:
        call_command("migrate", verbosity=0, skip_checks=True)
    except Exception as exc:  # another app's migrations may be mid-edit in a shared tree
        if regenerate or not _has_people_table():
            raise
        print(f"  migrate failed ({exc}); benchmarking the database as it is", flush=True)
    count = person_count()
    info: dict[str, Any] = {"reused": True, "load_seconds": None}
    if count != scale or regenerate:
        if count:
            print(f"  {count:,} people found, want {scale:,}: regenerating", flush=True)
            connection.close()
            reset_database(backend)
            call_command("migrate", verbosity=0, skip_checks=True)
        started = time.perf_counter()
        truth = DATA / f"truth-{backend}-{scale_label(scale)}.csv"
        call_command(
            "demo_data",
            scale=scale,
            seed=seed,
            batch=5000,
            truth_file=truth,
            skip_checks=True,
        )
        info = {"reused": False, "load_seconds": round(time.perf_counter() - started, 1)}
    else:
        print(f"  reusing the database: {count:,} people", flush=True)
    return info


def bench_users() -> dict[str, Any]:
    from cairn.accounts.models import User
    from cairn.accounts.roles import Role
    from cairn.demo.org import ensure_agencies

    agencies = ensure_agencies()
    users = {}
    for key, username, role, agency in (
        ("police", "bench.police", Role.FIB_OFFICER, agencies["police"]),
        ("practitioner", "bench.practitioner", Role.PRACTITIONER, agencies["trust"]),
    ):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "agency": agency}
        )
        users[key] = User.objects.select_related("agency").get(pk=user.pk)
    return users


def _typo(rng: random.Random, text: str) -> str:
    from cairn.demo import names
    from cairn.demo.bulk import transpose

    if text in names.VARIANTS and rng.random() < 0.5:
        return rng.choice(names.VARIANTS[text])
    return transpose(rng, text)


def build_queries(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` queries, equal numbers of each kind, drawn from people that exist (so
    common surnames are queried more often, as they are in real use)."""
    from django.db.models import Max, Min

    from cairn.pole.models import Person

    rng = random.Random(seed)
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    people: list[Any] = []
    while len(people) < count:
        pk = rng.randint(bounds["low"], bounds["high"])
        person = (
            Person.objects.filter(pk__gte=pk, date_of_birth__isnull=False).order_by("pk").first()
        )
        if person is not None and len(person.family_name) >= 3 and person.given_name:
            people.append(person)
    queries = []
    for i, person in enumerate(people):
        kind = KINDS[i % len(KINDS)]
        q: dict[str, Any] = {"kind": kind, "target": person.pk, "query": "", "dob": None}
        if kind == "dob":
            q["dob"] = person.date_of_birth
        elif kind == "prefix":
            q["query"] = person.family_name[:3].lower()
        elif kind == "full_name":
            q["query"] = f"{person.given_name} {person.family_name}"
        elif kind == "fuzzy":  # one typo or spelling variant, in one of the two names
            if rng.random() < 0.5:
                q["query"] = f"{_typo(rng, person.given_name)} {person.family_name}"
            else:
                q["query"] = f"{person.given_name} {_typo(rng, person.family_name)}"
        else:
            q["query"] = f"{person.given_name} {person.family_name}"
            q["dob"] = person.date_of_birth
        queries.append(q)
    rng.shuffle(queries)
    return queries


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


BLOCK = 50  # queries per block when variants are interleaved


def _stats(values: list[float], counts: list[int], hits: list[bool]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
        "mean_results": round(statistics.fmean(counts), 1) if counts else 0,
        "target_found": round(sum(hits) / len(hits), 3) if hits else 0,
    }


def time_queries(
    user: Any, queries: list[dict[str, Any]], names: list[str]
) -> dict[str, dict[str, Any]]:
    """Latency percentiles per variant and query kind. With several variants the queries
    run in blocks, each block under every variant in rotating order, so load from other
    processes falls on all variants alike. `found` is the share of queries whose target
    person (when this user may see them) is among the results."""
    from bench import variants
    from cairn.pole import search
    from cairn.pole.access import visible_people

    targets = [q["target"] for q in queries]
    visible = set(visible_people(user).filter(pk__in=targets).values_list("pk", flat=True))
    for q in queries[:20]:  # warm caches and connections
        search.search_people(user, query=q["query"], date_of_birth=q["dob"])
    ms: dict[str, dict[str, list[float]]] = {n: {k: [] for k in KINDS} for n in names}
    counts: dict[str, dict[str, list[int]]] = {n: {k: [] for k in KINDS} for n in names}
    found: dict[str, dict[str, list[bool]]] = {n: {k: [] for k in KINDS} for n in names}
    blocks = [queries[i : i + BLOCK] for i in range(0, len(queries), BLOCK)]
    for number, block in enumerate(blocks):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            with variants.active(name):
                search.search_people(user, query=block[0]["query"], date_of_birth=block[0]["dob"])
                for q in block:
                    started = time.perf_counter()
                    matches = search.search_people(user, query=q["query"], date_of_birth=q["dob"])
                    ms[name][q["kind"]].append((time.perf_counter() - started) * 1000)
                    counts[name][q["kind"]].append(len(matches))
                    if q["target"] in visible:
                        hit = any(m.person.pk == q["target"] for m in matches)
                        found[name][q["kind"]].append(hit)
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        rows = {k: _stats(ms[name][k], counts[name][k], found[name][k]) for k in KINDS}
        rows["all"] = _stats(
            [v for k in KINDS for v in ms[name][k]],
            [v for k in KINDS for v in counts[name][k]],
            [v for k in KINDS for v in found[name][k]],
        )
        out[name] = rows
    return out


def explain(user: Any, queries: list[dict[str, Any]], backend: str, name: str) -> str:
    """The plan of the SQL that search_people runs, for one query of each kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import variants
    from cairn.pole import search

    out = []
    with variants.active(name):
        for kind in KINDS:
            q = next(q for q in queries if q["kind"] == kind)
            with CaptureQueriesContext(connection) as ctx:
                search.search_people(user, query=q["query"], date_of_birth=q["dob"])
            for captured in ctx.captured_queries:
                sql = captured["sql"]
                if "pole_personname" not in sql or not sql.startswith("SELECT"):
                    continue
                prefix = (
                    "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
                )
                with connection.cursor() as cursor:
                    cursor.execute(prefix + sql)
                    rows = cursor.fetchall()
                plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
                out.append(
                    f"## {name}: {kind} {q['query']!r} dob={q['dob']} ({captured['time']} s)"
                    f"\n{sql}\n\n{plan}\n"
                )
    return "\n".join(out)


def worker(args: argparse.Namespace) -> None:
    backend, scale = args.backend, args.scale
    names = ["baseline", *[n for n in args.compare.split(",") if n]]
    print(f"[{backend} {scale:,}] preparing", flush=True)
    info = prepare(backend, scale, args.seed, args.regenerate)
    from django.db import connection

    users = bench_users()
    queries = build_queries(args.queries, args.seed)
    result: dict[str, Any] = {
        "backend": backend,
        "scale": scale,
        "variants": names,
        "db_suffix": args.db_suffix,
        "people": person_count(),
        "queries": len(queries),
        "database": connection.vendor,
        "server_version": _server_version(),
        "load_average": os.getloadavg()[0],
        **info,
        "timings": {},
    }
    for key in USERS:
        print(f"[{backend} {scale:,}] timing {len(queries)} queries as {key}", flush=True)
        result["timings"][key] = time_queries(users[key], queries, names)
    result["load_average_after"] = os.getloadavg()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = result_name(backend, scale, args.compare, args.db_suffix)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
    if args.explain:
        text = "\n".join(
            f"# {key}\n\n{explain(users[key], queries, backend, variant)}"
            for key in USERS
            for variant in names
        )
        (DATA / f"explain-{name}.txt").write_text(text)
        print(f"  plans written to bench/data/explain-{name}.txt")


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return str(cursor.fetchone()[0])


# -- the runner ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = "unknown RAM"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| backend | people | variant | user | query | n | p50 ms | p95 ms | p99 ms "
        "| results | found |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        backend = f"{r['backend']} {r['server_version'].split()[0]}"
        if r.get("db_suffix"):
            backend += f" ({r['db_suffix'].strip('-_')} copy)"
        for user in USERS:
            for variant, rows in r["timings"][user].items():
                for kind, t in rows.items():
                    lines.append(
                        f"| {backend} | {r['people']:,} | {variant} | {user} | {kind} "
                        f"| {t['n']} | {t['p50']:.1f} | {t['p95']:.1f} | {t['p99']:.1f} "
                        f"| {t['mean_results']} | {t['target_found']:.0%} |"
                    )
    return "\n".join(lines)


def runner(args: argparse.Namespace) -> int:
    scales = [int(s) for s in args.scales.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    DATA.mkdir(parents=True, exist_ok=True)
    results = []
    for backend in backends:
        for scale in scales:
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--backend",
                backend,
                "--scale",
                str(scale),
                "--queries",
                str(args.queries),
                "--seed",
                str(args.seed),
            ]
            cmd += ["--compare", args.compare, "--db-suffix", args.db_suffix]
            cmd += ["--regenerate"] if args.regenerate else []
            cmd += ["--explain"] if args.explain else []
            env = database_env(backend, scale, args.db_suffix)
            code = subprocess.call(cmd, env=env, cwd=ROOT)
            if code:
                print(f"{backend} at {scale:,} failed (exit {code})", file=sys.stderr)
                return code
            name = result_name(backend, scale, args.compare, args.db_suffix)
            results.append(json.loads((RESULTS / f"{name}.json").read_text()))
    report(results)
    return 0


def report(results: list[dict[str, Any]]) -> None:
    print()
    print(f"Machine: {machine()}")
    for r in results:
        loaded = "reused" if r["reused"] else f"generated in {r['load_seconds']} s"
        load = f"load average {r.get('load_average', 0):.1f}"
        print(f"- {r['backend']} {r['server_version']}, {r['people']:,} people ({loaded}; {load})")
    print()
    print(table(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--queries", type=int, default=300, help="queries per user")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the databases")
    parser.add_argument("--explain", action="store_true", help="write query plans too")
    parser.add_argument(
        "--compare",
        default="",
        help="also time search changes, interleaved with the baseline (bench/variants.py): "
        "index,dnf,index+dnf",
    )
    parser.add_argument(
        "--db-suffix",
        default="",
        help="use a copy of each database, e.g. _idx -> cairn_bench_1m_idx (see README)",
    )
    parser.add_argument(
        "--report",
        default="",
        help="only print the table for saved results, e.g. sqlite-1m,postgres-1m-dnf",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        sys.path.insert(0, str(ROOT))
        worker(args)
        return 0
    if args.report:
        names = [n for n in args.report.split(",") if n]
        report([json.loads((RESULTS / f"{n}.json").read_text()) for n in names])
        return 0
    return runner(args)


if __name__ == "__main__":
    sys.exit(main())
