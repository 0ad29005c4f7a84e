"""Schemas shared by every API router: the error bodies, and a base for request bodies
that refuses text a database cannot store or XML cannot carry (NUL and other control
characters, lone surrogates), anywhere in the body (inside dicts and lists too), and dates
outside the years a person could mean (0001-01-01 overflows time-zone arithmetic)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import field_validator

from cairn.core.text import MAX_ID, first_problem

__all__ = ["MAX_ID", "InputSchema", "error_responses"]

# Dates and times a record can sensibly hold: anything outside is a typing mistake or a
# probe, and dates near year 1 or 9999 overflow when shifted or converted to local time.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


def error_responses(*codes: int) -> dict[int, Any]:
    """The error responses an operation declares in OpenAPI (401, 403 and the rate
    limit's 429 always apply)."""
    out: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
    for code in codes:
        out[code] = ValidationErrorOut if code == 422 else ErrorOut
    return out


def check_storable(value: Any) -> Any:
    """`value` if every string in it (dict keys and values, list items) can be stored and
    every date is within EARLIEST_YEAR..LATEST_YEAR; otherwise a ValueError saying where."""
    found = first_problem(value)
    if found:
        where, problem = found
        raise ValueError(f"{problem} (at {'.'.join(map(str, where))})" if where else problem)
    if isinstance(value, dt.date) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


class InputSchema(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [check_storable(item) for item in value]
        return check_storable(value)
