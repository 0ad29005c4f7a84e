"""CSV rendering of audit events, streamed row by row so an export of millions of rows
stays in bounded memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .models import AuditEvent

CHUNK_SIZE = 2000

HEADER = [
    "chain_index",
    "occurred_at",
    "action",
    "event",
    "actor_username",
    "actor_agency",
    "actor_role",
    "object_type",
    "object_id",
    "subject_id",
    "recipient",
    "justification",
    "request_id",
    "source",
    "details",
    "prev_hash",
    "hash",
]

# Spreadsheet programs run cells that start with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _row(event: AuditEvent) -> list[Any]:
    return [
        event.chain_index,
        event.occurred_at.isoformat(timespec="microseconds"),
        event.action,
        event.event,
        _safe(event.actor_username),
        _safe(event.actor_agency),
        event.actor_role,
        event.object_type,
        _safe(event.object_id),
        "" if event.subject_id is None else event.subject_id,
        _safe(event.recipient),
        _safe(event.justification),
        _safe(event.request_id),
        event.source,
        _safe(json.dumps(event.details, sort_keys=True, default=str)),
        event.prev_hash,
        event.hash,
    ]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for event in events:
        yield writer.writerow(_row(event))
