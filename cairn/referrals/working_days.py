"""Working-day arithmetic for statutory timescales (MASH: one working day; NRM reasonable
grounds: five working days). A working day is Monday to Friday and not an England bank
holiday (the `holidays` package, substitute days included). Pure functions: no database,
no clock; callers pass the moment they mean."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_deadline(start: dt.datetime, n: int) -> dt.datetime:
    """When a clock of `n` working days that starts at `start` (an aware datetime, read in
    its own time zone) runs out. Received on a working day: the same wall-clock time `n`
    working days later (Friday 15:00 + 1 = Monday 15:00). Received on a weekend or bank
    holiday: the clock starts at 00:00 on the next working day, so one working day runs to
    the end of that day."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    day, time = start.date(), start.timetz()
    if not is_working_day(day):
        day, time = next_working_day(day), dt.time(0, 0, tzinfo=start.tzinfo)
    end_day = add_working_days(day, n)
    return dt.datetime.combine(end_day, time.replace(tzinfo=None), tzinfo=start.tzinfo)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
