"""One JSON line per log record on stdout, configured once per process."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from pythonjsonlogger.json import JsonEncoder, JsonFormatter

from libs.logging.context import get_request_id

_HANDLER_NAME = "libs.logging.json"


class RequestIdFilter(logging.Filter):
    """Adds the current request id to a record when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = get_request_id()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class _JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter, minus per-record work whose result never changes.

    It would build a JSON encoder per record and hand it a datetime to call back for; the
    line is the same with one encoder and the timestamp written as its ISO 8601 text.
    """

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
        )
        self._encode = JsonEncoder().encode

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        """The fields python-json-logger adds, then the record's time in UTC."""
        super().add_fields(log_data, record, message_dict)
        log_data["timestamp"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat()

    def jsonify_log_record(self, log_data: dict[str, Any]) -> str:
        """The fields as one line of JSON."""
        return self._encode(log_data)


def json_formatter() -> JsonFormatter:
    """The formatter every service uses: level, logger, message, extras and timestamp."""
    return _JsonLineFormatter()


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
