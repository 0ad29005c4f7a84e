"""Schemas shared by every API router: the error bodies, and a base for request bodies
that refuses text a database cannot store (NUL characters, lone surrogates)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import field_validator

# Largest primary key a database integer column holds; larger ids are a 422, not a crash.
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


def error_responses(*codes: int) -> dict[int, Any]:
    """The error responses an operation declares in OpenAPI (401 and 403 always apply)."""
    out: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
    for code in codes:
        out[code] = ValidationErrorOut if code == 422 else ErrorOut
    return out


def check_storable_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode") from None
    return value


class InputSchema(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return check_storable_text(value)
        return value
