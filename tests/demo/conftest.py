"""The demo hub is loaded once per test module (inside a transaction that is rolled back
at the end), so the checks on it stay fast; each test still runs in its own savepoint."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_hub(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Load the demo hub once for the module; yields the command's output."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # A live-server test earlier in this worker flushed the catalogue, and the
            # function-scoped `_reference_data` runs only after this module fixture.
            from cairn.concerns.catalogue import install
            from cairn.concerns.models import Indicator

            if not Indicator.objects.exists():
                install(Indicator)
            out = io.StringIO()
            call_command("demo_data", seed=2026, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
