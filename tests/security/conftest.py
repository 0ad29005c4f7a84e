"""Fixtures shared by the crash regressions and the fuzzers: the fuzzers' seeded Hub is
built once per module (in a transaction rolled back at the end), each test still runs in
its own savepoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from tests.disruption.conftest import child, location, poc, ppu  # noqa: F401

from ..conftest import module_transaction
from .seed import Hub, seed_hub


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Hub]:
    with django_db_blocker.unblock():
        outer = module_transaction()
        outer.__enter__()
        try:
            yield seed_hub()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI app kept inside the test's transaction: like the test client, stop
    the per-request connection clean-up, which would close the test connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
