"""Background jobs (django-tasks): raise due and overdue disruption reviews."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def raise_review_reminders() -> int:
    return services.raise_review_reminders()
