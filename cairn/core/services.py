"""Writes for background jobs (cairn/core/jobs.py): the scheduler's tick, running a job
and recording how it went, and a system admin's "run now".

Exactly once: the tick locks the due `ScheduledJob` rows with SELECT ... FOR UPDATE SKIP
LOCKED, creates each `JobRun`, moves the job's next run on and enqueues its task in one
transaction, so a second scheduler (or a second worker running one) skips the rows the
first holds and then finds them no longer due. A unique (job, slot) index backs this up
where row locks do not exist (SQLite has one writer anyway). A run is claimed by a
conditional update before it runs, so a task delivered twice still runs once."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import traceback
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.types import Actor

from . import jobs, tasks
from .models import JobRun, RunStatus, ScheduledJob, Trigger

logger = logging.getLogger(__name__)

RUN_PERMISSION = "core.run_job"
# A run unfinished this long is taken to be lost (its worker stopped): it no longer holds
# back "run now". The weekly linkage takes minutes, not hours.
STALE_AFTER = dt.timedelta(hours=6)
KEEP_RUNS = dt.timedelta(days=90)
_CAIRN = Path(__file__).resolve().parent.parent


def safe_error(exc: BaseException) -> str:
    """The exception's type and where it was raised (the innermost Cairn frame), never its
    message: a database error's message can quote a row's values (as cairn/core/logs.py)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(_CAIRN)]
    where = ""
    if ours or frames:
        frame = (ours or frames)[-1]
        path = Path(frame.filename).resolve()
        name = path.relative_to(_CAIRN.parent) if path.is_relative_to(_CAIRN) else path.name
        where = f" at {name}:{frame.lineno} in {frame.name}"
    return f"{type(exc).__name__}{where}"[:300]


def _ensure_scheduled(now: dt.datetime) -> None:
    """A row for each job in the registry, first due at its next slot after `now`."""
    known = set(ScheduledJob.objects.values_list("name", flat=True))
    missing = [
        ScheduledJob(name=job.name, next_run_at=job.schedule.next_after(now))
        for job in jobs.JOBS
        if job.name not in known
    ]
    if missing:
        ScheduledJob.objects.bulk_create(missing, ignore_conflicts=True)


def _enqueue(run: JobRun) -> None:

    result = tasks.BY_NAME[run.job].enqueue(run_id=run.pk)
    # Update only the id: with the immediate backend (tests) the run has already finished.
    JobRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])


def scheduler_tick(*, now: dt.datetime | None = None) -> list[JobRun]:
    """Enqueue every job that is due, once; move each one's next run to its next slot
    after `now` (a scheduler that was down for hours runs a missed job once, not once per
    missed slot). Returns the runs it enqueued, in the registry's order."""
    now = now or timezone.now()
    _ensure_scheduled(now)
    order = {job.name: i for i, job in enumerate(jobs.JOBS)}
    runs: list[JobRun] = []
    with transaction.atomic():
        due = list(
            ScheduledJob.objects.select_for_update(skip_locked=True).filter(
                name__in=list(jobs.BY_NAME), next_run_at__lte=now
            )
        )
        for row in sorted(due, key=lambda r: order[r.name]):
            job = jobs.BY_NAME[row.name]
            try:
                with transaction.atomic():
                    run = JobRun.objects.create(
                        job=job.name,
                        trigger=Trigger.SCHEDULE,
                        due_at=row.next_run_at,
                        enqueued_at=now,
                    )
            except IntegrityError:  # this slot was already enqueued: move on
                run = None
            row.next_run_at = job.schedule.next_after(now)
            row.save(update_fields=["next_run_at"])
            if run is not None:
                runs.append(run)
        for run in runs:
            _enqueue(run)
    if runs:
        JobRun.objects.filter(enqueued_at__lt=now - KEEP_RUNS).delete()
    return runs


@contextlib.contextmanager
def _savepoint_if_in_transaction() -> Iterator[None]:
    """Inside a transaction (a test, the immediate backend) a savepoint keeps a failed
    job's database error from breaking the caller's transaction; outside one, the job keeps
    its own transactions, so the weekly linkage holds none open for minutes."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


def job_execute(*, name: str, run_id: int | None = None, trigger: str = Trigger.CRON) -> JobRun:
    """Run job `name` now and record it: the queued run `run_id` (a task from the
    scheduler or "run now"), or a new run (cron's `run_timers`). A failed job is recorded
    as failed and its exception raised again, for the caller to report. A run that is no
    longer queued (the same task delivered twice) is left alone."""
    job = jobs.BY_NAME[name]
    started = timezone.now()
    if run_id is None:
        run = JobRun.objects.create(
            job=job.name, trigger=trigger, enqueued_at=started, status=RunStatus.QUEUED
        )
    else:
        found = JobRun.objects.filter(pk=run_id, job=job.name).first()
        if found is None:
            raise LookupError(f"No run {run_id} of {job.name}")
        run = found
    claimed = JobRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=started
    )
    if not claimed:
        run.refresh_from_db()
        return run
    out = StringIO()
    try:
        with _savepoint_if_in_transaction():
            call_command(job.name, stdout=out)
    except Exception as exc:
        logger.exception("Background job %s failed", job.name)
        _finish(run, status=RunStatus.FAILED, error=safe_error(exc))
        raise
    # The commands print counts and ids only (no names), so their output is safe to keep.
    _finish(run, status=RunStatus.SUCCEEDED, summary=" ".join(out.getvalue().split()) or "done")
    return run


def _finish(run: JobRun, *, status: str, summary: str = "", error: str = "") -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.summary = summary[:300]
    run.error = error[:300]
    run.save(update_fields=["status", "finished_at", "summary", "error"])


def job_run_now(*, actor: Actor, name: str) -> tuple[JobRun, bool]:
    """Queue job `name` now, for a system admin. Pressed twice (or by two admins at once)
    while a run is still queued or running, it returns that run instead of queueing
    another: (the run, whether this call queued it)."""
    if not actor.has_perm(RUN_PERMISSION):
        raise PermissionDenied
    job = jobs.BY_NAME[name]
    now = timezone.now()
    _ensure_scheduled(now)
    with transaction.atomic():
        # The job's row serialises concurrent presses; the scheduler skips it meanwhile.
        ScheduledJob.objects.select_for_update().filter(name=job.name).first()
        pending = (
            JobRun.objects.filter(
                job=job.name,
                status__in=(RunStatus.QUEUED, RunStatus.RUNNING),
                enqueued_at__gte=now - STALE_AFTER,
            )
            .order_by("-enqueued_at")
            .first()
        )
        if pending is not None:
            return pending, False
        run = JobRun.objects.create(
            job=job.name, trigger=Trigger.MANUAL, requested_by=actor, enqueued_at=now
        )
        audit.record(
            actor=actor,
            event="jobs.run_requested",
            obj=run,
            justification=f"Run now: {job.title}",
            details={"job": job.name},
        )
        _enqueue(run)
    run.refresh_from_db()
    return run, True
