"""Raise due and overdue disruption reviews (markers, CAWNs, orders, plans) into their
owners' inboxes. Safe to run as often as you like: a reminder is raised once per item,
review date and stage. Schedule it daily (cron), or enqueue the django-tasks job
`cairn.disruption.tasks.raise_review_reminders`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.disruption.services import reminders
from cairn.disruption.tasks import raise_review_reminders


class Command(BaseCommand):
    help = "Raise due and overdue disruption review reminders (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue the django-tasks job instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = raise_review_reminders.enqueue()
            self.stdout.write(f"Enqueued review reminders job {result.id}.")
            return
        raised = reminders.raise_review_reminders()
        self.stdout.write(f"Raised {raised} review reminder(s).")
