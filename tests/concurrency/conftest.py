"""Races: run two (or more) requests or service calls at the same moment, each on its own
thread and so its own database connection, released together by a barrier.

Real row locks need PostgreSQL (SQLite has one writer and no SELECT ... FOR UPDATE), so
these tests skip on SQLite; run them with DATABASE_URL pointing at PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client

ROUNDS = 3


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL row locks: set DATABASE_URL to a PostgreSQL database"
    )
    for item in items:
        if "tests/concurrency/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(*calls: Callable[[], Any], timeout: float = 20) -> list[Outcome]:
    """Run `calls` on their own threads, released together; return each one's result or
    exception, in order. Each thread closes its own connection when done."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index].value = call()
        except BaseException as exc:  # reported to the test, not swallowed
            outcomes[index].error = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a racing call did not finish: deadlock?"
    return outcomes


def poster(user: Any, url: str, data: dict[str, Any] | None = None) -> Callable[[], HttpResponse]:
    """A web POST by `user` (signed in now, outside the race), to run inside `race`."""
    client = Client()
    client.force_login(user)
    return lambda: client.post(url, data or {})


@pytest.fixture
def api_for() -> Callable[[Any], Any]:
    """`api_for(user)`: a JSON API client with a fresh bearer token for `user`."""
    from cairn.api_auth import services as token_services

    from ..api.conftest import ApiClient

    def make(user: Any) -> ApiClient:
        return ApiClient(token_services.token_create(actor=user, name="Race").secret)

    return make
