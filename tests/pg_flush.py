"""A cheaper flush after a transactional test (live server, races) on PostgreSQL.

Django flushes with one `TRUNCATE` of every table (97 here). PostgreSQL gives each
truncated table new files, so that statement took 3.7-7 s of wall time on a shared 2-core
machine, after every one of the ~90 transactional tests: most of why the suite ran longer
on PostgreSQL than on SQLite. The tables are nearly empty after a test, and `DELETE FROM`
each one empties them in milliseconds. Triggers are off for the flush's own transaction
(`session_replication_role = replica`, which needs a superuser, as CI's `postgres` is), so
the audit table's append-only trigger and the foreign-key checks let every row go, as
`TRUNCATE` does. Without a superuser, or when sequences are to restart, Django's `TRUNCATE`
runs as before. Only tests install this; production never flushes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection


def _is_superuser(ops: Any) -> bool:
    cached = getattr(ops.connection, "_cairn_is_superuser", None)
    if cached is None:
        with ops.connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        cached = bool(row and row[0])
        ops.connection._cairn_is_superuser = cached
    return bool(cached)


def install() -> None:
    """Replace the PostgreSQL backend's flush SQL for this test process."""
    if connection.vendor != "postgresql":
        return
    operations = type(connection.ops)
    truncate: Callable[..., list[str]] = operations.sql_flush

    def sql_flush(
        self: Any,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if not tables or reset_sequences or not _is_superuser(self):
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # SET LOCAL ends with the flush's transaction (execute_sql_flush runs in one).
        return ["SET LOCAL session_replication_role = replica"] + [
            f"DELETE FROM {self.quote_name(table)}"  # noqa: S608 - table names from the models
            for table in tables
        ]

    operations.sql_flush = sql_flush  # type: ignore[method-assign]
