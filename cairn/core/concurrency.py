"""Shared tools for writes that race: a row lock that refreshes the caller's object, and
the `Conflict` a service raises when someone else changed the record first.

Services lock the row they change (`lock`) before checking its state, so two requests
for the same record run one after the other and the second sees the first's result.
`Conflict` is a ValidationError, so forms that show a service's errors show it too; the
API answers it with 409 and the web with a page saying what happened (see ADR 0015)."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


class Conflict(ValidationError):
    """The record was changed by someone else while this request was in flight."""

    def __init__(self, message: str) -> None:
        super().__init__({NON_FIELD_ERRORS: [message]})
        self.message_text = message

    def __str__(self) -> str:
        return self.message_text


def lock(obj: M) -> M:
    """Take a row lock on `obj` for the rest of the transaction and reload its fields,
    so the state checked next is the committed one, not what the request read earlier.
    Raises the model's DoesNotExist if the row has gone (deleted by another request)."""
    manager = type(obj)._base_manager
    obj.refresh_from_db(from_queryset=manager.select_for_update())
    return obj
