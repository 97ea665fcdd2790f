"""Fixtures: the small service of webapp.py, its client, and the JSON log lines of a test."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from libs.logging import RequestIdFilter, json_formatter
from libs.web.tests.webapp import create_app


@pytest.fixture
def app() -> Flask:
    """A fresh service without a database: each test starts with no notes and no metrics."""
    return create_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def log_lines() -> Iterator[object]:
    """The JSON lines the root logger writes while the test runs, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    saved_level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
