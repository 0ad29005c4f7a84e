"""/readyz under the shipped gunicorn config on PostgreSQL: 200, then 503 while the
database refuses connections (as during a failover or maintenance), then 200 again once
it accepts them, with no restart: a load balancer takes the instance out and puts it
back by itself."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from .conftest import fetch, gunicorn, postgres_only, subprocess_database_url

pytestmark = [postgres_only(), pytest.mark.django_db(transaction=True)]


def _allow_connections(database: str, allowed: bool) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings.get("HOST") or "127.0.0.1",
        port=settings.get("PORT") or 5432,
        user=settings["USER"],
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        flag = "true" if allowed else "false"
        admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {flag}')
        if not allowed:
            # The connections gunicorn's workers already hold go too (ours stays).
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [database, connection.connection.info.backend_pid],
            )


def test_readiness_fails_while_the_database_refuses_connections_and_recovers(
    tmp_path: Path,
) -> None:
    connection.ensure_connection()
    database = connection.settings_dict["NAME"]
    with gunicorn(tmp_path, {"DATABASE_URL": subprocess_database_url()}) as server:
        assert fetch(f"{server.url}/readyz").status == 200
        _allow_connections(database, False)
        try:
            down = fetch(f"{server.url}/readyz")
            assert down.status == 503, down.body
            assert '"database": "ok"' not in down.body
            assert '"ready": false' in down.body
        finally:
            _allow_connections(database, True)
        deadline = time.monotonic() + 10
        while (up := fetch(f"{server.url}/readyz")).status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert up.status == 200, up.body
        assert '"ready": true' in up.body
