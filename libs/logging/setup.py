"""One JSON line per log record on stdout, configured once per process."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from libs.logging.context import get_request_id

_HANDLER_NAME = "libs.logging.json"


class RequestIdFilter(logging.Filter):
    """Adds the current request id to a record when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = get_request_id()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


def json_formatter() -> JsonFormatter:
    """The formatter every service uses: timestamp, level, logger, message and extras."""
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
    )


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route the root logger to one JSON handler; calling it again only updates the level."""
    root = logging.getLogger()
    root.setLevel(level)
    if any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
