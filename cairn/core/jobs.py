"""The one list of background jobs and when each runs. The scheduler
(`cairn.core.services.scheduler_tick`, run by `manage.py run_scheduler`) enqueues each job
as a django-tasks task (`cairn.core.tasks`) when it falls due; `manage.py run_timers` runs
the timers from cron instead. Each job is a management command, so the task, cron and a
person at a shell all run the same code.

Times are wall-clock times in the Hub's time zone (settings.TIME_ZONE), so "Sunday 03:00"
stays 03:00 across the clock changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Every:
    """Every `minutes` minutes, on the multiples of it past the hour (every 15 minutes:
    :00, :15, :30, :45), so every scheduler agrees on the slots."""

    minutes: int

    def __post_init__(self) -> None:
        if not 0 < self.minutes <= 60 or 60 % self.minutes:
            raise ValueError("Every(minutes): a divisor of 60, so the slots repeat each hour")

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        step = dt.timedelta(minutes=self.minutes)
        hour = moment.replace(minute=0, second=0, microsecond=0)
        return hour + step * ((moment - hour) // step + 1)

    def describe(self) -> str:
        return f"Every {self.minutes} minutes"


@dataclass(frozen=True)
class Weekly:
    """Once a week at a local wall-clock time; weekday as in `date.weekday()` (6: Sunday)."""

    weekday: int
    hour: int
    minute: int = 0

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        zone = timezone.get_default_timezone()
        local = moment.astimezone(zone)
        day = local.date() + dt.timedelta(days=(self.weekday - local.weekday()) % 7)
        while True:
            slot = dt.datetime.combine(day, dt.time(self.hour, self.minute), tzinfo=zone)
            if slot > moment:
                return slot.astimezone(dt.UTC)
            day += dt.timedelta(days=7)

    def describe(self) -> str:
        day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        return f"Every {day[self.weekday]} at {self.hour:02d}:{self.minute:02d}"


Schedule = Every | Weekly


@dataclass(frozen=True)
class Job:
    name: str  # the management command, and the task's name
    title: str
    description: str
    schedule: Schedule
    timer: bool = True  # run by `run_timers` too (the cron route)


QUARTER_HOUR = Every(15)

# In run order: audit_checkpoint last, so each round's checkpoint covers what the other
# timers wrote (ADR 0014).
JOBS: tuple[Job, ...] = (
    Job(
        "referrals_escalate",
        "Referral clocks",
        "Flags referrals past their statutory deadline and escalates them.",
        QUARTER_HOUR,
    ),
    Job(
        "disruption_reminders",
        "Disruption reminders",
        "Raises reminders for CAWN and marker reviews that are due.",
        QUARTER_HOUR,
    ),
    Job(
        "hub_reminders",
        "Hub action reminders",
        "Reminds owners of Hub actions that are overdue.",
        QUARTER_HOUR,
    ),
    Job(
        "api_keys_purge",
        "API idempotency keys clear-out",
        "Deletes API Idempotency-Key records older than a day.",
        QUARTER_HOUR,
    ),
    Job(
        "submit_keys_purge",
        "Web form submit keys clear-out",
        "Deletes web form submit keys older than a day.",
        QUARTER_HOUR,
    ),
    Job(
        "notifications_retry",
        "Email and text message retries",
        "Sends messages still waiting or due a retry, and asks GOV.UK Notify what became of "
        "those sent.",
        QUARTER_HOUR,
    ),
    Job(
        "audit_checkpoint",
        "Audit checkpoint",
        "Signs the head of the audit chain, so a shortened log is detected.",
        QUARTER_HOUR,
    ),
    Job(
        "link_people",
        "Duplicate people search",
        "Retrains the person-matching model and fills the duplicate review queue. Merges nothing.",
        Weekly(weekday=6, hour=3),
        timer=False,
    ),
)

BY_NAME: dict[str, Job] = {job.name: job for job in JOBS}
TIMERS: tuple[str, ...] = tuple(job.name for job in JOBS if job.timer)


def get(name: str) -> Job | None:
    return BY_NAME.get(name)
