"""CPU per request of each request kind in `bench/load.py --mix hub`, in one process.

The six kinds as the load benchmark makes them (person search, child profile and inbox as a
social worker; intelligence search as a FIB officer; the Hub dashboard as a Hub chair; a
concern POSTed to the API with a social worker's bearer token), through Django's test
client under the production settings (DEBUG off, two-step required, secure cookies, the
request log, connection health checks), signed in and two-step verified. For each kind it
reports queries per request, Python CPU ms per request (time.process_time) and the
PostgreSQL backend's CPU ms per request (read from /proc: same machine only); with
--profile DIR it writes one cProfile report per kind (and its raw `.prof` for pstats).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cairn_h_hubperf \
        uv run python bench/profile_hub.py --requests 60 [--profile /tmp/prof] [--kinds a,b]

The database must hold the demo hub (manage.py demo_data), or the load benchmark's data.
`--read-only` leaves out the concern POST (the only kind that writes more than a page view
does: a concern, its audit rows), for a database that is not yours.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("person_search", "child_profile", "inbox", "intel_search", "concern_create", "dashboard")


def _production_env() -> None:
    """The environment bench/load.py gives gunicorn (cairn.settings.production)."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL database")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cairn.settings.production",
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50),
        CAIRN_AUDIT_CHECKPOINT_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="testserver",
        CAIRN_BASE_URL="http://testserver",
        CAIRN_INSECURE_OVERRIDES="http_base_url",
        CAIRN_THROTTLE_ENABLED="false",
        EMAIL_URL="consolemail://",
        CAIRN_LOG_FORMAT="json",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per kind")
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--sw", default="sw.demo")
    parser.add_argument("--fib", default="fib.demo")
    parser.add_argument("--chair", default="chair.demo")
    parser.add_argument("--read-only", action="store_true", help="no concern POSTs")
    parser.add_argument("--profile", default="", help="directory for cProfile reports")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", default="", help="write the results here too")
    parser.add_argument("--sql", action="store_true", help="print one request's queries")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after start-up, as gunicorn's master"
    )
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    if args.read_only:
        kinds = [k for k in kinds if k != "concern_create"]

    _production_env()
    import logging

    import django

    django.setup()
    # The request log goes to stderr in production (one JSON line per request); keep its
    # cost but not the noise.
    for handler in logging.getLogger().handlers + logging.getLogger("cairn").handlers:
        if hasattr(handler, "stream"):
            handler.stream = open(os.devnull, "w")  # noqa: SIM115
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.intel_search import STREETS, WORDS
    from cairn.accounts.models import User
    from cairn.pole import access
    from cairn.pole.models import PersonName

    # No setup_test_environment(): its instrumented template rendering copies every
    # context for the test client's signals, which gunicorn never pays.
    rng = random.Random(args.seed)
    users = {
        role: User.objects.get(username=name)
        for role, name in (("sw", args.sw), ("fib", args.fib), ("chair", args.chair))
    }
    clients: dict[str, Any] = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        _verify_session(client, user)
        clients[role] = client

    child_ids = list(
        access.visible_people(users["sw"]).filter(category="child").values_list("pk", flat=True)
    )
    child_ids = rng.sample(child_ids, min(300, len(child_ids)))
    name_ids = list(PersonName.objects.values_list("pk", flat=True))
    names = list(
        PersonName.objects.filter(pk__in=rng.sample(name_ids, min(600, len(name_ids)))).values_list(
            "given_name", "family_name"
        )
    )
    searches = []
    for given, family in names:
        if len(family) < 3:
            continue
        shape = rng.random()
        if shape < 0.4:
            searches.append(f"{given} {family}")
        elif shape < 0.7:
            searches.append(family)
        else:
            searches.append(family[: rng.randint(3, 5)])
    intel_queries = []
    for _ in range(200):
        shape = rng.random()
        if shape < 0.3:
            intel_queries.append(f"BV{rng.randrange(2000):06d}")
        elif shape < 0.7:
            intel_queries.append(f"{rng.choice(STREETS)} {rng.choice(WORDS)}")
        else:
            intel_queries.append(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")

    token = ""
    if "concern_create" in kinds:
        import datetime as dt

        from cairn.api_auth import services as tokens
        from cairn.api_auth.models import ApiToken

        # This benchmark's earlier tokens, as bench/load.py does (a user may hold ten).
        ApiToken.objects.filter(
            user=users["sw"], name="profile_hub", revoked_at__isnull=True
        ).update(revoked_at=dt.datetime.now(dt.UTC))
        token = tokens.token_create(actor=users["sw"], name="profile_hub", lifetime_days=1).secret
    api = Client()

    secure = {"secure": True, "HTTP_X_FORWARDED_PROTO": "https"}

    def person_search(r: random.Random) -> tuple[Any, int]:
        q = urllib.parse.quote(r.choice(searches))
        return clients["sw"].get(f"/people/?q={q}", **secure), 200

    def child_profile(r: random.Random) -> tuple[Any, int]:
        return clients["sw"].get(f"/people/{r.choice(child_ids)}/", **secure), 200

    def inbox(r: random.Random) -> tuple[Any, int]:
        return clients["sw"].get("/inbox/", **secure), 200

    def intel_search(r: random.Random) -> tuple[Any, int]:
        q = urllib.parse.quote(r.choice(intel_queries))
        return clients["fib"].get(f"/intelligence/search/?q={q}", **secure), 200

    def dashboard(r: random.Random) -> tuple[Any, int]:
        return clients["chair"].get("/hub/dashboard/", **secure), 200

    def concern_create(r: random.Random) -> tuple[Any, int]:
        from bench.load import concern_payload

        body = json.dumps(concern_payload(r, r.choice(child_ids)))
        response = api.post(
            "/api/v1/concerns",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **secure,
        )
        return response, 201

    calls: dict[str, Callable[[random.Random], tuple[Any, int]]] = {
        "person_search": person_search,
        "child_profile": child_profile,
        "inbox": inbox,
        "intel_search": intel_search,
        "concern_create": concern_create,
        "dashboard": dashboard,
    }
    backend = _backend_cpu(connection)
    results: dict[str, dict[str, float]] = {}
    if "concern_create" in kinds:
        from cairn.intelligence import crime_model

        crime_model.warm()  # as gunicorn's master does before forking (deploy/gunicorn.conf.py)
    if args.gc_freeze:
        import gc

        gc.collect()
        gc.freeze()
    gc_ms = _gc_timer()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        call = calls[kind]
        r = random.Random(f"{args.seed}-{kind}")
        for _ in range(args.warmup):
            response, expected = call(r)
            assert response.status_code == expected, (kind, response.status_code)
        counts = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                call(r)
            counts.append(len(captured))
        sql_chars = 4000 if os.environ.get("BENCH_SQL_FULL") else 300
        if args.sql:
            for q in captured.captured_queries:
                print(f"    {q['time']}  {q['sql'][:sql_chars]}")
        profiler = cProfile.Profile() if args.profile else None
        r = random.Random(f"{args.seed}-{kind}-timed")
        cpu = []
        db0 = backend()
        gc0 = gc_ms()
        for _ in range(args.requests):
            if profiler:
                profiler.enable()
            c0 = time.process_time()
            response, expected = call(r)
            cpu.append(1000 * (time.process_time() - c0))
            if profiler:
                profiler.disable()
            assert response.status_code == expected, (kind, response.status_code)
        db_ms = (backend() - db0) / args.requests
        in_gc = (gc_ms() - gc0) / args.requests
        cpu.sort()
        results[kind] = {
            "queries_min": min(counts),
            "queries_max": max(counts),
            "python_ms_mean": round(statistics.mean(cpu), 2),
            "python_ms_median": round(statistics.median(cpu), 2),
            "pg_ms_mean": round(db_ms, 2),
            "gc_ms_mean": round(in_gc, 2),
        }
        print(
            f"{kind:<15} queries {min(counts)}-{max(counts):<3} Python CPU ms mean "
            f"{statistics.mean(cpu):6.1f} median {statistics.median(cpu):6.1f}; PostgreSQL "
            f"{db_ms:5.1f} ms; in gc {in_gc:4.1f} ms; load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(150)
            stats.sort_stats("tottime").print_stats(60)
            (Path(args.profile) / f"{kind}.txt").write_text(out.getvalue())
            stats.dump_stats(Path(args.profile) / f"{kind}.prof")  # for callers/callees
    _ = settings
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def _gc_timer() -> Callable[[], float]:
    """CPU ms spent in the garbage collector so far (gc.callbacks around each collection)."""
    import gc

    spent = [0.0, 0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            spent[1] = time.process_time()
        else:
            spent[0] += 1000 * (time.process_time() - spent[1])

    gc.callbacks.append(callback)
    return lambda: spent[0]


def _backend_cpu(connection: Any) -> Callable[[], float]:
    """CPU ms used so far by this connection's PostgreSQL backend (same machine: /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        if not stat.exists():
            return 0.0
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return 1000 * (int(fields[11]) + int(fields[12])) / tick

    return used


def _verify_session(client: Any, user: Any) -> None:
    """Mark the test client's session as two-step verified, as the sign-in pages do."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


if __name__ == "__main__":
    main()
