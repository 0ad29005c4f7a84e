"""Scheduler command: remind owners of overdue Hub actions (once per action)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.hub.services import send_overdue_reminders


class Command(BaseCommand):
    help = "Send in-app reminders for overdue Hub actions (idempotent: once per action)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_overdue_reminders()
        self.stdout.write(f"Reminders sent: {sent}")
