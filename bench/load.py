"""Load benchmark: a Hub workload against gunicorn + PostgreSQL at rising concurrency.

    uv run python bench/load.py --mix hub --concurrency 1,4,8,16
    uv run python bench/load.py --mix audit --concurrency 1,4,8,16,32 --workers 16

1. Database `cairn_bench_load` (BENCH_PG_SERVER, default postgres://postgres@127.0.0.1:5432)
   is built once and reused while its build parameters match (`--regenerate` forces it):
   migrate; N sanitised intelligence reports (`bench/intel_search.py`'s fill); children
   with concerns, risk decisions, missing episodes and actions for the Hub dashboard
   (`bench/hub_dashboard.py`'s build); the Northmoor demo hub (`demo_data`); then bulk
   people (`demo_data --scale`) up to `--people` in all. Everything is fictional.
2. Every run: one user per client and role (a social worker in the Children's Trust, a FIB
   officer, a Hub chair), each with a fresh password, an authenticator app (TOTP) and a new
   API token (through `cairn.api_auth.services.token_create`, so it is audited).
3. gunicorn with deploy/gunicorn.conf.py (sync workers; `--workers`), the production
   settings (DEBUG off, argon2, two-step required, secure cookies), on a loopback port.
   The client sends `X-Forwarded-Proto: https` as the TLS proxy would. Rate limits are off
   (CAIRN_THROTTLE_ENABLED=false): the benchmark measures the work, not the 429s.
4. The web users sign in through the real forms (password, then the 6-digit code);
   the API calls carry `Authorization: Bearer`.
5. Closed-loop asyncio clients (no think time; each has one request in flight) at each
   concurrency:
   - `--mix hub`: person search (web), child profile (web), concern creation (API POST),
     intelligence search (web), Hub dashboard (web) and inbox (web), weighted by WEIGHTS;
   - `--mix audit`: the audited `GET /api/v1/people/{id}` over many ids against the
     unaudited `GET /api/v1/indicators` (same token auth), in alternating time slices of
     `--slice` seconds, so both see the same machine; each slice runs one kind only, so
     the throughputs are comparable.
   Every response's status is checked against the one expected (200, or 201 for a
   created concern); anything else (a redirect to sign-in included) is an error.
6. Reports requests, throughput, error rate, p50/p95/p99 per request type, PostgreSQL wait
   events sampled from pg_stat_activity, and the load average before and after; writes
   bench/results/load-<mix>-<people>.json (gitignored) and prints markdown tables.

The HTTP client is a small HTTP/1.1 client on asyncio streams (gunicorn's sync workers
close the connection after each response): on a 2-core machine the client's own CPU
matters, and it needs no dependency.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import platform
import random
import re
import secrets
import signal
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "cairn_bench_load"
FIXTURE = DATA / "load-fixture.json"
BUILD_INFO = DATA / "load-db.json"

# The hub mix: request kind -> weight (share of requests).
WEIGHTS = {
    "person_search": 20,
    "child_profile": 25,
    "inbox": 20,
    "intel_search": 15,
    "concern_create": 10,
    "dashboard": 10,
}
AUDIT_KINDS = ("person_api_audited", "indicators_api_unaudited")
# Warm-up windows repeat until none of their requests took longer than this.
WARM_MS = 3000


def pct(values: list[float], p: float) -> float | None:
    """Percentile by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- 1 and 2: the database and the users (run in a Django process) ------------------------------


