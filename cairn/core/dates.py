"""Calendar arithmetic shared by the statutory clocks (python-dateutil, not hand-written)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier, if negative); the month's
    last day where that day does not exist (31 January + 1 month: 28 or 29 February), as
    the ICO reads the one-month limit."""
    return day + relativedelta(months=months)
