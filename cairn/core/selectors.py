"""Reads for the background jobs status page (system admins only; anyone else gets 404,
as for a page that does not exist) and the task queue's depth (also read by /metrics)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Subquery
from django.http import Http404
from django.utils import timezone

from cairn.core.types import Actor

from . import jobs
from .models import JobRun, RunStatus, ScheduledJob
from .services import STALE_AFTER

VIEW_PERMISSION = "core.view_jobs"
RECENT_FAILURES = dt.timedelta(days=7)


def _require_admin(actor: Actor) -> None:
    if not actor.has_perm(VIEW_PERMISSION):
        raise Http404


def access_job(actor: Actor, name: str) -> jobs.Job:
    """The job called `name`, for a user who may see the jobs; else 404."""
    _require_admin(actor)
    job = jobs.get(name)
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class JobStatus:
    job: jobs.Job
    last_run: JobRun | None
    next_run_at: dt.datetime | None
    failures: int  # in the last RECENT_FAILURES
    lost: bool  # the last run never finished and is older than STALE_AFTER


def job_statuses(actor: Actor) -> list[JobStatus]:
    """Each job in the registry with its latest run, next run and recent failure count,
    in three queries whatever the number of runs."""
    _require_admin(actor)
    # Runs are numbered as they are queued, so the highest id is the latest. From the runs,
    # not the schedule: with cron (run_timers) there is no schedule, only runs.
    latest_ids = (
        JobRun.objects.filter(job__in=list(jobs.BY_NAME))
        .values("job")
        .annotate(latest=Max("pk"))
        .values_list("latest", flat=True)
    )
    runs = {run.job: run for run in JobRun.objects.filter(pk__in=Subquery(latest_ids))}
    scheduled = {row.name: row.next_run_at for row in ScheduledJob.objects.all()}
    since = timezone.now() - RECENT_FAILURES
    failures = dict(
        JobRun.objects.filter(status=RunStatus.FAILED, enqueued_at__gte=since)
        .values_list("job")
        .annotate(n=Count("pk"))
        .values_list("job", "n")
    )
    stale_before = timezone.now() - STALE_AFTER
    statuses = []
    for job in jobs.JOBS:
        last = runs.get(job.name)
        statuses.append(
            JobStatus(
                job=job,
                last_run=last,
                next_run_at=scheduled.get(job.name),
                failures=failures.get(job.name, 0),
                lost=bool(
                    last
                    and last.status in (RunStatus.QUEUED, RunStatus.RUNNING)
                    and last.enqueued_at < stale_before
                ),
            )
        )
    return statuses


def recent_failures(actor: Actor, *, limit: int = 10) -> list[JobRun]:
    """The latest failed runs of the last RECENT_FAILURES, newest first."""
    _require_admin(actor)
    since = timezone.now() - RECENT_FAILURES
    return list(
        JobRun.objects.filter(status=RunStatus.FAILED, enqueued_at__gte=since).order_by(
            "-enqueued_at"
        )[:limit]
    )


def task_queue_depth() -> dict[str, int]:
    """Tasks in the django-tasks database queue by status (READY, RUNNING, FAILED,
    SUCCESSFUL; a status with none is 0), in one query. Counts only, so no actor."""
    from django_tasks.base import TaskResultStatus  # noqa: PLC0415  (lazy: heavy library)
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415  (lazy: heavy library)

    counts = dict(
        DBTaskResult.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status.value: counts.get(status.value, 0) for status in TaskResultStatus}
