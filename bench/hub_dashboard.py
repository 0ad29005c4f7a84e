"""Hub dashboard latency at scale: builds (once) a PostgreSQL or SQLite database with N
synthetic children and the records the dashboard summarises, then times
`cairn.hub.dashboard.panels` for the Hub chair.

    uv run python bench/hub_dashboard.py --children 100000            # PostgreSQL
    uv run python bench/hub_dashboard.py --children 5000 --backend sqlite

Per 100 children it writes about 70 risk decisions (60% of children assessed, some more
than once), 60 concerns (1-2 exploitation types), 10 missing episodes (most with an
interview), 2 Hub actions and 50 links to 1 of 1000 locations. Everything is fictional.
The PostgreSQL database is cairn_hub_bench (override with BENCH_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/cairn_hub_bench"
BATCH = 5000


def configure(backend: str, children: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if backend == "postgres":
        os.environ.setdefault("BENCH_DATABASE_URL", PG_DEFAULT)
    else:
        os.environ.pop("BENCH_DATABASE_URL", None)
        os.environ["BENCH_SQLITE_PATH"] = str(ROOT / "bench" / "data" / f"hub-{children}.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(children: int, seed: int = 7) -> None:
    from django.utils import timezone

    from cairn.accounts.models import Agency, User
    from cairn.concerns.models import Concern, ExploitationType, RiskDecision
    from cairn.hub.models import Action
    from cairn.missing.models import MissingEpisode
    from cairn.pole.models import Entity, Link, Location, Person

    if Person.objects.filter(category="child").count() >= children:
        return
    rng = random.Random(seed)
    now = timezone.now()
    agency, _ = Agency.objects.get_or_create(
        name="Benchshire Police", defaults={"kind": "police", "short_name": "BP"}
    )
    trust, _ = Agency.objects.get_or_create(
        name="Benchshire Children's Trust", defaults={"kind": "childrens_trust"}
    )
    chair, _ = User.objects.get_or_create(
        username="bench.chair", defaults={"role": "hub_chair", "agency": agency}
    )
    worker, _ = User.objects.get_or_create(
        username="bench.sw", defaults={"role": "social_worker", "agency": trust}
    )
    regime = "uk_gdpr"
    loc_entities = Entity.objects.bulk_create(
        Entity(
            kind="location",
            label=f"Bench place {i}",
            owning_agency=trust,
            regime=regime,
            hub_shared=True,
        )
        for i in range(1000)
    )
    Location.objects.bulk_create(
        Location(entity=e, name=e.label, postcode=f"BX{i % 20} 1AA")
        for i, e in enumerate(loc_entities)
    )
    levels = ["none", "emerging", "moderate", "significant"]
    types = list(ExploitationType.values)
    made = 0
    while made < children:
        size = min(BATCH, children - made)
        entities = Entity.objects.bulk_create(
            Entity(
                kind="person",
                label=f"Bench child {made + i}",
                owning_agency=trust,
                regime=regime,
                hub_shared=True,
            )
            for i in range(size)
        )
        people = Person.objects.bulk_create(
            Person(
                entity=e,
                category="child",
                given_name="Bench",
                family_name=f"Child{made + i}",
                date_of_birth=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(2000)),
            )
            for i, e in enumerate(entities)
        )
        decisions, concerns, episodes, actions, links = [], [], [], [], []
        for person in people:
            roll = rng.random()
            if roll < 0.6:
                for _ in range(rng.choice((1, 1, 2))):
                    decisions.append(
                        RiskDecision(
                            child=person,
                            suggested_level="moderate",
                            level=rng.choice(levels),
                            rationale="Bench",
                            decided_by=worker,
                        )
                    )
                concerns.append(
                    Concern(
                        child=person,
                        status="submitted",
                        reporter=worker,
                        reporter_agency=trust,
                        submitted_at=now - dt.timedelta(days=rng.randrange(120)),
                        exploitation_types=rng.sample(types, rng.choice((1, 2))),
                    )
                )
            if roll < 0.1:
                found = now - dt.timedelta(days=rng.randrange(1, 80), hours=rng.randrange(24))
                done = rng.random()
                episodes.append(
                    MissingEpisode(
                        child=person,
                        reported_at=found - dt.timedelta(hours=8),
                        found_at=found,
                        rhi_due_at=found + dt.timedelta(hours=72),
                        rhi_completed_at=found + dt.timedelta(hours=rng.randrange(10, 120))
                        if done < 0.8
                        else None,
                        owning_agency=trust,
                        recorded_by=worker,
                    )
                )
            if roll < 0.02:
                actions.append(
                    Action(
                        description="Bench action",
                        owner=worker,
                        owner_agency=trust,
                        due_on=now.date() + dt.timedelta(days=rng.randrange(-20, 20)),
                        created_by=chair,
                    )
                )
            if roll < 0.5:
                links.append(
                    Link(
                        from_entity_id=person.pk,
                        to_entity=rng.choice(loc_entities),
                        link_type="seen_at",
                        owning_agency=trust,
                    )
                )
        RiskDecision.objects.bulk_create(decisions)
        Concern.objects.bulk_create(concerns)
        MissingEpisode.objects.bulk_create(episodes)
        Action.objects.bulk_create(actions)
        Link.objects.bulk_create(links)
        made += size
        print(f"  built {made} children", flush=True)
    # Spread decision times so "latest" is meaningful.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE concerns_riskdecision "
                "SET decided_at = now() - (id % 300) * interval '1 day'"
            )
            cursor.execute("ANALYZE")


def measure(runs: int) -> dict[str, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from cairn.accounts.models import User
    from cairn.hub import dashboard

    chair = User.objects.get(username="bench.chair")
    timings = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            dashboard.panels(chair)
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    return {
        "first_ms": round(timings[0], 1),
        "median_ms": round(statistics.median(timings[1:] or timings), 1),
        "max_ms": round(max(timings[1:] or timings), 1),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    configure(args.backend, args.children)
    build(args.children)
    from cairn.pole.models import Person

    count = Person.objects.filter(category="child").count()
    result = measure(args.runs)
    print(
        f"| {args.backend} | {count:,} | {result['first_ms']} | {result['median_ms']} | "
        f"{result['max_ms']} | {result['queries']} |"
    )


if __name__ == "__main__":
    main()
