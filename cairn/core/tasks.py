"""The background jobs (cairn/core/jobs.py) as django-tasks tasks, one per job, each a
thin call to the same management command cron runs. The scheduler enqueues them with the
id of the run it recorded; the database worker (`manage.py db_worker`) runs them."""

from __future__ import annotations

from django_tasks import task
from django_tasks.base import Task

from . import services


class JobFailed(Exception):
    """A job failed. Raised in place of the job's own exception so the task queue keeps
    the type and place only: the original message could quote personal data."""


def _run(name: str, run_id: int | None) -> str:
    try:
        return services.job_execute(name=name, run_id=run_id).summary
    except Exception as exc:
        raise JobFailed(f"{name} failed: {services.safe_error(exc)}") from None


@task()
def referrals_escalate(run_id: int | None = None) -> str:
    return _run("referrals_escalate", run_id)


@task()
def disruption_reminders(run_id: int | None = None) -> str:
    return _run("disruption_reminders", run_id)


@task()
def hub_reminders(run_id: int | None = None) -> str:
    return _run("hub_reminders", run_id)


@task()
def api_keys_purge(run_id: int | None = None) -> str:
    return _run("api_keys_purge", run_id)


@task()
def submit_keys_purge(run_id: int | None = None) -> str:
    return _run("submit_keys_purge", run_id)


@task()
def notifications_retry(run_id: int | None = None) -> str:
    return _run("notifications_retry", run_id)


@task()
def audit_checkpoint(run_id: int | None = None) -> str:
    return _run("audit_checkpoint", run_id)


@task()
def link_people(run_id: int | None = None) -> str:
    return _run("link_people", run_id)


BY_NAME: dict[str, Task[..., str]] = {
    t.name: t
    for t in (
        referrals_escalate,
        disruption_reminders,
        hub_reminders,
        api_keys_purge,
        submit_keys_purge,
        notifications_retry,
        audit_checkpoint,
        link_people,
    )
}
