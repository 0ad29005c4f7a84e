"""The current request's id, available to services (e.g. the auditor) without threading
the request object through every call."""

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cairn_request_id", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(value: str | None) -> contextvars.Token[str | None]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


def current_request_id() -> str | None:
    return _request_id.get()


_channel: contextvars.ContextVar[str] = contextvars.ContextVar("cairn_channel", default="system")


def set_channel(value: str) -> contextvars.Token[str]:
    """How the current work arrived: 'web', 'api' or (outside requests) 'system'."""
    return _channel.set(value)


def reset_channel(token: contextvars.Token[str]) -> None:
    _channel.reset(token)


def current_channel() -> str:
    return _channel.get()
