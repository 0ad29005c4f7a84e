"""Background jobs (issue 17 #4): the registry and its schedules, the scheduler enqueueing
each due run once, runs recorded (a failure too, without its message), the status page
for system admins only, and "run now" audited and not doubled when pressed twice.

The test settings run tasks at once (django-tasks' immediate backend); the tests that
need a real queue switch to the database backend, whose tasks then wait, unrun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command, get_commands
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cairn.audit.models import AuditEvent
from cairn.core import jobs, selectors, services, tasks
from cairn.core.management.commands import run_timers
from cairn.core.models import JobRun, RunStatus, ScheduledJob, Trigger

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DB_QUEUE = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


# A Wednesday: no weekly job is due.
WEDNESDAY = at(2026, 3, 11, 10, 7)


@pytest.fixture
def db_queue() -> Iterator[None]:
    with DB_QUEUE:
        yield


# The registry and its schedules.


def test_every_job_has_its_task_and_command() -> None:
    assert set(tasks.BY_NAME) == set(jobs.BY_NAME)
    commands = get_commands()
    assert all(job.name in commands for job in jobs.JOBS)
    # run_timers runs the registry's timers, in its order, the audit checkpoint last.
    assert run_timers.JOBS == jobs.TIMERS
    assert jobs.TIMERS[-1] == "audit_checkpoint"
    assert "link_people" not in jobs.TIMERS
    assert jobs.BY_NAME["referrals_escalate"].schedule == jobs.Every(15)
    assert jobs.BY_NAME["link_people"].schedule == jobs.Weekly(weekday=6, hour=3)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 11, 10, 7), at(2026, 3, 11, 10, 15)),
        (at(2026, 3, 11, 10, 15), at(2026, 3, 11, 10, 30)),  # a slot itself: the next one
        (at(2026, 3, 11, 23, 59), at(2026, 3, 12, 0, 0)),
    ],
)
def test_every_quarter_hour_lands_on_the_quarters(
    moment: dt.datetime, expected: dt.datetime
) -> None:
    assert jobs.Every(15).next_after(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (WEDNESDAY, at(2026, 3, 15, 3, 0)),
        # The clocks go forward at 01:00 on 29 March 2026: still 03:00 on the wall (BST).
        (at(2026, 3, 22, 3, 0), at(2026, 3, 29, 3, 0)),
        (at(2026, 3, 29, 2, 59), at(2026, 3, 29, 3, 0)),
        # And back on 25 October 2026 (GMT).
        (at(2026, 10, 24, 12, 0), at(2026, 10, 25, 3, 0)),
    ],
)
def test_weekly_is_sunday_three_am_uk_time(moment: dt.datetime, expected: dt.datetime) -> None:
    slot = jobs.Weekly(weekday=6, hour=3).next_after(moment)
    assert slot == expected
    assert slot.astimezone(LONDON).strftime("%a %H:%M") == "Sun 03:00"


def test_a_schedule_must_repeat_each_hour() -> None:
    with pytest.raises(ValueError):
        jobs.Every(7)


# The scheduler.


def test_scheduler_enqueues_due_jobs_once_and_moves_their_next_run(db_queue: None) -> None:
    first = services.scheduler_tick(now=WEDNESDAY)
    assert first == []  # a new schedule starts at each job's next slot
    due = dict(ScheduledJob.objects.values_list("name", "next_run_at"))
    assert due["referrals_escalate"] == at(2026, 3, 11, 10, 15)
    assert due["link_people"] == at(2026, 3, 15, 3, 0)

    runs = services.scheduler_tick(now=at(2026, 3, 11, 10, 16))
    assert [run.job for run in runs] == list(jobs.TIMERS)
    assert all(run.due_at == at(2026, 3, 11, 10, 15) for run in runs)
    assert all(run.trigger == Trigger.SCHEDULE and run.status == RunStatus.QUEUED for run in runs)
    queued = DBTaskResult.objects.filter(status="READY")
    assert sorted(queued.values_list("task_path", flat=True)) == sorted(
        f"cairn.core.tasks.{name}" for name in jobs.TIMERS
    )
    # Each task carries its run, and each run its task.
    for run in JobRun.objects.all():
        task = queued.get(pk=run.task_id)
        assert task.args_kwargs == {"args": [], "kwargs": {"run_id": run.pk}}
    assert ScheduledJob.objects.get(name="hub_reminders").next_run_at == at(2026, 3, 11, 10, 30)

    # The same moment again, or a second scheduler: nothing more.
    assert services.scheduler_tick(now=at(2026, 3, 11, 10, 16)) == []
    assert JobRun.objects.count() == len(jobs.TIMERS)
    assert DBTaskResult.objects.count() == len(jobs.TIMERS)


def test_a_scheduler_down_for_hours_runs_a_missed_job_once(db_queue: None) -> None:
    services.scheduler_tick(now=WEDNESDAY)
    runs = services.scheduler_tick(now=at(2026, 3, 11, 16, 40))
    assert len(runs) == len(jobs.TIMERS)
    assert ScheduledJob.objects.get(name="hub_reminders").next_run_at == at(2026, 3, 11, 16, 45)


def test_the_weekly_linkage_is_queued_on_sunday_only(db_queue: None) -> None:
    services.scheduler_tick(now=WEDNESDAY)
    saturday = services.scheduler_tick(now=at(2026, 3, 14, 23, 59))
    assert "link_people" not in [run.job for run in saturday]
    sunday = services.scheduler_tick(now=at(2026, 3, 15, 3, 0))
    assert [run.job for run in sunday] == [*jobs.TIMERS, "link_people"]  # 03:00 is a quarter
    assert ScheduledJob.objects.get(name="link_people").next_run_at == at(2026, 3, 22, 3, 0)


def test_run_scheduler_once(db_queue: None) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        call_command("run_scheduler", "--once", stdout=StringIO())
    out = StringIO()
    with time_machine.travel(at(2026, 3, 11, 10, 15), tick=False):
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().count("Queued ") == len(jobs.TIMERS)


# Running a job and recording it.


def test_the_worker_runs_a_queued_run_and_records_it(users: dict[str, Any]) -> None:
    """With the immediate backend the task runs as it is enqueued: each timer ran."""
    with time_machine.travel(WEDNESDAY, tick=False):
        services.scheduler_tick()
    with time_machine.travel(at(2026, 3, 11, 10, 15), tick=False):
        runs = services.scheduler_tick()
    assert len(runs) == len(jobs.TIMERS)
    done = {run.job: run for run in JobRun.objects.all()}
    assert {run.status for run in done.values()} == {RunStatus.SUCCEEDED}
    assert done["api_keys_purge"].summary == "Purged 0 expired Idempotency-Key(s)."
    assert done["hub_reminders"].started_at == at(2026, 3, 11, 10, 15)
    assert done["hub_reminders"].duration == dt.timedelta(0)
    assert done["hub_reminders"].task_id


def test_a_failing_job_is_recorded_without_its_message_and_the_others_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cairn.hub.management.commands import hub_reminders

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("Amber Testcase, 12 Acacia Road")

    monkeypatch.setattr(hub_reminders, "send_overdue_reminders", broken)
    services.scheduler_tick(now=WEDNESDAY)
    services.scheduler_tick(now=at(2026, 3, 11, 10, 15))
    runs = {run.job: run for run in JobRun.objects.all()}
    failed = runs.pop("hub_reminders")
    assert failed.status == RunStatus.FAILED
    assert failed.finished_at is not None
    assert failed.error.startswith("RuntimeError at ")
    assert "Amber" not in failed.error and "Acacia" not in failed.error
    # The ones queued after it still ran.
    assert {run.status for run in runs.values()} == {RunStatus.SUCCEEDED}
    assert "audit_checkpoint" in runs


def test_the_task_queue_keeps_no_message_of_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    from cairn.hub.management.commands import hub_reminders

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("Amber Testcase")

    monkeypatch.setattr(hub_reminders, "send_overdue_reminders", broken)
    result = tasks.hub_reminders.enqueue()
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "cairn.core.tasks.JobFailed"
    assert "Amber" not in result.errors[0].traceback
    assert "hub_reminders failed: RuntimeError at " in result.errors[0].traceback


def test_a_run_delivered_twice_runs_once(db_queue: None) -> None:
    services.scheduler_tick(now=WEDNESDAY)
    services.scheduler_tick(now=at(2026, 3, 11, 10, 15))
    run = JobRun.objects.get(job="audit_checkpoint")
    first = services.job_execute(name="audit_checkpoint", run_id=run.pk)
    assert first.status == RunStatus.SUCCEEDED
    checkpoints = AuditEvent.objects.filter(event="audit.checkpointed").count()
    again = services.job_execute(name="audit_checkpoint", run_id=run.pk)
    assert again.pk == run.pk and again.status == RunStatus.SUCCEEDED
    assert AuditEvent.objects.filter(event="audit.checkpointed").count() == checkpoints


def test_run_timers_records_its_runs(users: dict[str, Any]) -> None:
    call_command("run_timers", stdout=StringIO())
    runs = JobRun.objects.order_by("pk")
    assert [run.job for run in runs] == list(jobs.TIMERS)
    assert {(run.trigger, run.status) for run in runs} == {(Trigger.CRON, RunStatus.SUCCEEDED)}
    # With cron there is no schedule, but the status page still shows the last runs.
    statuses = {s.job.name: s for s in selectors.job_statuses(users["system_admin"])}
    assert statuses["hub_reminders"].last_run == runs.get(job="hub_reminders")
    assert statuses["hub_reminders"].next_run_at is None


def test_old_runs_are_cleared_out(db_queue: None) -> None:
    old = JobRun.objects.create(
        job="hub_reminders", trigger=Trigger.CRON, enqueued_at=WEDNESDAY - dt.timedelta(days=91)
    )
    services.scheduler_tick(now=WEDNESDAY)
    services.scheduler_tick(now=at(2026, 3, 11, 10, 15))
    assert not JobRun.objects.filter(pk=old.pk).exists()


# The status page.


def test_status_page_empty_then_with_runs(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["system_admin"])
    url = reverse("core:jobs")
    page = client.get(url).content.decode()
    assert 'data-testid="jobs-empty"' in page
    assert page.count("Not run yet") == len(jobs.JOBS)
    assert 'data-testid="no-failures"' in page

    with time_machine.travel(WEDNESDAY, tick=False):
        services.scheduler_tick()
    with time_machine.travel(at(2026, 3, 11, 10, 15), tick=False):
        services.scheduler_tick()
        page = client.get(url).content.decode()
    assert 'data-testid="jobs-empty"' not in page
    assert page.count("Not run yet") == 1  # the weekly linkage
    assert page.count("govuk-tag--green") == len(jobs.TIMERS)
    assert "11 Mar 2026 10:30" in page  # the timers' next run
    assert "15 Mar 2026 03:00" in page  # the linkage's
    assert "Every Sunday at 03:00" in page
    assert '<th scope="row" class="govuk-table__header">Referral clocks' in page
    assert 'data-testid="task-queue"' in page


def test_status_page_shows_failures_and_a_lost_run(client: Client, users: dict[str, Any]) -> None:
    JobRun.objects.create(
        job="hub_reminders",
        trigger=Trigger.SCHEDULE,
        status=RunStatus.FAILED,
        enqueued_at=at(2026, 3, 11, 9, 0),
        started_at=at(2026, 3, 11, 9, 0),
        finished_at=at(2026, 3, 11, 9, 0, 2),
        error="OperationalError at cairn/hub/services.py:10 in send",
    )
    JobRun.objects.create(
        job="link_people",
        trigger=Trigger.SCHEDULE,
        status=RunStatus.RUNNING,
        enqueued_at=at(2026, 3, 8, 3, 0),
    )
    client.force_login(users["system_admin"])
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get(reverse("core:jobs")).content.decode()
    assert 'data-testid="job-failures"' in page
    assert page.count("OperationalError at cairn/hub/services.py:10 in send") == 2
    assert "2.0 s" in page
    assert "No result" in page and "is the worker running?" in page


def test_status_page_queries_do_not_grow_with_runs(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["system_admin"])
    url = reverse("core:jobs")
    services.scheduler_tick(now=WEDNESDAY)
    services.scheduler_tick(now=at(2026, 3, 11, 10, 15))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for hour in range(11, 14):
        services.scheduler_tick(now=at(2026, 3, 11, hour, 0))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("role", ["ig_admin", "hub_chair", "analyst", "practitioner"])
def test_status_page_and_run_now_are_for_system_admins_only(
    client: Client, users: dict[str, Any], role: str
) -> None:
    client.force_login(users[role])
    assert client.get(reverse("core:jobs")).status_code == 404
    response = client.post(reverse("core:job-run", args=["hub_reminders"]))
    assert response.status_code == 404
    assert not JobRun.objects.exists()
    assert "Background jobs" not in client.get(reverse("core:home")).content.decode()


def test_task_queue_depth_counts_by_status(db_queue: None) -> None:
    assert selectors.task_queue_depth() == {
        "READY": 0,
        "RUNNING": 0,
        "FAILED": 0,
        "SUCCESSFUL": 0,
    }
    tasks.hub_reminders.enqueue()
    tasks.api_keys_purge.enqueue()
    assert selectors.task_queue_depth()["READY"] == 2


# Run now.


def test_run_now_is_audited_and_runs_the_job(client: Client, users: dict[str, Any]) -> None:
    admin = users["system_admin"]
    client.force_login(admin)
    response = client.post(reverse("core:job-run", args=["api_keys_purge"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:jobs")
    run = JobRun.objects.get()
    assert (run.job, run.trigger, run.requested_by) == ("api_keys_purge", Trigger.MANUAL, admin)
    assert run.status == RunStatus.SUCCEEDED  # the immediate backend ran it
    event = AuditEvent.objects.get(event="jobs.run_requested")
    assert event.actor == admin
    assert event.object_id == str(run.pk)
    assert event.details == {"job": "api_keys_purge"}
    page = client.get(response["Location"]).content.decode()
    assert "API idempotency keys clear-out has been queued to run now." in page
    assert f"Run now by {admin}" in page


def test_run_now_pressed_twice_queues_one_run(
    db_queue: None, client: Client, users: dict[str, Any]
) -> None:
    client.force_login(users["system_admin"])
    url = reverse("core:job-run", args=["hub_reminders"])
    client.post(url)
    second = client.post(url, follow=True)
    assert "Hub action reminders is already queued or running" in second.content.decode()
    assert JobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert AuditEvent.objects.filter(event="jobs.run_requested").count() == 1


def test_run_now_after_a_lost_run_queues_another(db_queue: None, users: dict[str, Any]) -> None:
    admin = users["system_admin"]
    with time_machine.travel(WEDNESDAY - dt.timedelta(hours=7), tick=False):
        services.job_run_now(actor=admin, name="hub_reminders")
    with time_machine.travel(WEDNESDAY, tick=False):
        _, queued = services.job_run_now(actor=admin, name="hub_reminders")
    assert queued
    assert JobRun.objects.count() == 2


def test_run_now_for_an_unknown_job_is_not_found(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["system_admin"])
    assert client.post(reverse("core:job-run", args=["rm_rf"])).status_code == 404
    assert client.get(reverse("core:job-run", args=["hub_reminders"])).status_code == 405
