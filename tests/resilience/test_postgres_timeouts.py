"""Issue 18 item 6 on PostgreSQL: a second connection really holds a lock, and the
statement or lock timeout set from Cairn's settings (CAIRN_DB_STATEMENT_TIMEOUT,
CAIRN_DB_LOCK_TIMEOUT through cairn.settings.base.database_config) turns the wait into
the "Cairn cannot reach its database" page, or 503 JSON, within seconds. SQLite has no
statement or lock timeout of this kind (its busy timeout is the demo's), so these skip."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import Client

from cairn.api_auth import services as token_services
from cairn.api_auth.models import ApiToken
from cairn.audit.models import AuditChainHead, AuditEvent
from cairn.pole.models import Vehicle
from cairn.settings import base

from .conftest import postgres_only, subprocess_database_url

pytestmark = [postgres_only(), pytest.mark.django_db(transaction=True)]

HEADING = '<h1 class="govuk-heading-l">Cairn cannot reach its database</h1>'
DETAIL = "Cairn cannot reach its database: try again in a few minutes."


@contextlib.contextmanager
def timeouts(monkeypatch: pytest.MonkeyPatch, *, statement: float, lock: float) -> Iterator[None]:
    """Reconnect with the options database_config gives for these settings."""
    monkeypatch.setattr(base, "CAIRN_DB_STATEMENT_TIMEOUT", statement)
    monkeypatch.setattr(base, "CAIRN_DB_LOCK_TIMEOUT", lock)
    options = base.database_config(subprocess_database_url())["OPTIONS"]
    saved = connection.settings_dict["OPTIONS"]
    connection.close()
    connection.settings_dict["OPTIONS"] = {**saved, **options}
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["OPTIONS"] = saved


@contextlib.contextmanager
def second_connection(*statements: str) -> Iterator[None]:
    """Another session runs `statements` in a transaction and holds its locks."""
    with psycopg.connect(subprocess_database_url()) as other:
        with other.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)  # type: ignore[arg-type]
        try:
            yield
        finally:
            other.rollback()


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_the_settings_reach_every_connection() -> None:
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('statement_timeout', 'lock_timeout')"
        )
        found = dict(cursor.fetchall())
    assert found == {
        "statement_timeout": str(round(settings.CAIRN_DB_STATEMENT_TIMEOUT * 1000)),
        "lock_timeout": str(round(settings.CAIRN_DB_LOCK_TIMEOUT * 1000)),
    }
    assert connection.connection.info.get_parameters()["connect_timeout"] == str(
        max(2, round(settings.CAIRN_DB_CONNECT_TIMEOUT))
    )


def test_a_statement_held_by_a_lock_becomes_the_503_page_at_the_statement_timeout(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in(users["social_worker"])
    # No lock timeout: only the statement timeout can end the wait.
    with (
        timeouts(monkeypatch, statement=1, lock=0),
        second_connection("LOCK TABLE accounts_user IN ACCESS EXCLUSIVE MODE"),
    ):
        response, seconds = timed(lambda: client.get("/"))
    assert response.status_code == 503
    assert HEADING in response.content.decode()
    assert response["Retry-After"] == "30"
    assert 1 <= seconds < 5


def test_the_api_answers_503_json_at_the_statement_timeout(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = token_services.token_create(actor=users["analyst"], name="Script").secret
    client = Client(raise_request_exception=False)
    with (
        timeouts(monkeypatch, statement=1, lock=0),
        second_connection("LOCK TABLE accounts_user IN ACCESS EXCLUSIVE MODE"),
    ):
        response, seconds = timed(
            lambda: client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        )
    assert response.status_code == 503
    assert response.json() == {"detail": DETAIL}
    assert 1 <= seconds < 5


def test_a_write_waiting_on_a_row_lock_gives_up_at_the_lock_timeout(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every audited write locks the audit chain head; another session holds it."""
    analyst = users["analyst"]
    secret = token_services.token_create(actor=analyst, name="Script").secret
    assert AuditChainHead.objects.exists()
    client = Client(raise_request_exception=False)
    browser = signed_in(analyst)
    events, tokens = AuditEvent.objects.count(), ApiToken.objects.count()
    with (
        timeouts(monkeypatch, statement=30, lock=1),
        second_connection("SELECT * FROM audit_auditchainhead FOR UPDATE"),
    ):
        api, api_seconds = timed(
            lambda: client.post(
                "/api/v1/vehicles",
                json.dumps({"registration": "LK12 TMO"}),
                content_type="application/json",
                headers={"Authorization": f"Bearer {secret}"},
            )
        )
        web, web_seconds = timed(
            lambda: browser.post("/api/tokens/", {"name": "Weekly report", "lifetime_days": 90})
        )
    assert api.status_code == 503 and api.json() == {"detail": DETAIL}
    assert 1 <= api_seconds < 5
    assert web.status_code == 503
    html = web.content.decode()
    assert HEADING in html and "What you sent may not have been saved." in html
    assert 1 <= web_seconds < 5
    # Both writes rolled back whole: no vehicle, no token, no audit row.
    assert not Vehicle.objects.exists()
    assert ApiToken.objects.count() == tokens
    assert AuditEvent.objects.count() == events
