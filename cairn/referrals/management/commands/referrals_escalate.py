"""`manage.py referrals_escalate`: the referral timers. Run it every few minutes (cron or
the scheduler): overdue MASH decisions and NRM reasonable-grounds decisions are flagged
to the referrer (and the MASH) once; PPU notifications not acknowledged in time are
escalated to every PPU / CSE co-ordinator and Hub chair of the receiving force."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.referrals.services import referrals_run_timers


class Command(BaseCommand):
    help = "Flag overdue referrals and escalate unacknowledged PPU notifications."

    def handle(self, *args: Any, **options: Any) -> None:
        result = referrals_run_timers()
        self.stdout.write(
            f"Flagged {result['flagged']} overdue referral(s); "
            f"escalated {result['escalated']} PPU notification(s)."
        )
