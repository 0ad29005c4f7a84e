"""The auditor: the only way rows enter the audit log. Every write service and every
view of personal data calls `record`; an event without an actor raises, except the few
system events that go through `record_system`."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from cairn.core.request_context import current_channel, current_request_id
from cairn.core.types import Actor

from . import registry
from .models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditEvent,
    AuditValue,
    AuditValueSubject,
    values_commitment,
)


class MissingActorError(ValueError):
    pass


def _subject_id(subject: Any) -> int | None:
    if subject is None:
        return None
    if isinstance(subject, int):
        return subject
    return int(getattr(subject, "pk"))  # noqa: B009


def _append(fields: dict[str, Any], then: Callable[[AuditEvent], None] | None = None) -> AuditEvent:
    """Append one row under the chain head's lock; `then` writes what must commit with it
    (the personal values beside it) in the same transaction, without another savepoint.
    On PostgreSQL a row without values recorded inside a transaction is queued and chained
    at its commit: the row returned then has no id or index yet."""
    if connection.vendor == "postgresql":
        if then is None:
            db = connections[DEFAULT_DB_ALIAS]
            defers = getattr(db, "defers_audit", None)
            pending: list[Callable[[], object]] | None = getattr(db, "audit_pending", None)
            if defers is not None and pending is not None and defers():
                # Chained just before COMMIT (cairn.core.db.postgresql, ADR 0029): the head
                # is not held for the rest of the write. Rows with values stay immediate
                # (their values are written beside them with the ORM).
                queued = {**fields, "request_id": current_request_id() or ""}
                pending.append(lambda: _append_in_one_statement(queued))
                return AuditEvent(**queued)
            return _append_in_one_statement(fields)
        with transaction.atomic():
            event = _append_in_one_statement(fields)
            then(event)
        return event
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_index=0, last_hash=GENESIS_HASH)
        event = AuditEvent(
            chain_index=head.last_index + 1,
            prev_hash=head.last_hash,
            occurred_at=timezone.now(),
            request_id=current_request_id() or "",
            **fields,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_index = event.chain_index
        head.last_hash = event.hash
        head.save(update_fields=["last_index", "last_hash"])
        if then is not None:
            then(event)
    return event


# Columns the database fills in the one-statement append (ADR 0028).
_DB_FILLED = {"id", "chain_index", "prev_hash", "hash"}

_APPEND_SQL = """
WITH head AS (
    SELECT last_index + 1 AS idx, last_hash AS prev
    FROM audit_auditchainhead WHERE id = 1 FOR UPDATE
), sealed AS (
    SELECT idx, prev,
        encode(sha256(convert_to(prev || '|' || %s || idx::text || %s, 'UTF8')), 'hex') AS hash
    FROM head
), moved AS (
    UPDATE audit_auditchainhead SET last_index = sealed.idx, last_hash = sealed.hash
    FROM sealed WHERE audit_auditchainhead.id = 1
)
INSERT INTO audit_auditevent (chain_index, prev_hash, hash, {columns})
SELECT sealed.idx, sealed.prev, sealed.hash, {placeholders} FROM sealed
RETURNING id, chain_index, prev_hash, hash
"""


@cache
def _append_statement(vendor: str) -> tuple[list[models.Field[Any, Any]], str]:
    """The columns Python fills and the append's SQL: the same for every row, so built
    once (quoting them on every append was a fifth of its CPU)."""
    columns = [f for f in AuditEvent._meta.concrete_fields if f.column not in _DB_FILLED]
    sql = _APPEND_SQL.format(
        columns=", ".join(connection.ops.quote_name(str(f.column)) for f in columns),
        placeholders=", ".join(["%s"] * len(columns)),
    )
    return columns, sql


def _append_in_one_statement(fields: dict[str, Any]) -> AuditEvent:
    """PostgreSQL: lock the head, take the next index and the time, hash, insert and move
    the head in one statement. The hashed text is built here with a random marker where the
    index goes, and the database puts the index in, so the hash is exactly
    `AuditEvent.compute_hash()` (audit_verify is unchanged). Outside a transaction the
    head is held only while the statement runs inside the server: no writer waits on a
    Python process between round trips (bench/README.md, ADR 0028)."""
    event = AuditEvent(
        **{"occurred_at": timezone.now(), "request_id": current_request_id() or "", **fields}
    )
    index_marker = f"@index-{secrets.token_hex(16)}@"
    payload = event.hashed_payload(event.hashed_fields(chain_index=index_marker))
    before_index, after_index = payload.split(f'"{index_marker}"')
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy on every use
    columns, sql = _append_statement(db.vendor)
    values = [f.get_db_prep_save(getattr(event, f.attname), db) for f in columns]
    with db.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(sql, [before_index, after_index, *values])
            row = cursor.fetchone()
            if row is not None:
                break
            # A new database: no head row yet (the first event makes it).
            cursor.execute(
                "INSERT INTO audit_auditchainhead (id, last_index, last_hash) "
                "VALUES (1, 0, %s) ON CONFLICT (id) DO NOTHING",
                [GENESIS_HASH],
            )
        else:  # pragma: no cover - the head row exists after the insert above
            raise RuntimeError("The audit chain head could not be created.")
    event.pk, event.chain_index, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = db.alias
    return event


def record(
    *,
    actor: Actor,
    event: str,
    obj: models.Model | None = None,
    subject: Any = None,
    justification: str = "",
    recipient: str = "",
    details: dict[str, Any] | None = None,
    source: str | None = None,
    values: dict[str, Any] | None = None,
    value_subjects: Iterable[Any] | None = None,
) -> AuditEvent:
    """Append one audit row. `obj` is the record acted on; `subject` the person whose data
    it is (an Entity, Person or entity id) so the IG viewer can filter by data subject.

    `details` is hash-chained and kept for ever: ids, field names, counts, never a data
    subject's values. Values the row must show (a name before a correction, a name typed
    into a search) go in `values`: stored beside the chain, committed to by a salted hash
    in details["values"], and erased when the record of any of `value_subjects` (default:
    `subject`) is disposed of (ADR 0024)."""
    if actor is None or getattr(actor, "pk", None) is None:
        raise MissingActorError(f"Audit event {event!r} needs an actor.")
    event_type = registry.get(event)
    agency = getattr(actor, "agency", None)
    details = dict(details or {})
    salt = ""
    if values:
        salt = secrets.token_hex(16)
        details["values"] = {"sha256": values_commitment(salt, values), "keys": sorted(values)}

    def keep(row: AuditEvent) -> None:
        _keep_values(row, salt, values or {}, value_subjects, subject)

    return _append(
        {
            "action": event_type.action,
            "event": event_type.name,
            "actor": actor,
            "actor_username": actor.get_username(),
            "actor_agency": agency.name if agency else "",
            "actor_role": getattr(actor, "role", ""),
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "subject_id": _subject_id(subject),
            "recipient": recipient[:300],
            "justification": justification[:500],
            "source": source or current_channel(),
            "details": details,
        },
        keep if values else None,
    )


def _keep_values(
    row: AuditEvent,
    salt: str,
    values: dict[str, Any],
    value_subjects: Iterable[Any] | None,
    subject: Any,
) -> None:
    kept = AuditValue.objects.create(event=row, salt=salt, values=values)
    wanted = value_subjects if value_subjects is not None else [subject]
    ids = sorted({i for i in (_subject_id(s) for s in wanted) if i is not None})
    AuditValueSubject.objects.bulk_create(AuditValueSubject(value=kept, subject_id=i) for i in ids)


def erase_values(*, subject_id: int) -> int:
    """Delete the personal values kept beside audit rows about one data subject (their
    record has been disposed of). The rows themselves, and the chain, are untouched:
    details hold only the commitment. Called by the disposal service, which audits it."""
    found = AuditValue.objects.filter(subjects__subject_id=subject_id).values_list("pk", flat=True)
    ids = list(found)
    AuditValueSubject.objects.filter(value_id__in=ids).delete()
    AuditValue.objects.filter(pk__in=ids).delete()
    return len(ids)


def record_list(
    *,
    actor: Actor,
    event: str,
    subjects: Iterable[Any],
    obj: models.Model | None = None,
    subject: Any = None,
    justification: str = "",
    details: dict[str, Any] | None = None,
    source: str | None = None,
    values: dict[str, Any] | None = None,
) -> AuditEvent:
    """One consultation row for one page of a list: a list shows many data subjects, so
    their ids go in details["subjects"] rather than
    subject_id (which stays for a list filtered to one subject). `subjects` may hold
    entities, people, ids or None (rows with no subject)."""
    ids = sorted({i for i in (_subject_id(s) for s in subjects) if i is not None})
    return record(
        actor=actor,
        event=event,
        obj=obj,
        subject=subject,
        justification=justification,
        details={**(details or {}), "subjects": ids},
        source=source,
        values=values,
        value_subjects=ids,
    )


def record_system(
    *, event: str, justification: str, details: dict[str, Any] | None = None
) -> AuditEvent:
    """Events with no signed-in actor (failed sign-ins, scheduled jobs, data loads)."""
    event_type = registry.get(event)
    return _append(
        {
            "action": event_type.action,
            "event": event_type.name,
            "actor": None,
            "actor_username": "system",
            "actor_agency": "",
            "actor_role": "",
            "object_type": "",
            "object_id": "",
            "subject_id": None,
            "recipient": "",
            "justification": justification[:500],
            "source": "system",
            "details": details or {},
        }
    )
