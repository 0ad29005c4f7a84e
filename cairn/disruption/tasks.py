"""Background jobs (django-tasks): raise due and overdue disruption reviews."""

from __future__ import annotations

from django_tasks import task

from .services import reminders


@task()
def raise_review_reminders() -> int:
    return reminders.raise_review_reminders()
