"""CPU time of the child profile page (pole:person-detail) in one process.

Django's test client, signed in as a social worker, on children with the fullest records
the user may see; reports CPU ms per request (time.process_time) and queries per page,
and with --profile writes a cProfile of the timed requests (sorted by cumulative time).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cairn_h_profile \
        uv run python bench/profile_page.py --requests 50 --children 5 [--profile out.txt]

The database must hold the demo hub (manage.py demo_data) or the load benchmark's data.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--user", default="sw.demo")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--children", type=int, default=5, help="fullest records to cycle")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile", default="", help="write a cProfile report here")
    parser.add_argument("--repeat", type=int, default=1, help="timed blocks to report")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from cairn.accounts.models import User
    from cairn.pole.access import visible_people
    from cairn.pole.models import Person

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    children = list(
        visible_people(user)
        .filter(date_of_birth__isnull=False)
        .order_by("-date_of_birth")
        .values_list("pk", flat=True)[:400]
    )
    client = Client()
    client.force_login(user)
    # Two-step verification is part of sign-in; the benchmark's user is verified.
    _verify_session(client, user)

    sizes = []
    for pk in children:
        body = client.get(reverse("pole:person-detail", args=[pk])).content
        sizes.append((len(body), pk))
    sizes.sort(reverse=True)
    chosen = [pk for _, pk in sizes[: args.children]]
    child_ids = [pk for pk in chosen if Person.objects.filter(pk=pk).exists()]
    urls = [reverse("pole:person-detail", args=[pk]) for pk in child_ids]
    print(f"children {child_ids} (pages {[s for s, _ in sizes[: args.children]]} bytes)")

    for i in range(args.warmup):
        assert client.get(urls[i % len(urls)]).status_code == 200

    settings.DEBUG = True
    reset_queries()
    client.get(urls[0])
    print(f"queries per page: {len(connection.queries)}")
    settings.DEBUG = False

    profiler = cProfile.Profile(time.process_time) if args.profile else None
    backend = _backend_cpu(connection)
    for block in range(args.repeat):
        cpu = []
        db0 = backend()
        for i in range(args.requests):
            url = urls[i % len(urls)]
            if profiler:
                profiler.enable()
            c0 = time.process_time()
            response = client.get(url)
            cpu.append(1000 * (time.process_time() - c0))
            if profiler:
                profiler.disable()
            assert response.status_code == 200
        db_ms = (backend() - db0) / args.requests
        cpu.sort()
        print(
            f"block {block}: {args.requests} requests, CPU ms/request mean "
            f"{statistics.mean(cpu):.1f} median {statistics.median(cpu):.1f} "
            f"p90 {cpu[int(0.9 * len(cpu))]:.1f}; PostgreSQL backend CPU "
            f"{db_ms:.1f} ms/request; load {os.getloadavg()[0]:.2f}"
        )
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(120)
        stats.sort_stats("tottime").print_stats(60)
        Path(args.profile).write_text(out.getvalue())
        print(f"profile written to {args.profile}")


def _backend_cpu(connection: Any) -> Callable[[], float]:
    """CPU ms used so far by this connection's PostgreSQL backend (same machine: read from
    /proc); 0 for another database or host."""
    if connection.vendor != "postgresql":
        return lambda: 0.0
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


def _verify_session(client: object, user: object) -> None:
    """Mark the test client's session as two-step verified, as the sign-in pages do."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session  # type: ignore[attr-defined]
    session["otp_device_id"] = device.persistent_id
    session.save()


if __name__ == "__main__":
    main()
