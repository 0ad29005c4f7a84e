"""add_months keeps the behaviour of the two hand-written versions it replaced (rights
and disruption): the same day N months on, clamped to the month's last day."""

from __future__ import annotations

import datetime as dt

import pytest

from cairn.core.dates import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),  # no 31 February: the last day
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 1, 31), 3, dt.date(2026, 4, 30)),  # CAWN hotel notice: 3 months
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),  # a year on from a leap day
        (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)),  # across the year end
        (dt.date(2026, 12, 20), 1, dt.date(2027, 1, 20)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),  # backwards, clamped too
        (dt.date(2026, 1, 15), -13, dt.date(2024, 12, 15)),
        (dt.date(2026, 5, 17), 0, dt.date(2026, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    result = add_months(day, months)
    assert result == expected
    assert type(result) is dt.date  # a date, never a datetime
