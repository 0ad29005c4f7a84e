"""`manage.py submit_keys_purge`: delete web form submit keys older than a day (run by
`run_timers`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.core.submit_keys import purge_expired


class Command(BaseCommand):
    help = "Delete web form submit keys older than 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Purged {purge_expired()} expired submit key(s).")
