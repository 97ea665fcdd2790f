"""gunicorn's error and access logs come out as JSON lines through libs/logging."""

import json
import logging
from datetime import timedelta

import pytest
from gunicorn.config import Config

from libs.testing.logs import json_log_lines
from libs.web.gunicorn_logging import JsonLogger


class Response:
    """The two attributes of gunicorn's response that the access log reads."""

    status = "201 CREATED"
    headers: list[tuple[str, str]] = []


@pytest.fixture
def stream():
    gunicorn_loggers = [logging.getLogger(name) for name in ("gunicorn.error", "gunicorn.access")]
    saved = [(log, list(log.handlers), log.propagate) for log in gunicorn_loggers]
    with json_log_lines() as buffer:
        yield buffer
    for log, handlers, propagate in saved:
        log.handlers[:] = handlers
        log.propagate = propagate


def json_logger():
    config = Config()
    config.set("accesslog", "-")
    config.set("loglevel", "info")
    return JsonLogger(config)


def records(buffer):
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_error_log_records_are_json_and_nothing_else_is_written(stream, capsys):
    json_logger().info("Booting worker with pid: %s", 42)
    (record,) = records(stream)
    assert record["logger"] == "gunicorn.error"
    assert record["level"] == "INFO"
    assert record["message"] == "Booting worker with pid: 42"
    assert capsys.readouterr() == ("", "")


def test_each_request_is_one_json_record_with_its_fields(stream, capsys):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/items",
        "QUERY_STRING": "",
        "RAW_URI": "/api/v1/items",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.1.7",
        "HTTP_USER_AGENT": "ELB-HealthChecker/2.0",
        "HTTP_X_REQUEST_ID": "req-7",
    }
    json_logger().access(Response(), None, environ, timedelta(milliseconds=12.5))
    (record,) = records(stream)
    assert record["logger"] == "gunicorn.access"
    assert record["message"] == "POST /api/v1/items 201"
    assert record["method"] == "POST"
    assert record["path"] == "/api/v1/items"
    assert record["status"] == 201
    assert record["duration_ms"] == 12.5
    assert record["remote_addr"] == "10.0.1.7"
    assert record["request_id"] == "req-7"
    assert capsys.readouterr() == ("", "")


def test_no_access_records_when_the_access_log_is_off(stream):
    config = Config()
    logger = JsonLogger(config)
    logger.access(Response(), None, {"REQUEST_METHOD": "GET"}, timedelta(0))
    assert records(stream) == []
