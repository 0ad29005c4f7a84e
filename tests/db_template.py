"""One migrated test database per run, copied to each xdist worker.

pytest-django gives every xdist worker its own test database and runs every migration into
it: about 23 s of CPU per worker per run, spent rendering model states. Here the first
worker to need a database builds it as usual (a fresh database, every migration) and
publishes a copy; the other workers of the same run copy that instead of migrating again.
The copy is made from migrations in this very run (no database outlives it: --reuse-db
still works as pytest-django documents it, and skips this), so a migration that fails or
differs from the models fails the run as before.

SQLite (an in-memory test database): the copy is a file in the temporary directory, loaded
with SQLite's backup API. PostgreSQL: a template database, cloned with
`CREATE DATABASE ... TEMPLATE`. Other engines, or one process without xdist: unchanged.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

# Enough of the run's id to keep concurrent runs on one machine apart.
RUN_ID_CHARS = 12
POSTGRES_NAME_LIMIT = 63


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Across this run's workers: one at a time builds, publishes, clones or drops."""
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Template:
    def __init__(self, alias: str, run_id: str) -> None:
        self.connection = connections[alias]
        self.vendor = self.connection.vendor
        stem = f"cairn-test-{run_id[:RUN_ID_CHARS]}-{alias}"
        self.lock = Path(tempfile.gettempdir()) / f"{stem}.lock"
        self.file = Path(tempfile.gettempdir()) / f"{stem}.sqlite3"
        original = str(self.connection.settings_dict["NAME"])
        self.database = f"test_{original}_template_{run_id[:RUN_ID_CHARS]}"[:POSTGRES_NAME_LIMIT]

    def supported(self) -> bool:
        creation = self.connection.creation
        if self.vendor == "sqlite":
            return bool(creation.is_in_memory_db(creation._get_test_db_name()))  # type: ignore[attr-defined]
        return self.vendor == "postgresql"

    def _quoted(self, name: str) -> str:
        return str(self.connection.ops.quote_name(name))

    def exists(self) -> bool:
        if self.vendor == "sqlite":
            return self.file.exists()
        with self.connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.database])
            return cursor.fetchone() is not None

    def publish(self) -> None:
        """Copy the freshly migrated test database as this run's template."""
        if self.vendor == "sqlite":
            self.connection.ensure_connection()
            partial = self.file.with_suffix(".partial")
            target = sqlite3.connect(partial)
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()
            partial.replace(self.file)
            return
        # PostgreSQL copies only a database nobody is connected to.
        self.connection.close()
        source = self.connection.settings_dict["NAME"]
        with self.connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute(
                f"CREATE DATABASE {self._quoted(self.database)} TEMPLATE {self._quoted(source)}"
            )

    def clone(self, serialize: bool) -> str:
        """What `create_test_db` does, with the template copied in place of `migrate`."""
        creation = self.connection.creation
        name = str(creation._get_test_db_name())  # type: ignore[attr-defined]
        if self.vendor == "postgresql":
            with creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
                cursor.execute(f"DROP DATABASE IF EXISTS {self._quoted(name)}")
                cursor.execute(
                    f"CREATE DATABASE {self._quoted(name)} TEMPLATE {self._quoted(self.database)}"
                )
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        if self.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()
        if serialize:
            self.connection._test_serialized_contents = creation.serialize_db_to_string()  # type: ignore[attr-defined]
        return name

    def drop(self) -> None:
        if self.vendor == "sqlite":
            self.file.unlink(missing_ok=True)
            return
        with self.connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quoted(self.database)}")


@contextmanager
def shared_per_run(
    run_id: str | None, unblock: Callable[[], AbstractContextManager[Any]]
) -> Iterator[None]:
    """While active, `create_test_db` on each supported database copies this run's
    template if another worker has published one, or builds and publishes it. `unblock`
    is pytest-django's `django_db_blocker.unblock`, to drop the template at the end."""
    if not run_id:
        yield
        return
    templates = [_Template(alias, run_id) for alias in connections]
    templates = [t for t in templates if t.supported()]
    originals: list[tuple[Any, Callable[..., str]]] = []
    for template in templates:
        creation = template.connection.creation
        original = creation.create_test_db

        def create_test_db(
            verbosity: int = 1,
            autoclobber: bool = False,
            serialize: bool = True,
            keepdb: bool = False,
            template: _Template = template,
            original: Callable[..., str] = original,
        ) -> str:
            if keepdb:
                return original(verbosity, autoclobber, serialize, keepdb)
            with _exclusive(template.lock):
                if template.exists():
                    return template.clone(serialize)
                name = original(verbosity, autoclobber, serialize, keepdb)
                template.publish()
                return name

        setattr(creation, "create_test_db", create_test_db)  # noqa: B010 - per connection
        originals.append((creation, original))
    try:
        yield
    finally:
        for creation, original in originals:
            setattr(creation, "create_test_db", original)  # noqa: B010
        for template in templates:
            # Each worker drops it on leaving; one that needs it later builds it again.
            try:
                with unblock(), _exclusive(template.lock):
                    template.drop()
            except Exception:  # noqa: S110 - a leftover template is only litter
                pass


def run_id() -> str | None:
    """This run's id, shared by its xdist workers (None outside a worker)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or None
