"""Working-day arithmetic across weekends and England bank holidays, and the clocks the
services set from it (time-machine freezes "now")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cairn.referrals.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    next_working_day,
    working_days_between,
    working_deadline,
)

LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_bank_holidays_of_england() -> None:
    days = bank_holidays(2026)
    assert dt.date(2026, 4, 3) in days  # Good Friday
    assert dt.date(2026, 4, 6) in days  # Easter Monday
    assert dt.date(2026, 12, 28) in days  # Boxing Day substitute (26th is a Saturday)
    assert dt.date(2026, 3, 17) not in days  # St Patrick's Day: Northern Ireland only
    assert dt.date(2026, 11, 30) not in days  # St Andrew's Day: Scotland only


def test_working_days() -> None:
    assert is_working_day(dt.date(2026, 11, 27))  # Friday
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 12, 25))
    assert next_working_day(dt.date(2026, 11, 27)) == dt.date(2026, 11, 30)
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)  # over Easter
    assert add_working_days(dt.date(2026, 11, 23), 5) == dt.date(2026, 11, 30)
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 29)) == 1
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 1, 5), -1)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (at(2026, 11, 24, 10, 30), 1, at(2026, 11, 25, 10, 30)),  # Tuesday -> Wednesday
        (at(2026, 11, 27, 15, 0), 1, at(2026, 11, 30, 15, 0)),  # Friday -> Monday
        (at(2026, 11, 28, 11, 0), 1, at(2026, 12, 1, 0, 0)),  # Saturday -> end of Monday
        (at(2026, 4, 2, 16, 0), 1, at(2026, 4, 7, 16, 0)),  # Thursday before Easter
        (at(2026, 12, 24, 9, 0), 1, at(2026, 12, 29, 9, 0)),  # Christmas Eve
        (at(2026, 12, 25, 9, 0), 1, at(2026, 12, 30, 0, 0)),  # Christmas Day
        (at(2026, 5, 21, 12, 0), 5, at(2026, 5, 29, 12, 0)),  # NRM over Spring bank holiday
        (at(2026, 3, 27, 12, 0), 1, at(2026, 3, 30, 12, 0)),  # across the clocks changing
    ],
)
def test_working_deadline(start: dt.datetime, n: int, due: dt.datetime) -> None:
    assert working_deadline(start, n) == due


def test_working_deadline_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError):
        working_deadline(dt.datetime(2026, 1, 5, 9, 0), 1)


@pytest.mark.django_db
def test_mash_clock_over_a_bank_holiday_weekend(
    send: Callable[..., Any], users: dict[str, Any]
) -> None:
    """Sent on the Thursday before Easter: due on the Tuesday; overdue only after that."""
    with time_machine.travel(at(2026, 4, 2, 16, 0), tick=False):
        referral = send("mash")
    assert referral.due_at == at(2026, 4, 7, 16, 0)
    assert not referral.is_overdue(at(2026, 4, 6, 23, 0))  # Easter Monday: not yet
    assert referral.is_overdue(at(2026, 4, 7, 16, 1))


@pytest.mark.django_db
def test_nrm_clock_is_five_working_days(send: Callable[..., Any]) -> None:
    with time_machine.travel(at(2026, 5, 21, 12, 0), tick=False):
        referral = send("nrm")
    assert referral.due_at == at(2026, 5, 29, 12, 0)


@pytest.mark.django_db
def test_mash_decision_within_and_outside_the_clock(
    send: Callable[..., Any], users: dict[str, Any]
) -> None:
    from cairn.referrals import services

    with time_machine.travel(at(2026, 11, 27, 15, 0), tick=False):  # Friday
        in_time, late = send("mash"), send("mash")
    with time_machine.travel(at(2026, 11, 30, 14, 59), tick=False):  # Monday, in time
        ok = services.mash_decision_record(
            actor=users["mash_screener"], referral=in_time, outcome="early_help", rationale="EH"
        )
    with time_machine.travel(at(2026, 11, 30, 15, 1), tick=False):
        overdue = services.mash_decision_record(
            actor=users["mash_screener"], referral=late, outcome="nfa", rationale="No role"
        )
    assert ok.within_timescale is True
    assert overdue.within_timescale is False
