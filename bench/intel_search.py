"""Intelligence search and correlation at scale, on PostgreSQL.

Fills database `cairn_intel_bench` (or BENCH_DATABASE_URL) with N synthetic sanitised
reports (generate_series, bypassing services: no audit rows), links each to one of N/50
vehicle records (so every record recurs in about 50 reports), then times, through the real
code paths:
- `cairn.intelligence.search.paginate` + the first page (25 rows and the count, capped at
  1,000; a best-match search with more matches is shown newest first) for a FIB
  officer, an analyst and a PPU co-ordinator (who sees only what was disseminated to the PPU);
- `cairn.intelligence.selectors.correlations` for one report, per user.

    uv run python bench/intel_search.py --rows 1000000 --queries 200
    uv run python bench/intel_search.py --rows 1000000 --explain   # prints plans too
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB = "cairn_intel_bench"

STREETS = [
    f"{name} {kind}"
    for name in (
        "Ashdown",
        "Brook",
        "Canal",
        "Dale",
        "Elm",
        "Fern",
        "Garden",
        "Hollow",
        "Ivy",
        "Juniper",
        "Kestrel",
        "Larch",
        "Meadow",
        "Nettle",
        "Orchard",
        "Pine",
        "Quarry",
        "Rowan",
        "Sorrel",
        "Thistle",
    )
    for kind in ("Road", "Street", "Lane", "Close", "Parade")
]
WORDS = [
    "grey",
    "silver",
    "black",
    "white",
    "blue",
    "red",
    "car",
    "van",
    "taxi",
    "scooter",
    "collected",
    "dropped",
    "seen",
    "waiting",
    "outside",
    "school",
    "park",
    "station",
    "takeaway",
    "hotel",
    "flat",
    "youth",
    "club",
    "pupil",
    "girl",
    "boy",
    "older",
    "male",
    "driver",
    "phone",
    "snapchat",
    "instagram",
    "cash",
    "trainers",
    "vapes",
    "party",
    "late",
    "night",
    "evening",
    "weekend",
    "gates",
    "bus",
    "stop",
    "car",
    "park",
    "shop",
    "alley",
]


def scale_env() -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    env.setdefault("BENCH_DATABASE_URL", f"{PG_SERVER}/{DB}")
    return env


def setup_django() -> None:
    os.environ.update(scale_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database() -> None:
    url = scale_env()["BENCH_DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0]
    exists = subprocess.run(
        ["psql", f"{server}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=scale_env(), check=True
    )


def fill(rows: int) -> None:
    from django.db import connection

    from cairn.accounts.models import Agency, User
    from cairn.accounts.roles import AgencyKind, Role
    from cairn.intelligence.models import Submission

    if Submission.objects.count() == rows:
        print(f"{rows:,} reports already present")
        return
    police, _ = Agency.objects.get_or_create(
        name="Benchshire Police", defaults={"kind": AgencyKind.POLICE, "short_name": "BP"}
    )
    school, _ = Agency.objects.get_or_create(
        name="Benchshire Academy", defaults={"kind": AgencyKind.EDUCATION, "short_name": "BA"}
    )
    for username, role, agency in (
        ("bench_fib", Role.FIB_OFFICER, police),
        ("bench_analyst", Role.ANALYST, police),
        ("bench_ppu", Role.PPU_COORDINATOR, police),
        ("bench_school", Role.PRACTITIONER, school),
    ):
        User.objects.get_or_create(username=username, defaults={"role": role, "agency": agency})
    submitter = User.objects.get(username="bench_school")
    entities = max(rows // 50, 1)
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    streets = "ARRAY[" + ",".join(f"'{s}'" for s in STREETS) + "]"
    nw, ns = len(WORDS), len(STREETS)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE intelligence_submissionentity, intelligence_dissemination, "
            "intelligence_sourcerecord, intelligence_submission RESTART IDENTITY CASCADE"
        )
        cur.execute("DELETE FROM pole_entity WHERE label LIKE 'BV%%'")
        # Build the search index (migration 0003) once after the bulk insert, not per row.
        cur.execute("DROP INDEX IF EXISTS intel_sanitised_search")
        cur.execute(
            f"""
            INSERT INTO intelligence_submission (
              status, submitter_id, submitter_agency_id, subject_description, what, "where",
              when_on, how_known, further_information, mentions, check_result, crime_reference,
              intel_only_reason, draft_source, created_at, updated_at, submitted_at, priority,
              triage_note, source_grade, intel_grade, handling, handling_conditions,
              legacy_grade, marking, external_reference, crime_judgement,
              crime_judgement_note, return_note, anyone_in_danger, crime_described,
              no_danger_confirmed, crime_reference_in_text, danger_note, danger_state,
              sanitised_keys, sanitised_text)
            SELECT 'evaluated', %s, %s, '', '', w.street, date '2025-01-01' + (g %% 690),
              'first_hand', '', '[]', '{{}}', '', '', '{{}}', now(), now(),
              now() - make_interval(secs => g), '', '', (1 + g %% 3)::text, chr(65 + g %% 5),
              'P', '', '', 'official_sensitive', '', '', '', '', '', '', false, '', '', '',
              -- search.document_keys of the text below: its phone number's key (migration 0006)
              '4477009' || lpad((g %% 1000)::text, 5, '0'),
              'A ' || w.a || ' ' || w.b || ' registration BV'
              || lpad((g %% {entities})::text, 6, '0')
              || ' was ' || w.c || ' ' || w.d || ' near ' || w.street || ' with a '
              || w.e || ' ' || w.f || '. The ' || w.gg || ' ' || w.h || ' used handle user'
              || (g %% 250000) || ' and phone 07700 9' || lpad((g %% 1000)::text, 5, '0')
              || '. ' || w.i || ' ' || w.j || ' ' || w.k || '.'
            FROM generate_series(1, %s) g,
            LATERAL (SELECT
              ({words})[1 + (g * 7) %% {nw}] a, ({words})[1 + (g * 11) %% {nw}] b,
              ({words})[1 + (g * 13) %% {nw}] c, ({words})[1 + (g * 17) %% {nw}] d,
              ({words})[1 + (g * 19) %% {nw}] e, ({words})[1 + (g * 23) %% {nw}] f,
              ({words})[1 + (g * 29) %% {nw}] gg, ({words})[1 + (g * 31) %% {nw}] h,
              ({words})[1 + (g * 37) %% {nw}] i, ({words})[1 + (g * 41) %% {nw}] j,
              ({words})[1 + (g * 43) %% {nw}] k,
              ({streets})[1 + (g * 3) %% {ns}] street) w
            """,
            [submitter.pk, school.pk, rows],
        )
        cur.execute(
            """
            INSERT INTO pole_entity (kind, label, owning_agency_id, police_only, hub_shared,
              regime, marking, created_at, updated_at)
            SELECT 'vehicle', 'BV' || lpad(g::text, 6, '0'), %s, true, false, 'dpa_part3',
              'official_sensitive', now(), now()
            FROM generate_series(0, %s) g
            """,
            [police.pk, entities - 1],
        )
        cur.execute("SELECT min(id) FROM pole_entity WHERE label LIKE 'BV%%'")
        first_entity = cur.fetchone()[0]
        fib = User.objects.get(username="bench_fib")
        cur.execute(
            """
            INSERT INTO intelligence_submissionentity (submission_id, entity_id, mention_index,
              linked_by_id, linked_at)
            SELECT id, %s + (id %% %s), 0, %s, now() FROM intelligence_submission
            """,
            [first_entity, entities, fib.pk],
        )
        # One report in 1,000 was disseminated to the PPU.
        cur.execute(
            """
            INSERT INTO intelligence_dissemination (submission_id, recipient_kind, reason,
              disseminated_by_id, disseminated_at)
            SELECT id, 'ppu', 'bench', %s, now() FROM intelligence_submission WHERE id %% 1000 = 0
            """,
            [fib.pk],
        )
        cur.execute(
            "CREATE INDEX intel_sanitised_search ON intelligence_submission "
            "USING gin (sanitised_search, source_grade, intel_grade)"
        )
        cur.execute("ANALYZE")
    print(f"filled {rows:,} reports in {time.perf_counter() - started:.0f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(queries: int, explain: bool) -> dict[str, Any]:
    from django.db import connection

    from cairn.accounts.models import User
    from cairn.intelligence import search, selectors
    from cairn.intelligence.models import Submission

    rng = random.Random(7)
    total = Submission.objects.count()
    entities = max(total // 50, 1)
    users = {u: User.objects.get(username=f"bench_{u}") for u in ("fib", "analyst", "ppu")}
    kinds = {
        "registration": lambda: f"BV{rng.randrange(entities):06d}",
        "handle": lambda: f"user{rng.randrange(250000)}",
        # Identifiers (migration 0006): typed as written, and in another spelling.
        "phone as written": lambda: f"07700 9{rng.randrange(1000):05d}",
        "phone, other spelling": lambda: f"+44 7700 9{rng.randrange(1000):05d}",
        "street + word": lambda: f"{rng.choice(STREETS)} {rng.choice(WORDS)}",
        "two words + grade filter": lambda: f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
        # No filter at all: often more than 1,000 matches, so shown newest first.
        "two words, no filter": lambda: f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
    }
    out: dict[str, Any] = {"rows": total, "search": {}, "correlation": {}}
    for user_key, user in users.items():
        for kind, make in kinds.items():
            times = []
            broad = 0
            for _ in range(queries):
                filters = search.Filters(q=make())
                if kind.endswith("grade filter"):
                    filters.intel_grade = "B"
                    filters.source_grade = "2"
                started = time.perf_counter()
                # As the search page and the API do: first page, capped count, and newest
                # first when a best-match search is too broad to rank.
                page = search.paginate(user, filters, 25).get_page(1)
                list(page.object_list)
                _ = page.paginator.count
                times.append((time.perf_counter() - started) * 1000)
                broad += page.paginator.broad
            out["search"][f"{user_key} / {kind}"] = (
                statistics.median(times),
                percentile(times, 95),
                broad,
            )
        sample = list(Submission.objects.order_by("?").values_list("pk", flat=True)[:queries])
        times = []
        for pk in sample:
            submission = Submission.objects.get(pk=pk)
            started = time.perf_counter()
            selectors.correlations(user, submission)
            times.append((time.perf_counter() - started) * 1000)
        out["correlation"][user_key] = (statistics.median(times), percentile(times, 95))
    if explain:
        qs = search.search(users["analyst"], search.Filters(q="BV000123"))
        print(qs.explain(analyze=True))
        print(connection.queries[-1:] if connection.queries else "")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    fill(args.rows)
    result = run(args.queries, args.explain)
    print(f"\n{result['rows']:,} sanitised reports, {args.queries} queries per row (ms)\n")
    print("| search (user / query) | median | p95 | shown newest first (broad) |")
    print("|---|---:|---:|---:|")
    for key, (median, p95, broad) in result["search"].items():
        print(f"| {key} | {median:.1f} | {p95:.1f} | {broad} |")
    print("\n| correlation lookup (user) | median | p95 |\n|---|---:|---:|")
    for key, (median, p95) in result["correlation"].items():
        print(f"| {key} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