def _db_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def django_env(db: str) -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    env["BENCH_DATABASE_URL"] = _db_url(db)
    return env


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_db_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(_db_url("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def build_database(args: argparse.Namespace) -> None:
    """Runs in the main process, before Django: decide whether to (re)build, then build
    in a child process (Django is configured once per process)."""
    wanted = {
        "people": args.people,
        "children": args.dashboard_children,
        "intel_rows": args.intel_rows,
        "seed": args.seed,
    }
    current = json.loads(BUILD_INFO.read_text()) if BUILD_INFO.exists() else None
    if not args.regenerate and _pg_exists(args.db) and current and current.get("params") == wanted:
        print(f"Reusing database {args.db}: {current['counts']}", flush=True)
        # New migrations, if any, still apply to the reused database.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env=django_env(args.db),
            check=True,
        )
        return
    print(f"Building database {args.db} ({wanted})", flush=True)
    BUILD_INFO.unlink(missing_ok=True)
    _pg_admin(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{args.db}"')
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--internal-build", json.dumps(wanted), "--db", args.db],
        cwd=ROOT,
        env=django_env(args.db),
        check=True,
    )
    info = json.loads(BUILD_INFO.read_text())
    print(f"Built in {time.perf_counter() - started:.0f} s: {info['counts']}", flush=True)


def _internal_build(params: dict[str, Any]) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import hub_dashboard, intel_search
    from cairn.concerns.models import Concern
    from cairn.intelligence.models import Submission
    from cairn.pole.models import Person

    timings: dict[str, float] = {}

    def step(name: str, fn: Any) -> None:
        started = time.perf_counter()
        print(f"  {name} ...", flush=True)
        fn()
        timings[name] = round(time.perf_counter() - started, 1)
        print(f"  {name}: {timings[name]} s", flush=True)

    step("migrate", lambda: call_command("migrate", verbosity=0))
    # The demo hub first: its loaders expect the Northmoor agencies alone.
    step("demo hub", lambda: call_command("demo_data", seed=params["seed"]))
    # The intelligence fill truncates the intelligence tables (the demo hub's few reports
    # and crime referrals go) and adds its own agencies and users.
    step("intelligence reports", lambda: intel_search.fill(params["intel_rows"]))
    # The dashboard build skips itself once enough children exist: before the people.
    step("dashboard children", lambda: hub_dashboard.build(params["children"]))
    bulk = params["people"] - Person.objects.count()
    if bulk > 0:
        # pole_person_dob (pole/0004) copies a person's date of birth onto their names
        # after each INSERT or UPDATE of pole_person. A new person has no names yet (each
        # name copies the date itself as it is inserted), but in one long bulk session the
        # trigger's cached plan seq-scans pole_personname (planned while the table was
        # small, never re-analysed mid-load), so every person costs a scan of all names:
        # 100k people took quadratic time (batch 5 of 18 already 21 s). Off for the load,
        # then the same rule applied once, set-wise, so the result is what it would be.
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE pole_person DISABLE TRIGGER pole_person_dob")
        try:
            step(
                "bulk people",
                lambda: call_command("demo_data", scale=bulk, seed=params["seed"], batch=5000),
            )
        finally:
            with connection.cursor() as cur:
                cur.execute("ALTER TABLE pole_person ENABLE TRIGGER pole_person_dob")
                cur.execute(
                    "UPDATE pole_personname n SET person_dob = p.date_of_birth "
                    "FROM pole_person p WHERE p.entity_id = n.person_id "
                    "AND n.person_dob IS DISTINCT FROM p.date_of_birth"
                )
                print(f"  names whose date of birth the trigger would have set: {cur.rowcount}")
                cur.execute("ANALYZE")
    counts = {
        "people": Person.objects.count(),
        "children": Person.objects.filter(category="child").count(),
        "concerns": Concern.objects.count(),
        "intelligence_reports": Submission.objects.count(),
    }
    BUILD_INFO.parent.mkdir(parents=True, exist_ok=True)
    BUILD_INFO.write_text(
        json.dumps({"params": params, "counts": counts, "seconds": timings}, indent=1)
    )


def _internal_users(clients: int, out: Path) -> None:
    """Users, authenticator apps and API tokens for this run, and the ids the clients ask
    for; written to `out` (gitignored: it holds passwords and token secrets)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.test.utils import override_settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.intel_search import STREETS, WORDS
    from cairn.accounts.models import User
    from cairn.accounts.roles import Role
    from cairn.api_auth import services as tokens
    from cairn.api_auth.models import ApiToken
    from cairn.demo.org import ensure_agencies
    from cairn.pole import access
    from cairn.pole.models import Person, PersonName

    agencies = ensure_agencies()
    roles = {
        "sw": (Role.SOCIAL_WORKER, agencies["trust"]),
        "fib": (Role.FIB_OFFICER, agencies["police"]),
        "chair": (Role.HUB_CHAIR, agencies["police"]),
    }
    rng = random.Random(2026)
    users: dict[str, list[dict[str, str]]] = {key: [] for key in roles}
    # The production settings hash with argon2 only: set passwords the server can check.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        for key, (role, agency) in roles.items():
            for i in range(clients):
                username = f"bench.load.{key}.{i:02d}"
                user, _ = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "role": role,
                        "agency": agency,
                        "first_name": "Bench",
                        "last_name": f"{key.title()} {i:02d}",
                        "email": f"{username}@bench.example",
                    },
                )
                password = secrets.token_urlsafe(18)
                user.set_password(password)
                user.save(update_fields=["password"])
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                if device is None:
                    device = TOTPDevice.objects.create(
                        user=user, name="Authenticator app", confirmed=True
                    )
                ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                    revoked_at=dt.datetime.now(dt.UTC)
                )
                issued = tokens.token_create(actor=user, name="load benchmark", lifetime_days=1)
                users[key].append(
                    {
                        "username": username,
                        "password": password,
                        "totp_key": device.key,
                        "token": issued.secret,
                    }
                )
    sw = User.objects.get(username="bench.load.sw.00")
    fib = User.objects.get(username="bench.load.fib.00")
    assert sw.has_perm("concerns.add_concern") and sw.has_perm("api.use")
    assert fib.has_perm("intelligence.view_submission")
    chair = User.objects.get(username="bench.load.chair.00")
    assert chair.has_perm("hub.view_dashboard")

    def sample(ids: list[int], n: int) -> list[int]:
        return rng.sample(ids, min(n, len(ids)))

    child_ids = list(
        access.visible_people(sw).filter(category="child").values_list("pk", flat=True)
    )
    all_ids = list(Person.objects.values_list("pk", flat=True))
    names = list(
        PersonName.objects.filter(
            pk__in=sample(list(PersonName.objects.values_list("pk", flat=True)), 3000)
        ).values_list("given_name", "family_name")
    )
    searches: list[str] = []
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
    for _ in range(500):
        shape = rng.random()
        if shape < 0.3:
            intel_queries.append(f"BV{rng.randrange(max(1, 100000 // 50)):06d}")
        elif shape < 0.7:
            intel_queries.append(f"{rng.choice(STREETS)} {rng.choice(WORDS)}")
        else:
            intel_queries.append(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")
    fixture = {
        "users": users,
        "child_ids": sample(child_ids, 5000),
        "person_ids": sample(all_ids, 20000),
        "searches": searches,
        "intel_queries": intel_queries,
        "child_ids_visible": len(child_ids),
    }
    out.write_text(json.dumps(fixture))
    os.chmod(out, 0o600)


def prepare_users(args: argparse.Namespace, clients: int) -> dict[str, Any]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--internal-users", str(clients), "--db", args.db],
        cwd=ROOT,
        env=django_env(args.db),
        check=True,
    )
    fixture: dict[str, Any] = json.loads(FIXTURE.read_text())
    print(
        f"{clients} users per role ready in {time.perf_counter() - started:.0f} s; "
        f"{fixture['child_ids_visible']:,} children visible to a social worker",
        flush=True,
    )
    return fixture


# -- 3: gunicorn -------------------------------------------------------------------------------


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "BENCH_DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="cairn.settings.production",
        DATABASE_URL=_db_url(args.db),
        SECRET_KEY=secrets.token_urlsafe(50),
        CAIRN_AUDIT_CHECKPOINT_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        CAIRN_BASE_URL=f"http://127.0.0.1:{args.port}",
        CAIRN_INSECURE_OVERRIDES="http_base_url",
        CAIRN_THROTTLE_ENABLED="false",
        CAIRN_BIND=f"127.0.0.1:{args.port}",
        CAIRN_WORKERS=str(args.workers),
        CAIRN_GUNICORN_LOG_LEVEL="warning",
        EMAIL_URL="consolemail://",
        PYTHONPATH=str(ROOT),
    )
    return env


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = server_env(args)
    if not (ROOT / "var" / "staticfiles" / "staticfiles.json").exists():
        print("collectstatic (production storage needs its manifest) ...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    DATA.mkdir(parents=True, exist_ok=True)
    log = (DATA / f"load-gunicorn-{args.mix}.log").open("wb")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}); see {log.name}")
        try:
            status = asyncio.run(_probe(args.port))
        except OSError:
            status = 0
        if status == 200:
            print(f"gunicorn up on 127.0.0.1:{args.port} with {args.workers} workers", flush=True)
            return proc
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


async def _probe(port: int) -> int:
    response = await request(port, "GET", "/healthz")
    return response.status


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- the HTTP client ---------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    def cookies(self) -> dict[str, str]:
        found = {}
        for k, v in self.headers:
            if k == "set-cookie":
                pair = v.split(";", 1)[0]
                key, _, value = pair.partition("=")
                found[key.strip()] = value.strip()
        return found


async def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 60.0,
) -> Response:
    """One HTTP/1.1 request on a new connection (gunicorn's sync workers close it)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Connection: close",
            "X-Forwarded-Proto: https",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    head, _, content = raw.partition(b"\r\n\r\n")
    if not head:
        raise ConnectionError("empty response")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = []
    for line in header_lines:
        key, _, value = line.partition(":")
        parsed.append((key.strip().lower(), value.strip()))
    if any(k == "transfer-encoding" and "chunked" in v.lower() for k, v in parsed):
        content = _dechunk(content)
    return Response(int(status_line.split()[1]), parsed, content)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (SHA-1), as django-otp's TOTPDevice checks it."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


HIDDEN = re.compile(rb"<input[^>]*type=\"hidden\"[^>]*>", re.IGNORECASE)
ATTR = re.compile(rb"(name|value)=\"([^\"]*)\"")


def hidden_fields(html: bytes) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        attrs = {k.decode(): v.decode() for k, v in ATTR.findall(tag)}
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


@dataclass
class Session:
    """A signed-in browser: its cookies."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    async def get(self, path: str) -> Response:
        response = await request(self.port, "GET", path, headers=self.cookie_header())
        self.cookies.update(response.cookies())
        return response

    async def post_form(self, path: str, fields: dict[str, str]) -> Response:
        origin = f"https://127.0.0.1:{self.port}"
        response = await request(
            self.port,
            "POST",
            path,
            headers={
                **self.cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            },
            body=urllib.parse.urlencode(fields).encode(),
        )
        self.cookies.update(response.cookies())
        return response


async def sign_in(port: int, user: dict[str, str]) -> Session:
    """Sign in through the real forms: password, then the code from the authenticator app."""
    session = Session(port)
    page = await session.get("/accounts/sign-in/")
    if page.status != 200:
        raise RuntimeError(f"sign-in page: {page.status}")
    fields = hidden_fields(page.body)
    fields.update(username=user["username"], password=user["password"])
    response = await session.post_form("/accounts/sign-in/", fields)
    if response.status != 302:
        raise RuntimeError(f"{user['username']}: password step gave {response.status}")
    page = await session.get("/accounts/two-step/verify/")
    if page.status != 200:
        raise RuntimeError(f"{user['username']}: two-step page gave {page.status}")
    fields = hidden_fields(page.body)
    fields["token"] = totp(user["totp_key"])
    response = await session.post_form("/accounts/two-step/verify/", fields)
    if response.status != 302 or "two-step" in (response.header("location") or ""):
        raise RuntimeError(f"{user['username']}: code step gave {response.status}")
    check = await session.get("/inbox/")
    if check.status != 200:
        raise RuntimeError(f"{user['username']}: signed in but /inbox/ gave {check.status}")
    return session


# -- 5: the workload ---------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    ms: float
    status: int
    ok: bool


@dataclass
class Client:
    index: int
    port: int
    fixture: dict[str, Any]
    rng: random.Random
    sessions: dict[str, Session] = field(default_factory=dict)

    def token(self, role: str) -> dict[str, str]:
        user = self.fixture["users"][role][self.index]
        return {"Authorization": f"Bearer {user['token']}"}

    async def call(self, kind: str) -> tuple[int, int]:
        """Run one request of this kind: (status, expected status)."""
        f, rng = self.fixture, self.rng
        if kind == "person_search":
            q = urllib.parse.quote(rng.choice(f["searches"]))
            return (await self.sessions["sw"].get(f"/people/?q={q}")).status, 200
        if kind == "child_profile":
            return (
                await self.sessions["sw"].get(f"/people/{rng.choice(f['child_ids'])}/")
            ).status, 200
        if kind == "inbox":
            return (await self.sessions["sw"].get("/inbox/")).status, 200
        if kind == "intel_search":
            q = urllib.parse.quote(rng.choice(f["intel_queries"]))
            return (await self.sessions["fib"].get(f"/intelligence/search/?q={q}")).status, 200
        if kind == "dashboard":
            return (await self.sessions["chair"].get("/hub/dashboard/")).status, 200
        if kind == "concern_create":
            body = json.dumps(concern_payload(rng, rng.choice(f["child_ids"]))).encode()
            response = await request(
                self.port,
                "POST",
                "/api/v1/concerns",
                headers={**self.token("sw"), "Content-Type": "application/json"},
                body=body,
            )
            return response.status, 201
        if kind == "person_api_audited":
            pid = rng.choice(f["person_ids"])
            path = f"/api/v1/people/{pid}?reason=Load+benchmark"
            return (await request(self.port, "GET", path, headers=self.token("fib"))).status, 200
        if kind == "indicators_api_unaudited":
            path = "/api/v1/indicators"
            return (await request(self.port, "GET", path, headers=self.token("fib"))).status, 200
        raise ValueError(kind)


NARRATIVES = (
    "Seen getting into a grey car with an older male outside school at the end of the day.",
    "Has new trainers and a second phone and will not say where they came from.",
    "Missing overnight twice this month; came back tired and would not say where.",
    "Friends say she is being given vapes and lifts by men she met at the takeaway.",
)


def concern_payload(rng: random.Random, child_id: int) -> dict[str, Any]:
    """A concern as a social worker would record it (all of it invented)."""
    return {
        "child_id": child_id,
        "reporter_role": "Social worker",
        "observed_on": (dt.date.today() - dt.timedelta(days=rng.randrange(1, 30))).isoformat(),
        "observed_where": "Outside the school gates",
        "narrative": rng.choice(NARRATIVES) + " (load benchmark, fictional)",
        "exploitation_types": [rng.choice(["cse", "cce"])],
        "immediate_danger": False,
        "crime_disclosed": False,
    }


async def run_window(
    clients: list[Client], choose: Any, seconds: float, samples: list[Sample]
) -> float:
    """All clients loop (one request in flight each) until `seconds` have passed; requests
    in flight at the end finish and count. Returns the window's length in seconds."""
    started = time.perf_counter()
    stop_at = started + seconds

    async def loop(client: Client) -> None:
        while time.perf_counter() < stop_at:
            kind = choose(client.rng)
            t0 = time.perf_counter()
            try:
                status, expected = await client.call(kind)
                ok = status == expected
            except (TimeoutError, OSError, ConnectionError, RuntimeError, ValueError):
                status, ok = 0, False
            t1 = time.perf_counter()
            samples.append(Sample(kind, t0 - started, (t1 - t0) * 1000, status, ok))

    await asyncio.gather(*(loop(c) for c in clients))
    return time.perf_counter() - started


class WaitSampler:
    """Samples pg_stat_activity for the benchmark database every `interval` seconds, in a
    thread: how many backends are active, and what the waiting ones wait for."""

    def __init__(self, db: str, interval: float = 0.25) -> None:
        self.db = db
        self.interval = interval
        self.label = ""
        self.samples: dict[str, list[dict[str, int]]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(_db_url("postgres"), autocommit=True) as conn:
            while not self._stop.wait(self.interval):
                if not self.label:
                    continue
                rows = conn.execute(
                    """
                    SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, ''),
                           query ILIKE '%%audit_auditchainhead%%'
                    FROM pg_stat_activity
                    WHERE datname = %s AND pid <> pg_backend_pid()
                      AND backend_type = 'client backend'
                    """,
                    [self.db],
                ).fetchall()
                tally: dict[str, int] = {"backends": len(rows)}
                for state, wtype, wevent, chain in rows:
                    if state == "idle":
                        continue
                    tally["busy"] = tally.get("busy", 0) + 1
                    if state == "idle in transaction":
                        key = "idle in transaction"
                    elif wtype:
                        key = f"{wtype}:{wevent}"
                    else:
                        key = "on CPU"
                    tally[key] = tally.get(key, 0) + 1
                    if chain and wtype == "Lock":
                        tally["lock wait on audit chain head"] = (
                            tally.get("lock wait on audit chain head", 0) + 1
                        )
                self.samples.setdefault(self.label, []).append(tally)

    def summary(self, label: str) -> dict[str, float]:
        rows = self.samples.get(label, [])
        if not rows:
            return {}
        keys = sorted({k for r in rows for k in r})
        return {k: round(sum(r.get(k, 0) for r in rows) / len(rows), 2) for k in keys} | {
            "n_samples": len(rows)
        }


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in sorted({s.kind for s in samples}):
        rows = [s for s in samples if s.kind == kind]
        ms = [s.ms for s in rows]
        errors = [s for s in rows if not s.ok]
        statuses: dict[str, int] = {}
        for s in rows:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        out[kind] = {
            "requests": len(rows),
            "seconds": round(seconds, 2),
            "throughput": round(len(rows) / seconds, 2) if seconds else None,
            "errors": len(errors),
            "error_rate": round(len(errors) / len(rows), 4),
            "p50_ms": round(pct(ms, 50) or 0, 1),
            "p95_ms": round(pct(ms, 95) or 0, 1),
            "p99_ms": round(pct(ms, 99) or 0, 1),
            "statuses": statuses,
        }
    return out


async def drive(
    args: argparse.Namespace, fixture: dict[str, Any], sampler: WaitSampler
) -> dict[str, Any]:
    levels = [int(c) for c in args.concurrency.split(",")]
    most = max(levels)
    clients = [
        Client(i, args.port, fixture, random.Random(args.seed * 1000 + i)) for i in range(most)
    ]
    if args.mix == "hub":
        started = time.perf_counter()
        sem = asyncio.Semaphore(4)

        async def sign_in_all(client: Client) -> None:
            for role in ("sw", "fib", "chair"):
                async with sem:
                    client.sessions[role] = await sign_in(
                        args.port, fixture["users"][role][client.index]
                    )

        await asyncio.gather(*(sign_in_all(c) for c in clients))
        print(f"{len(clients) * 3} sessions signed in in {time.perf_counter() - started:.0f} s")
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())

        def choose(rng: random.Random) -> str:
            return rng.choices(kinds, weights)[0]

    steps: list[dict[str, Any]] = []
    # Warm-up at the highest concurrency, so every worker has imported, connected and
    # filled its caches (a worker's first request takes over a second); not counted.
    # Every kind equally often, so each worker meets each kind: a worker's first concern
    # loads the crime check's model (tens of seconds when 16 workers load it at once on 2
    # cores). Windows repeat until one has no request over WARM_MS (at most 8), since
    # which worker accepts a connection is up to the kernel. Kept in the report.
    warm_kinds = list(WEIGHTS) if args.mix == "hub" else list(AUDIT_KINDS)
    warmups = []
    for _ in range(8):
        warm: list[Sample] = []
        warm_seconds = await run_window(
            clients, lambda rng: rng.choice(warm_kinds), args.warmup, warm
        )
        bad = [s for s in warm if not s.ok]
        slowest = max(s.ms for s in warm)
        print(
            f"warm-up: {len(warm)} requests, {len(bad)} errors, slowest {slowest:.0f} ms",
            flush=True,
        )
        if bad and len(bad) == len(warm):
            raise SystemExit(f"every warm-up request failed: {bad[:3]}")
        warm_summary = summarise(warm, warm_seconds)
        for kind, r in warm_summary.items():
            r["max_ms"] = round(max(s.ms for s in warm if s.kind == kind), 1)
            print(
                f"  warm-up {kind:<26} n={r['requests']:<5} "
                f"p50 {r['p50_ms']:>7.1f}  max {r['max_ms']:>7.1f} ms"
            )
        warmups.append(warm_summary)
        if slowest < WARM_MS:
            break

    for level in levels:
        active = clients[:level]
        load_before = load_average()
        samples: list[Sample] = []
        step: dict[str, Any] = {"concurrency": level, "load_before": load_before}
        if args.mix == "hub":
            label = f"hub-{level}"
            sampler.label = label
            seconds = await run_window(active, choose, args.duration, samples)
            sampler.label = ""
            step["results"] = summarise(samples, seconds)
            step["seconds"] = round(seconds, 2)
            step["pg_activity"] = sampler.summary(label)
        else:
            # Alternate slices of one kind each, so both kinds see the same machine.
            per_kind: dict[str, list[Sample]] = {k: [] for k in AUDIT_KINDS}
            spent = dict.fromkeys(AUDIT_KINDS, 0.0)
            slices = max(1, round(args.duration / args.slice / 2))
            for i in range(slices):
                order = AUDIT_KINDS if i % 2 == 0 else AUDIT_KINDS[::-1]
                for kind in order:
                    sampler.label = f"audit-{level}-{kind}"
                    spent[kind] += await run_window(
                        active, lambda rng, k=kind: k, args.slice, per_kind[kind]
                    )
                    sampler.label = ""
            results = {}
            for kind in AUDIT_KINDS:
                results |= summarise(per_kind[kind], spent[kind])
                samples += per_kind[kind]
            audited, plain = results[AUDIT_KINDS[0]], results[AUDIT_KINDS[1]]
            step["results"] = results
            step["ratio"] = {
                "throughput": round(audited["throughput"] / plain["throughput"], 3),
                "p95": round(audited["p95_ms"] / plain["p95_ms"], 2),
            }
            step["pg_activity"] = {k: sampler.summary(f"audit-{level}-{k}") for k in AUDIT_KINDS}
        step["load_after"] = load_average()
        steps.append(step)
        print_step(args.mix, step)
    return {"warmup": {"concurrency": most, "windows": warmups}, "steps": steps}


# -- 6: reporting ------------------------------------------------------------------------------


def print_step(mix: str, step: dict[str, Any]) -> None:
    c = step["concurrency"]
    for kind, r in step["results"].items():
        print(
            f"  c={c:<3} {kind:<26} n={r['requests']:<6} {r['throughput']:>7.1f}/s  "
            f"err {r['error_rate']:.1%}  p50 {r['p50_ms']:>7.1f}  p95 {r['p95_ms']:>7.1f} ms",
            flush=True,
        )
    if mix == "audit":
        ratio = step["ratio"]
        waits = step["pg_activity"][AUDIT_KINDS[0]]
        print(
            f"  c={c:<3} audited/unaudited: throughput {ratio['throughput']:.2f}, "
            f"p95 {ratio['p95']:.2f}x; backends waiting on the chain head "
            f"{waits.get('lock wait on audit chain head', 0):.1f} (mean)",
            flush=True,
        )
    else:
        waits = step["pg_activity"]
        print(
            f"  c={c:<3} PostgreSQL: {waits.get('busy', 0):.1f} busy backends, "
            f"{waits.get('lock wait on audit chain head', 0):.1f} waiting on the chain head "
            f"(mean); load {step['load_before']} -> {step['load_after']}",
            flush=True,
        )


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| concurrency | request | requests | req/s | errors | p50 ms | p95 ms | p99 ms "
        "| load before -> after |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for step in report["steps"]:
        load = f"{step['load_before'][0]} -> {step['load_after'][0]}"
        for kind, r in step["results"].items():
            lines.append(
                f"| {step['concurrency']} | {kind} | {r['requests']:,} | {r['throughput']:.1f} | "
                f"{r['error_rate']:.1%} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                f"{r['p99_ms']:.0f} | {load} |"
            )
    if report["mix"] == "audit":
        lines += [
            "",
            "| concurrency | audited / unaudited throughput | audited / unaudited p95 | "
            "backends waiting on the chain head (mean, audited slices) | busy backends |",
            "|---:|---:|---:|---:|---:|",
        ]
        for step in report["steps"]:
            waits = step["pg_activity"][AUDIT_KINDS[0]]
            chain = waits.get("lock wait on audit chain head", 0)
            lines.append(
                f"| {step['concurrency']} | {step['ratio']['throughput']:.2f} | "
                f"{step['ratio']['p95']:.2f}x | {chain:.1f} | {waits.get('busy', 0):.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mix", choices=("hub", "audit"), default="hub")
    parser.add_argument("--concurrency", default="1,4,8,16,32", help="client counts, in order")
    parser.add_argument("--duration", type=float, default=24.0, help="seconds per concurrency")
    parser.add_argument("--slice", type=float, default=3.0, help="--mix audit: seconds per slice")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds, not counted")
    parser.add_argument("--workers", type=int, default=16, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--dashboard-children", type=int, default=10_000)
    parser.add_argument("--intel-rows", type=int, default=100_000)
    parser.add_argument("--db", default=DB_NAME)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the database")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--internal-build", help=argparse.SUPPRESS)
    parser.add_argument("--internal-users", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.internal_build:
        _internal_build(json.loads(args.internal_build))
        return
    if args.internal_users:
        _internal_users(args.internal_users, FIXTURE)
        return

    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_start = load_average()
    build_database(args)
    if args.build_only:
        return
    levels = [int(c) for c in args.concurrency.split(",")]
    fixture = prepare_users(args, max(levels))
    server = start_server(args)
    sampler = WaitSampler(args.db)
    sampler.start()
    started = dt.datetime.now(dt.UTC)
    try:
        report = asyncio.run(drive(args, fixture, sampler))
    finally:
        sampler.stop()
        stop_server(server)
    build = json.loads(BUILD_INFO.read_text())
    report = {
        "mix": args.mix,
        "started": started.isoformat(timespec="seconds"),
        "workers": args.workers,
        "duration_per_step_s": args.duration,
        "slice_s": args.slice if args.mix == "audit" else None,
        "weights": WEIGHTS if args.mix == "hub" else None,
        "database": build,
        "load_average_at_start": load_start,
        "load_average_at_end": load_average(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        **report,
    }
    name = f"load-{args.mix}-{build['counts']['people'] // 1000}k-w{args.workers}.json"
    (RESULTS / name).write_text(json.dumps(report, indent=1))
    print()
    print(
        f"{args.mix} mix, gunicorn {args.workers} sync workers, {build['counts']['people']:,} "
        f"people; load average {load_start} at start, {report['load_average_at_end']} at end"
    )
    print()
    print(markdown(report))
    print(f"\nwritten to bench/results/{name}")


if __name__ == "__main__":
    main()
