"""Records the core app owns: the one-time submit keys of web forms (ADR 0015), and the
schedule and runs of background jobs (cairn/core/jobs.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class SubmitKey(models.Model):
    """A web form's one-time submit key, recorded with the result of the POST that first
    used it (the page it redirected to), in the same transaction as that POST's writes.
    One row per user and key: a second POST with the key (a double click, a resent form,
    three tabs) waits for the first on the unique index and is sent to the same page
    instead of creating the record again. Kept for a day (`submit_keys_purge`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_submit_key_per_user")
        ]
        verbose_name = "web form submit key"

    def __str__(self) -> str:
        return f"{self.key} -> {self.location or '(pending)'}"


class ScheduledJob(models.Model):
    """When a background job (cairn/core/jobs.py) next falls due. One row per job, locked
    by the scheduler that enqueues it, so several schedulers enqueue each run once."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()

    class Meta:
        verbose_name = "scheduled job"

    def __str__(self) -> str:
        return f"{self.name} at {self.next_run_at:%Y-%m-%d %H:%M}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Run now"
    CRON = "cron", "run_timers"


class JobRun(models.Model):
    """One run of a background job: when it was queued, ran and finished, and how it
    ended. `error` holds the exception's type and where it was raised, never its message
    (a database error's message can quote a row). Names no data subject."""

    job = models.CharField(max_length=64)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    # The schedule slot this run is for; unique per job, so a slot is never run twice.
    due_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "due_at"], name="core_job_run_once_per_slot")
        ]
        indexes = [
            models.Index(fields=["job", "-enqueued_at"], name="core_job_run_latest"),
            models.Index(fields=["status", "-enqueued_at"], name="core_job_run_status"),
        ]
        verbose_name = "background job run"

    def __str__(self) -> str:
        return f"{self.job} {self.status} ({self.enqueued_at:%Y-%m-%d %H:%M})"

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def duration_display(self) -> str:
        """ "0.4 s", "12 s", "3 min 5 s"; "" while unfinished."""
        if self.duration is None:
            return ""
        seconds = self.duration.total_seconds()
        if seconds < 10:
            return f"{seconds:.1f} s"
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if minutes else f"{rest} s"
