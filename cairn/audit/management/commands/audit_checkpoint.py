"""`manage.py audit_checkpoint`: sign the audit chain head (see cairn/audit/checkpoint.py).
Run by `run_timers`; safe to run as often as you like."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.audit import services as audit
from cairn.audit.checkpoint import write_checkpoint


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the audit chain head (an HMAC with "
        "CAIRN_AUDIT_CHECKPOINT_KEY). audit_verify then fails if the chain is ever shorter "
        "than, or disagrees with, the latest checkpoint."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = write_checkpoint()
        if checkpoint is None:
            self.stdout.write("The audit log is empty: no checkpoint written.")
            return
        audit.record_system(
            event="audit.checkpointed",
            justification="Audit chain head signed",
            details={"checkpoint": checkpoint.pk, "head_index": checkpoint.chain_index},
        )
        self.stdout.write(
            f"Checkpoint {checkpoint.pk}: head #{checkpoint.chain_index} "
            f"{checkpoint.chain_hash} signed."
        )
