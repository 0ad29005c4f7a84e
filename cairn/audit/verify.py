"""Verification of the audit hash chain (DPA 2018 s.62 integrity).

Walks every row in `chain_index` order with a server-side iterator, so memory stays
bounded however long the log is, and reports each place where the chain shows tampering:

- an **edited row**: the row's stored hash no longer matches its contents;
- a **broken link**: a row's `prev_hash` is not the stored hash of the row before it
  (the row before was edited and re-hashed, or a row was replaced);
- **missing rows**: a gap in `chain_index` (rows deleted from the start or the middle);
- a **head mismatch**: `AuditChainHead` does not describe the last row (the newest rows
  were deleted, the head was rewound or removed);
- a **checkpoint mismatch**: a signed checkpoint (checkpoint.py) is forged, or the chain is
  shorter than or disagrees with the latest one (rows deleted and the head rewound).

The head is read before the walk and the walk stops at the head's index, so events
appended while verification runs do not cause false alarms; they are checked next run.
An attacker who can rewrite the whole table and the head can build a new consistent
chain: anchor the printed head hash outside the system (a ticket, a signed email, a
write-once store) so that a rewritten history no longer matches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Max

from . import checkpoint
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

DEFAULT_CHUNK_SIZE = 2000
DEFAULT_MAX_PROBLEMS = 1000


class ProblemKind(StrEnum):
    EDITED_ROW = "edited row"
    BROKEN_LINK = "broken link"
    MISSING_ROWS = "missing rows"
    HEAD_MISMATCH = "head mismatch"
    CHECKPOINT_MISMATCH = "checkpoint mismatch"


@dataclass(frozen=True)
class Problem:
    chain_index: int
    kind: ProblemKind
    detail: str

    def __str__(self) -> str:
        return f"#{self.chain_index}: {self.kind}: {self.detail}"


@dataclass
class VerificationResult:
    checked: int = 0
    last_index: int = 0
    last_hash: str = GENESIS_HASH
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def truncated(self) -> bool:
        return self.problem_count > len(self.problems)


def _short(value: str) -> str:
    return value[:12] if value else "(none)"


def iter_problems(
    *, chunk_size: int = DEFAULT_CHUNK_SIZE, result: VerificationResult | None = None
) -> Iterator[Problem]:
    """Yield every problem found in the chain, in chain order. If `result` is given it is
    filled in with the number of rows checked and the last row's index and hash."""
    result = result if result is not None else VerificationResult()
    checkpoints_cutoff = checkpoint.snapshot()  # before the head: see checkpoint.snapshot
    head = AuditChainHead.objects.filter(pk=1).first()
    rows = AuditEvent.objects.order_by("chain_index")
    if head is not None:
        rows = rows.filter(chain_index__lte=head.last_index)

    expected_index = 1
    previous_hash = GENESIS_HASH
    for row in rows.iterator(chunk_size=chunk_size):
        result.checked += 1
        gap = row.chain_index != expected_index
        if gap:
            if row.chain_index > expected_index:
                first, last = expected_index, row.chain_index - 1
                span = f"#{first}" if first == last else f"#{first} to #{last}"
                yield Problem(
                    first,
                    ProblemKind.MISSING_ROWS,
                    f"{last - first + 1} row(s) missing ({span}); the chain jumps to "
                    f"#{row.chain_index}",
                )
            else:  # pragma: no cover - chain_index is unique and walked in order
                yield Problem(
                    row.chain_index,
                    ProblemKind.MISSING_ROWS,
                    f"index out of sequence (expected #{expected_index})",
                )
        if row.compute_hash() != row.hash:
            yield Problem(
                row.chain_index,
                ProblemKind.EDITED_ROW,
                f"the row's contents do not match its stored hash {_short(row.hash)}… "
                f"({row.event} by {row.actor_username})",
            )
        if not gap and row.prev_hash != previous_hash:
            yield Problem(
                row.chain_index,
                ProblemKind.BROKEN_LINK,
                f"prev_hash {_short(row.prev_hash)}… does not match the hash of "
                f"#{row.chain_index - 1} ({_short(previous_hash)}…)",
            )
        expected_index = row.chain_index + 1
        previous_hash = row.hash
        result.last_index = row.chain_index
        result.last_hash = row.hash

    yield from _check_head(head, result)
    yield from checkpoint.check(checkpoints_cutoff, result)


def _check_head(head: AuditChainHead | None, result: VerificationResult) -> Iterator[Problem]:
    if head is None:
        if AuditEvent.objects.exists():
            yield Problem(
                0, ProblemKind.HEAD_MISMATCH, "the chain head record is missing but rows exist"
            )
        return
    if head.last_index > result.last_index:
        first = result.last_index + 1
        span = f"#{first}" if first == head.last_index else f"#{first} to #{head.last_index}"
        yield Problem(
            first,
            ProblemKind.HEAD_MISMATCH,
            f"the chain head says the log ends at #{head.last_index} but the last row is "
            f"#{result.last_index}: the newest row(s) {span} are missing",
        )
    elif head.last_hash != result.last_hash:
        yield Problem(
            head.last_index,
            ProblemKind.HEAD_MISMATCH,
            f"the chain head hash {_short(head.last_hash)}… does not match the hash of "
            f"#{result.last_index} ({_short(result.last_hash)}…)",
        )
    # Rows beyond the head: read the highest index first, then the head. A legitimate
    # writer commits its row and the new head together and the head only grows, so the
    # head read second is always at or past any row already visible.
    highest = AuditEvent.objects.aggregate(m=Max("chain_index"))["m"] or 0
    current = AuditChainHead.objects.filter(pk=1).values_list("last_index", flat=True).first()
    if current is not None and highest > current:
        yield Problem(
            current + 1,
            ProblemKind.HEAD_MISMATCH,
            f"rows exist up to #{highest} beyond the chain head (#{current})",
        )


def verify_chain(
    *, chunk_size: int = DEFAULT_CHUNK_SIZE, max_problems: int = DEFAULT_MAX_PROBLEMS
) -> VerificationResult:
    """Check the whole chain. Keeps at most `max_problems` problems (all are counted), so a
    wholesale rewrite cannot exhaust memory."""
    result = VerificationResult()
    for problem in iter_problems(chunk_size=chunk_size, result=result):
        result.problem_count += 1
        if len(result.problems) < max_problems:
            result.problems.append(problem)
    return result
