"""`manage.py run_timers`: every timed job in one command, for one cron line. Runs
`referrals_escalate` (statutory referral clocks), `disruption_reminders`, `hub_reminders`,
`api_keys_purge` (expired API Idempotency-Keys), `submit_keys_purge` (expired web form
submit keys), `notifications_retry` (email and text message retries and delivery status)
and `audit_checkpoint` (signs the audit
chain head), in that order, each on its own so a failing job never stops the others;
prints one line per job and a summary, and exits non-zero if any job failed. Every job is
idempotent, so running them all every 15 minutes is safe.

This is the cron route; the default is the database worker with `run_scheduler`
(docs/deployment.md). The list is the registry's (cairn/core/jobs.py), and each run is
recorded as the scheduler's are, so the admins' status page shows cron's runs too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairn.core import jobs, services
from cairn.core.models import Trigger

JOBS = jobs.TIMERS


class Command(BaseCommand):
    help = (
        "Run every timed job (referral clocks, disruption and Hub reminders, the audit "
        "checkpoint) once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed: list[str] = []
        for name in JOBS:
            try:
                run = services.job_execute(name=name, trigger=Trigger.CRON)
            except Exception as exc:  # one job failing must not stop the others (it is logged)
                failed.append(name)
                self.stderr.write(f"{name}: FAILED: {type(exc).__name__}: {exc}")
            else:
                self.stdout.write(f"{name}: ok: {run.summary}")
        ran = len(JOBS) - len(failed)
        summary = f"Timed jobs: {ran} of {len(JOBS)} succeeded"
        if failed:
            raise CommandError(f"{summary}; failed: {', '.join(failed)}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{summary}."))
