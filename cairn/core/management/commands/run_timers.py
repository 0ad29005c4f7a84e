"""`manage.py run_timers`: every timed job in one command, for one cron line. Runs
`referrals_escalate` (statutory referral clocks), `disruption_reminders`, `hub_reminders`,
`api_keys_purge` (expired API Idempotency-Keys), `submit_keys_purge` (expired web form
submit keys), `notifications_retry` (email and text message retries and delivery status)
and `audit_checkpoint` (signs the audit
chain head), in that order, each on its own so a failing job never stops the others;
prints one line per job and a summary, and exits non-zero if any job failed. Every job is
idempotent, so running them all every 15 minutes is safe."""

from __future__ import annotations

import logging
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# audit_checkpoint signs the audit chain head (ADR 0014): cheap, so every run, and last,
# so it covers what the other jobs wrote.
JOBS = (
    "referrals_escalate",
    "disruption_reminders",
    "hub_reminders",
    "api_keys_purge",
    "submit_keys_purge",
    "notifications_retry",
    "audit_checkpoint",
)

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run every timed job (referral clocks, disruption and Hub reminders, the audit "
        "checkpoint) once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed: list[str] = []
        for name in JOBS:
            out = StringIO()
            try:
                call_command(name, stdout=out)
            except Exception as exc:  # one job failing must not stop the others
                logger.exception("Timed job %s failed", name)
                failed.append(name)
                self.stderr.write(f"{name}: FAILED: {type(exc).__name__}: {exc}")
            else:
                result = " ".join(out.getvalue().split()) or "done"
                self.stdout.write(f"{name}: ok: {result}")
        ran = len(JOBS) - len(failed)
        summary = f"Timed jobs: {ran} of {len(JOBS)} succeeded"
        if failed:
            raise CommandError(f"{summary}; failed: {', '.join(failed)}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{summary}."))
