"""Shared tools for writes that race: a row lock that refreshes the caller's object, and
the `Conflict` a service raises when someone else changed the record first.

Services lock the row they change (`lock`) before checking its state, so two requests
for the same record run one after the other and the second sees the first's result.
`Conflict` is a ValidationError, so forms that show a service's errors show it too; the
API answers it with 409 and the web with a page saying what happened (see ADR 0015).

A write whose row does not exist yet has nothing to lock: `lock_name` serialises the
transactions that would make it (two requests recording the same phone number at once)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class Conflict(ValidationError):
    """The record was changed by someone else while this request was in flight."""

    def __init__(self, message: str) -> None:
        super().__init__({NON_FIELD_ERRORS: [message]})
        self.message_text = message

    def __str__(self) -> str:
        return self.message_text


def lock(obj: M) -> M:
    """Take a row lock on `obj` for the rest of the transaction and reload its fields,
    so the state checked next is the committed one, not what the request read earlier.
    Raises the model's DoesNotExist if the row has gone (deleted by another request)."""
    manager = type(obj)._base_manager
    obj.refresh_from_db(from_queryset=manager.select_for_update())
    return obj


def lock_name(name: str) -> None:
    """Hold a lock on `name` until the transaction ends, so every transaction locking the
    same name runs its check-then-insert one after the other: for a record that may not
    exist yet (no row to lock) and that no unique constraint can guard (a phone number may
    rightly be held twice: by police on a police-only record and by a partner).

    PostgreSQL: a transaction-level advisory lock on a 64-bit hash of the name (a rare
    collision only makes two unrelated writes wait for each other). SQLite needs nothing:
    it begins every write transaction IMMEDIATE (settings), taking its one write lock
    before the check, so writers already run one at a time."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_name must be called inside a transaction")
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


class DraftChanged(Conflict):
    """A draft was submitted from a "check your answers" page drawn before its latest
    change (another tab, another device): nothing is submitted, so the last writer never
    wins silently. The check page is shown again with the current answers."""

    def __init__(self, changed_at: dt.datetime) -> None:
        self.changed_at = changed_at
        when = timezone.localtime(changed_at)
        super().__init__(
            f"This draft changed after you opened this page (at {when:%H:%M}): "
            "check your answers again before you submit"
        )


def draft_version(updated_at: dt.datetime | None) -> str:
    """What a check page carries back to the submit: the draft's last change."""
    return updated_at.isoformat() if updated_at else ""
