"""Structured logs for operations: one JSON object per line, with the request id (the
same id the audit rows of that request carry) and the channel, and one line per request
naming the view, never the path's query string or anything typed.

What a line may hold is fixed here: the message, the logger, the level, the request id
and channel, and the request fields below. An exception gives its type and where it was
raised (file, line, function), not its message: a database error's message can quote the
values of a row, and a log must never carry personal data."""

from __future__ import annotations

import json
import logging
import time
import traceback
from typing import Any

from .request_context import current_channel, current_request_id

# The fields the request line adds (`extra=`); nothing else from a record is written.
REQUEST_FIELDS = ("method", "view", "status", "ms", "user_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id() or getattr(record, "request_id", None),
            "channel": current_channel(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            line["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(line, ensure_ascii=False, default=str)
