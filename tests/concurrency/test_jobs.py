"""Background jobs with several schedulers and admins at once (issue 17 #4): two
schedulers checking at the same moment enqueue each due run once, and two "run now"
presses at once queue one run. Tasks go to the database queue and wait there, unrun."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from cairn.audit.models import AuditEvent
from cairn.core import jobs, services
from cairn.core.models import JobRun, ScheduledJob

from .conftest import ROUNDS, poster, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_queue"),
]

NOW = dt.datetime(2026, 3, 11, 10, 16, tzinfo=dt.UTC)  # a Wednesday: the timers only


@pytest.fixture
def database_queue() -> Any:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def test_two_schedulers_at_once_enqueue_each_run_once() -> None:
    for round_ in range(ROUNDS):
        now = NOW + dt.timedelta(minutes=15 * round_)
        services.scheduler_tick(now=dt.datetime(2026, 3, 11, 10, 0, tzinfo=dt.UTC))
        ScheduledJob.objects.filter(name__in=jobs.TIMERS).update(
            next_run_at=now - dt.timedelta(minutes=1)
        )

        outcomes = race(
            lambda now=now: services.scheduler_tick(now=now),
            lambda now=now: services.scheduler_tick(now=now),
            lambda now=now: services.scheduler_tick(now=now),
        )

        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        queued = sorted(run.job for o in outcomes for run in o.value)
        assert queued == sorted(jobs.TIMERS)
        due_at = now - dt.timedelta(minutes=1)
        assert JobRun.objects.filter(due_at=due_at).count() == len(jobs.TIMERS)
        assert DBTaskResult.objects.count() == len(jobs.TIMERS) * (round_ + 1)


def test_two_admins_pressing_run_now_at_once_queue_one_run(users: dict[str, Any]) -> None:
    from django.urls import reverse

    from cairn.accounts.roles import Role

    admin = users[Role.SYSTEM_ADMIN.value]
    url = reverse("core:job-run", args=["hub_reminders"])
    for round_ in range(ROUNDS):
        outcomes = race(poster(admin, url), poster(admin, url))

        assert all(o.ok and o.value.status_code == 302 for o in outcomes), outcomes
        assert JobRun.objects.filter(job="hub_reminders").count() == round_ + 1
        assert AuditEvent.objects.filter(event="jobs.run_requested").count() == round_ + 1
        # The worker takes it (here: marked done), so the next round's press queues anew.
        JobRun.objects.update(status="succeeded")
