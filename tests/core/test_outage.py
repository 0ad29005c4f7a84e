"""Which database errors mean "unavailable" or "read-only" (a 503 that says so) and which
stay server errors (a bug to fix), judged from real driver errors."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from django.db import utils as db_utils

from cairn.core.outage import Outage, classify


def sqlite_error(*statements: str) -> sqlite3.Error:
    db = sqlite3.connect(":memory:")
    *setup, failing = statements
    for statement in setup:
        db.execute(statement)
    with pytest.raises(sqlite3.Error) as raised:
        db.execute(failing)
    return raised.value


def wrapped(driver_error: BaseException) -> BaseException:
    """As Django raises it: its own class, from the driver's error."""
    try:
        try:
            raise driver_error
        except BaseException as exc:
            raise db_utils.OperationalError(str(exc)) from exc
    except db_utils.OperationalError as outer:
        return outer


def test_sqlite() -> None:
    assert classify(sqlite_error("PRAGMA query_only = ON", "CREATE TABLE t (x)")) is (
        Outage.READ_ONLY
    )
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect("/nonexistent-dir/cairn.sqlite3")
    assert classify(cannot_open.value) is Outage.UNAVAILABLE
    assert classify(wrapped(cannot_open.value)) is Outage.UNAVAILABLE
    # A missing table is a bug (say, migrations not run), not an outage.
    assert classify(sqlite_error("SELECT * FROM no_such_table")) is None
    assert (
        classify(
            sqlite_error(
                "CREATE TABLE t (x UNIQUE)", "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)"
            )
        )
        is None
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (psycopg.errors.ReadOnlySqlTransaction, Outage.READ_ONLY),
        (psycopg.errors.QueryCanceled, Outage.UNAVAILABLE),  # statement_timeout
        (psycopg.errors.LockNotAvailable, Outage.UNAVAILABLE),  # lock_timeout
        (psycopg.errors.AdminShutdown, Outage.UNAVAILABLE),
        (psycopg.errors.TooManyConnections, Outage.UNAVAILABLE),
        (psycopg.errors.ConnectionFailure, Outage.UNAVAILABLE),
        (psycopg.errors.UniqueViolation, None),
        (psycopg.errors.UndefinedTable, None),
        (psycopg.errors.DeadlockDetected, None),
    ],
)
def test_postgresql_by_sqlstate(error: type[psycopg.Error], expected: Outage | None) -> None:
    assert classify(wrapped(error("from the server"))) is expected


def test_postgresql_no_answer_at_all() -> None:
    # What psycopg raises when it cannot connect: no SQLSTATE.
    assert classify(psycopg.OperationalError("connection timeout expired")) is Outage.UNAVAILABLE
    assert classify(psycopg.InterfaceError("the connection is closed")) is Outage.UNAVAILABLE


def test_other_errors_are_not_outages() -> None:
    assert classify(None) is None
    assert classify(RuntimeError("a bug")) is None
    assert classify(ValueError("bad input")) is None
