"""CPU time in one process for the audited person read against the unaudited indicator
list (issue 18): Django's test client, a bearer token, the production settings, on the
PostgreSQL database named by DATABASE_URL (demo data loaded: `manage.py demo_data`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        uv run python bench/person_read_cpu.py [--passes 6] [--requests 200] [--profile]

Reports the best pass's CPU time per request (time.process_time: this process only, not
PostgreSQL's) and the queries each endpoint makes. `--profile` prints cProfile's top
functions for the person read. `--dump FILE` writes the person read's JSON for several
roles and people (restricted, police-only, a merge survivor) to compare before and after a
change."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _settings() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings.production")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CAIRN_AUDIT_CHECKPOINT_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("CAIRN_BASE_URL", "http://testserver")
    os.environ.setdefault("CAIRN_INSECURE_OVERRIDES", "http_base_url")
    os.environ.setdefault("CAIRN_THROTTLE_ENABLED", "false")
    os.environ.setdefault("EMAIL_URL", "consolemail://")


def _token_for(username: str) -> str:
    from cairn.accounts.models import User
    from cairn.api_auth import services as tokens
    from cairn.api_auth.models import ApiToken

    user = User.objects.get(username=username)
    # Earlier runs' tokens: a user may hold only ten.
    ApiToken.objects.filter(user=user, name="cpu bench").delete()
    return tokens.token_create(actor=user, name="cpu bench", lifetime_days=1).secret


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=6)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    _settings()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cairn.accounts.models import User
    from cairn.pole import access

    client = Client()
    fib = User.objects.get(username="fib.demo")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token_for('fib.demo')}", "secure": True}
    ids = list(access.visible_people(fib).values_list("pk", flat=True).order_by("pk"))
    ids = (ids * (args.requests // max(1, len(ids)) + 1))[: args.requests]
    paths = {
        "person": [f"/api/v1/people/{i}" for i in ids],
        "indicators": ["/api/v1/indicators"] * args.requests,
    }

    if args.dump:
        dump(client, args.dump)
        return

    for kind, urls in paths.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(urls[0], **auth)  # type: ignore[arg-type]
        assert response.status_code == 200, (kind, response.status_code, response.content)
        print(f"{kind}: {len(queries)} queries")
        for q in queries.captured_queries:
            print("   ", q["sql"][:160])

    best: dict[str, float] = {}
    for _ in range(args.passes):
        for kind, urls in paths.items():  # interleaved, so drift hits both alike
            start = time.process_time()
            for url in urls:
                client.get(url, **auth)  # type: ignore[arg-type]
            per = (time.process_time() - start) / len(urls) * 1000
            best[kind] = min(best.get(kind, per), per)
    print(f"load average {os.getloadavg()[0]:.2f}")
    for kind, ms in best.items():
        print(f"{kind}: {ms:.2f} ms CPU per request (best of {args.passes} x {args.requests})")
    print(f"CPU ratio (indicators / person): {best['indicators'] / best['person']:.2f}")

    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for url in paths["person"]:
            client.get(url, **auth)  # type: ignore[arg-type]
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


def dump(client: object, out: Path) -> None:
    """The person read's responses (status and JSON) for several roles and people."""
    from cairn.accounts.models import User
    from cairn.pole.models import Entity, Person

    people: set[int] = set()
    people |= set(
        Entity.objects.filter(kind="person", police_only=True).values_list("pk", flat=True)[:5]
    )
    people |= set(
        Entity.objects.filter(kind="person", restricted_since__isnull=False).values_list(
            "pk", flat=True
        )
    )
    people |= set(
        Person.objects.filter(names__kind__in=["alias", "previous", "nickname"]).values_list(
            "pk", flat=True
        )[:10]
    )
    people |= set(
        Entity.objects.filter(kind="person", hub_shared=False).values_list("pk", flat=True)[:10]
    )
    people |= set(Person.objects.values_list("pk", flat=True).order_by("pk")[:20])
    from cairn.network.models import PersonMerge

    people |= set(PersonMerge.objects.values_list("survivor_id", flat=True))
    people |= {int(i) for i in PersonMerge.objects.values_list("absorbed_id", flat=True)}
    roles = [
        "fib.demo",
        "ppu.demo",
        "sw.demo",
        "practitioner.demo",
        "school.demo",
        "health.demo",
        "charity.demo",
        "mash.demo",
    ]
    result: dict[str, dict[str, object]] = {}
    for username in roles:
        if not User.objects.filter(username=username).exists():
            continue
        auth = {"HTTP_AUTHORIZATION": f"Bearer {_token_for(username)}", "secure": True}
        for pk in sorted(people):
            response = client.get(f"/api/v1/people/{pk}", **auth)  # type: ignore[attr-defined]
            # The bytes, so key order and number formats count too.
            result[f"{username} {pk}"] = {
                "status": response.status_code,
                "body": response.content.decode(),
            }
    out.write_text(json.dumps(result, indent=1, sort_keys=True))
    print(f"{len(result)} responses to {out}")


if __name__ == "__main__":
    main()
