"""Shared cleaning of text and ids from outside: what a database, a web page or an
analyst's XML file cannot hold is refused (API) or removed (web forms) on the way in,
and scrubbed on the way out so anything stored before these checks still renders."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import Http404

# C0 control characters other than tab, line feed and carriage return: invisible, never
# typed on purpose (they arrive pasted from other systems) and illegal in XML 1.0.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Lone UTF-16 surrogates: a JSON "\ud800" escape decodes to one, but UTF-8 cannot encode
# it, so PostgreSQL refuses it and a page showing it cannot be sent.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Characters XML 1.0 forbids anywhere (controls, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Largest primary key a database integer column holds.
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored, in words for the person who sent it, or None."""
    if "\x00" in value:
        return "Text must not contain NUL characters"
    if _SURROGATES.search(value):
        return "Text must be valid Unicode"
    if _CONTROLS.search(value):
        return "Text must not contain control characters"
    return None


def says_too_little(value: str, min_length: int = 10) -> bool:
    """True for a reason or finding that says nothing a later reader could use: under
    `min_length` characters, or fewer than half that many letters or digits ("x", "n/a",
    a row of dots)."""
    text = value.strip()
    meaningful = re.sub(r"[^\w]|_", "", text)
    return len(text) < min_length or len(meaningful) < min_length // 2


def strip_controls(value: str) -> str:
    """`value` without C0 control characters (tab and line breaks are kept)."""
    return _CONTROLS.sub("", value)


def for_xml(value: str) -> str:
    """`value` with the characters XML 1.0 cannot carry removed."""
    return _NOT_XML.sub("", value)


def scrub_surrogates(value: str) -> str:
    """`value` with any lone surrogate replaced by U+FFFD, so it can be encoded."""
    return _SURROGATES.sub("\ufffd", value)


def first_problem(
    value: Any, path: tuple[str | int, ...] = ()
) -> tuple[tuple[str | int, ...], str] | None:
    """The first string inside `value` (a str, or dicts and lists of them, keys included)
    that cannot be stored: (where, why), or None."""
    if isinstance(value, str):
        problem = text_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = first_problem(key, path) if isinstance(key, str) else None
            found = found or first_problem(item, (*path, str(key)))
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = first_problem(item, (*path, index))
            if found:
                return found
    return None


def as_id(value: Any) -> int | None:
    """A database id from a path, query string or form (ASCII digits, in the range a
    bigint holds), or None: '²', '-1', '0' and 2**70 are not ids."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """`<id:name>` in URL patterns: a positive id a bigint column can hold; anything else
    does not match, so the page is a 404 before any query runs."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def require_id(value: Any) -> int:
    """`value` as an id, or a 404 (like a record that does not exist) if it cannot be one."""

    number = as_id(value)
    if number is None:
        raise Http404("Not found.")
    return number


def is_digits(value: Any) -> bool:
    """True for a short run of ASCII digits, so int(value) cannot fail ('²'.isdigit() is
    True, but int('²') raises) and stays within what a bigint holds."""
    return isinstance(value, str) and bool(_ID.fullmatch(value))


def parse_date(value: Any) -> dt.date | None:
    """A date from JSON-like input (an ISO date string, a date, or nothing for None);
    ValueError when it is not a real date."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
