"""Django's PostgreSQL backend, plus the audit rows a transaction defers to its commit.

An audit row appended inside a transaction holds the audit chain head until that
transaction ends (ADR 0028): a write's first row made every audited read wait for the rest
of the write (screening, notifications, the page). The auditor queues a transaction's rows
here instead; they are chained just before COMMIT, so the head is held for those few
statements only, and they commit or roll back with the write as before (ADR 0029). Rows
queued inside a savepoint that rolls back are dropped with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audit_pending: list[Callable[[], object]] = []
        self._audit_marks: dict[str, int] = {}

    def defers_audit(self) -> bool:
        """Inside a transaction the code opened: a test case's own wrapping blocks (which
        never commit) do not count, so a test sees rows as production does at commit."""
        return self.in_atomic_block and not all(
            getattr(block, "_from_testcase", False) for block in self.atomic_blocks
        )

    def flush_audit(self) -> None:
        pending, self.audit_pending = self.audit_pending, []
        self._audit_marks.clear()
        for append in pending:
            append()

    def _commit(self) -> None:
        if self.audit_pending:
            self.flush_audit()
        super()._commit()  # type: ignore[misc]

    def _rollback(self) -> None:
        self.audit_pending.clear()
        self._audit_marks.clear()
        super()._rollback()  # type: ignore[misc]

    def _savepoint(self, sid: str) -> None:
        self._audit_marks[sid] = len(self.audit_pending)
        super()._savepoint(sid)  # type: ignore[misc]

    def _savepoint_rollback(self, sid: str) -> None:
        mark = self._audit_marks.get(sid)
        if mark is not None:
            del self.audit_pending[mark:]
        super()._savepoint_rollback(sid)  # type: ignore[misc]

    def _savepoint_commit(self, sid: str) -> None:
        self._audit_marks.pop(sid, None)
        # A test case's outermost code block ends in a savepoint, not a COMMIT.
        if self.audit_pending and not self.defers_audit():
            self.flush_audit()
        super()._savepoint_commit(sid)  # type: ignore[misc]

    def close(self) -> None:
        self.audit_pending.clear()
        self._audit_marks.clear()
        super().close()
