"""Background jobs (django-tasks): send the messages of notifications just committed."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver(delivery_ids: list[int]) -> int:
    """First try at each message; what fails waits for `notifications_retry`."""
    sent = 0
    for pk in delivery_ids:
        sent += services.delivery_attempt(delivery_id=pk) is not None
    return sent
