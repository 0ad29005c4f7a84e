"""`manage.py notifications_retry`: send the email and text messages that are due (retries
with backoff, and first tries no task worker ran) and refresh GOV.UK Notify's delivery
status of those sent (run by `run_timers`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.notifications.services import deliveries_run


class Command(BaseCommand):
    help = "Send due email and text messages and refresh their delivery status."

    def handle(self, *args: Any, **options: Any) -> None:
        done = deliveries_run()
        self.stdout.write(
            f"Tried {done['sent']} message(s); refreshed {done['refreshed']} status(es)."
        )
