"""Small helpers that keep generated prose English: places typed by users ("Outside the
Co-op") and ISO dates stored in drafts."""

from __future__ import annotations

import datetime as dt

# Words a user starts a place with when it already says where ("outside the shop").
PLACE_PREPOSITIONS = frozenset(
    {
        "at", "in", "on", "near", "outside", "inside", "behind", "opposite", "by", "beside",
        "under", "around", "off", "next", "along", "across", "between", "within",
    }
)  # fmt: skip


def place_phrase(place: str) -> str:
    """'Outside the Co-op' -> 'outside the Co-op'; 'Beck Meadows Park' -> 'at Beck Meadows
    Park'. Empty in, empty out."""
    text = " ".join(place.split())
    if not text:
        return ""
    first = text.split(" ", 1)[0]
    if first.lower() in PLACE_PREPOSITIONS:
        return first.lower() + text[len(first) :]
    return f"at {text}"


def long_date(value: object) -> str:
    """A date (or an ISO date string from a draft) as '4 December 2026'; anything else as
    given, so a half-typed draft still shows what was typed."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)
