"""Log records come out as one JSON object per line, with the request id when set."""

import json
import logging
import sys
from datetime import UTC, datetime
from enum import Enum

import pytest
from pythonjsonlogger.json import JsonFormatter

from libs.logging import configure_logging, json_formatter, reset_request_id, set_request_id
from libs.testing.logs import json_log_lines


@pytest.fixture
def stream():
    with json_log_lines() as buffer:
        yield buffer


def lines(buffer):
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_each_record_is_one_json_line_with_the_standard_fields(stream):
    logging.getLogger("orders").warning("stock low: %s left", 3)
    (record,) = lines(stream)
    assert record["level"] == "WARNING"
    assert record["logger"] == "orders"
    assert record["message"] == "stock low: 3 left"
    assert record["timestamp"].endswith("+00:00")
    assert "request_id" not in record


def test_request_id_is_added_while_set(stream):
    token = set_request_id("req-123")
    try:
        logging.getLogger("api").info("handled")
    finally:
        reset_request_id(token)
    logging.getLogger("api").info("after")
    first, second = lines(stream)
    assert first["request_id"] == "req-123"
    assert "request_id" not in second


def test_extra_fields_are_kept(stream):
    logging.getLogger("api").info("access", extra={"status": 201, "path": "/items"})
    (record,) = lines(stream)
    assert record["status"] == 201
    assert record["path"] == "/items"


def test_configuring_twice_keeps_one_handler_and_updates_the_level(stream):
    configure_logging("ERROR")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "libs.logging.json"]
    assert len(ours) == 1
    logging.getLogger("api").warning("dropped")
    logging.getLogger("api").error("kept")
    assert [record["message"] for record in lines(stream)] == ["kept"]


def test_exceptions_carry_their_traceback(stream):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("api").exception("failed")
    (record,) = lines(stream)
    assert "ValueError: boom" in record["exc_info"]


def _record(**options):
    try:
        raise ValueError("boom")
    except ValueError:
        error = sys.exc_info()
    records = {
        "args": ("%s of %d ☃", ("one", 2), None, None),
        "exception": ("failed", (), error, None),
        "stack": ("here", (), None, "Stack (most recent call last):\n  here"),
        "dict message": ({"name": "shadowed", "key": [1, 2]}, (), None, None),
    }
    msg, args, exc_info, stack = records[options.pop("kind")]
    return logging.getLogger("api").makeRecord(
        "api", logging.WARNING, __file__, 1, msg, args, exc_info, sinfo=stack, extra=options
    )


@pytest.mark.parametrize("kind", ["args", "exception", "stack", "dict message"])
def test_lines_are_python_json_loggers_own(kind):
    record = _record(
        kind=kind,
        when=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        level=Enum("Level", "LOW").LOW,
        raw=b"\xff",
        _private=1,
    )
    theirs = JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
    )
    assert json_formatter().format(record) == theirs.format(record)
