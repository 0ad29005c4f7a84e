"""The demo hub is loaded once per test module (inside a transaction that is rolled back
at the end), so the checks on it stay fast; each test still runs in its own savepoint."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ..conftest import loaded_for_module

HERE = Path(__file__).resolve().parent
# The module-scoped data fixtures here: their data stays in place until the module's last
# test, so every test in a module that uses one must use it.
MODULE_DATA_FIXTURES = frozenset({"demo_hub", "scaled"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    by_module: dict[Path, list[pytest.Item]] = {}
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            by_module.setdefault(Path(item.path), []).append(item)
    for path, found in by_module.items():
        uses = [MODULE_DATA_FIXTURES & set(getattr(i, "fixturenames", ())) for i in found]
        if any(uses) and not all(uses):
            without = [i.name for i, used in zip(found, uses, strict=True) if not used]
            raise pytest.UsageError(
                f"{path}: a module-scoped data fixture would still be loaded for {without}; "
                "move them to another module"
            )


@pytest.fixture(scope="module")
def demo_hub(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Load the demo hub once for the module; yields the command's output."""
    with loaded_for_module(django_db_blocker):
        out = io.StringIO()
        call_command("demo_data", seed=2026, stdout=out)
        yield out.getvalue()
