"""When the database cannot do what a request needs: it cannot be reached or did not answer
in time (connect, statement or lock timeout, too many connections, shutting down), or it is
read-only for maintenance (PostgreSQL `default_transaction_read_only`, a hot-standby
replica, a read-only SQLite file). `classify` names which, from the driver's error codes;
the error handlers (cairn.core.errors, cairn.api) turn either into a quick 503 instead of
a server error. See ADR 0018 and docs/deployment.md."""

from __future__ import annotations

import sqlite3
import sys
from enum import StrEnum


class Outage(StrEnum):
    UNAVAILABLE = "unavailable"
    READ_ONLY = "read_only"


# PostgreSQL SQLSTATE classes and codes that mean "the database cannot serve this now",
# not "this statement is wrong": 08 connection exceptions, 53 insufficient resources (too
# many connections, disk full), 57 operator intervention (statement_timeout is 57014,
# shutdown 57P01-57P03), 55P03 lock_not_available (lock_timeout), 25P03 an idle transaction
# ended by idle_in_transaction_session_timeout.
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57")
_PG_UNAVAILABLE_CODES = frozenset({"55P03", "25P03"})
_PG_READ_ONLY = "25006"  # read_only_sql_transaction
# SQLite primary result codes (the low byte of the extended code).
_SQLITE_READONLY = 8
_SQLITE_UNAVAILABLE = frozenset({5, 6, 10, 13, 14})  # BUSY, LOCKED, IOERR, FULL, CANTOPEN
_MAX_CHAIN = 10


def _classify_one(exc: BaseException) -> Outage | None:
    # Only a process that loaded the PostgreSQL driver can have its errors: no need to
    # import it (most of a second) on SQLite.
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(exc, psycopg.Error):
        code = exc.sqlstate
        if code == _PG_READ_ONLY:
            return Outage.READ_ONLY
        if isinstance(exc, psycopg.InterfaceError):
            return Outage.UNAVAILABLE  # the connection is gone
        if isinstance(exc, psycopg.OperationalError) and code is None:
            return Outage.UNAVAILABLE  # no answer at all: refused, timed out connecting
        if code and (code[:2] in _PG_UNAVAILABLE_CLASSES or code in _PG_UNAVAILABLE_CODES):
            return Outage.UNAVAILABLE
        return None
    if isinstance(exc, sqlite3.OperationalError):
        primary = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if primary == _SQLITE_READONLY:
            return Outage.READ_ONLY
        if primary in _SQLITE_UNAVAILABLE:
            return Outage.UNAVAILABLE
    return None


def classify(exc: BaseException | None) -> Outage | None:
    """Whether `exc`, or an error it was raised from or while handling (Django wraps the
    driver's error; the session middleware raises its own), means the database is
    unavailable or read-only. None for any other error, which stays a server error."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and len(seen) < _MAX_CHAIN:
        seen.add(id(exc))
        kind = _classify_one(exc)
        if kind is not None:
            return kind
        exc = exc.__cause__ or exc.__context__
    return None


UNAVAILABLE_HEADING = "Cairn cannot reach its database"
READ_ONLY_HEADING = "Cairn is read-only for maintenance"
# The API's `detail` for each (docs/guide/api.md).
DETAIL = {
    Outage.UNAVAILABLE: f"{UNAVAILABLE_HEADING}: try again in a few minutes.",
    Outage.READ_ONLY: f"{READ_ONLY_HEADING}: nothing can be saved until it finishes. "
    "Try again later.",
}
# Seconds a client should wait before retrying (the Retry-After header).
RETRY_AFTER = {Outage.UNAVAILABLE: 30, Outage.READ_ONLY: 300}
