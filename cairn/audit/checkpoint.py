"""Signed checkpoints of the audit chain head (ADR 0014).

The hash chain proves rows were not edited or removed from the middle, but someone with
write access to the database can delete the newest rows and rewind `AuditChainHead` to
match. A checkpoint is an HMAC-SHA256, under CAIRN_AUDIT_CHECKPOINT_KEY (held in the
environment, never in the database), over the head's index and hash at one moment; they
are written by `manage.py audit_checkpoint` (also run by `run_timers`). Without the key a
checkpoint cannot be forged, so `audit_verify` fails if any checkpoint's signature is
wrong, or if the chain is shorter than, or has a different hash at, the latest one.

Kept self-contained: it reads the head and one row by index, so it does not depend on how
the chain is appended."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.utils import timezone

from .models import AuditChainHead, AuditCheckpoint, AuditEvent

if TYPE_CHECKING:
    from .verify import Problem, VerificationResult


def _key() -> bytes:
    key = getattr(settings, "CAIRN_AUDIT_CHECKPOINT_KEY", "")
    if not key:
        raise ImproperlyConfigured("CAIRN_AUDIT_CHECKPOINT_KEY must be set to sign checkpoints.")
    return str(key).encode()


def sign(*, chain_index: int, chain_hash: str, created_at: str) -> str:
    message = f"cairn-audit-checkpoint|v1|{chain_index}|{chain_hash}|{created_at}"
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def _signature_of(checkpoint: AuditCheckpoint) -> str:
    return sign(
        chain_index=checkpoint.chain_index,
        chain_hash=checkpoint.chain_hash,
        created_at=checkpoint.created_at.isoformat(timespec="microseconds"),
    )


def write_checkpoint() -> AuditCheckpoint | None:
    """Sign the current chain head; None while the log is empty."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.last_index == 0:
        return None
    checkpoint = AuditCheckpoint(
        created_at=timezone.now(), chain_index=head.last_index, chain_hash=head.last_hash
    )
    checkpoint.signature = _signature_of(checkpoint)
    checkpoint.save(force_insert=True)
    return checkpoint


def snapshot() -> int:
    """The newest checkpoint's id, read before the verifier reads the head: a checkpoint
    that already existed then can never legitimately be ahead of the head."""
    return int(AuditCheckpoint.objects.aggregate(m=Max("pk"))["m"] or 0)


def check(cutoff: int, result: VerificationResult) -> Iterator[Problem]:
    """Problems with the checkpoints up to `cutoff`, given the walked chain `result`."""
    from .verify import Problem, ProblemKind  # noqa: PLC0415 (cycle: verify imports checkpoint)

    latest: AuditCheckpoint | None = None
    for checkpoint in AuditCheckpoint.objects.filter(pk__lte=cutoff).order_by("pk").iterator():
        if not hmac.compare_digest(_signature_of(checkpoint), checkpoint.signature):
            yield Problem(
                checkpoint.chain_index,
                ProblemKind.CHECKPOINT_MISMATCH,
                f"checkpoint {checkpoint.pk} has a wrong signature: it was forged or altered",
            )
        elif latest is None or checkpoint.chain_index >= latest.chain_index:
            latest = checkpoint
    if latest is None:
        return
    if result.last_index < latest.chain_index:
        yield Problem(
            result.last_index + 1,
            ProblemKind.CHECKPOINT_MISMATCH,
            f"the chain ends at #{result.last_index} but a signed checkpoint of "
            f"{latest.created_at:%Y-%m-%d %H:%M} records it reaching #{latest.chain_index}: "
            f"the newest rows were deleted and the head rewound",
        )
        return
    stored = (
        AuditEvent.objects.filter(chain_index=latest.chain_index)
        .values_list("hash", flat=True)
        .first()
    )
    if stored != latest.chain_hash:
        yield Problem(
            latest.chain_index,
            ProblemKind.CHECKPOINT_MISMATCH,
            f"the row's hash {(stored or '(none)')[:12]}… differs from the signed checkpoint's "
            f"{latest.chain_hash[:12]}…: history was rewritten",
        )
