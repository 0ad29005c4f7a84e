"""`manage.py api_keys_purge`: delete API idempotency keys older than a day (run by
`run_timers`). Safe to run at any time: a key is only needed while a client may retry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.api_auth.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete API Idempotency-Key records older than 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Purged {purge_expired()} expired Idempotency-Key(s).")
