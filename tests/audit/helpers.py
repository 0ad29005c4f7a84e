"""Tampering helpers: raw SQL that bypasses the ORM guard (and, on PostgreSQL, the
append-only trigger, which a test disables inside its own transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

TRIGGER = "audit_auditevent_no_update_delete"


@contextmanager
def tamper() -> Iterator[Any]:
    """A cursor that may UPDATE/DELETE audit rows, as an attacker with database access."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")
