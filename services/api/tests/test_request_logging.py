"""The API's request ids and access lines: the user a token names, the api.* logger names."""

import io
import json
import logging

import pytest

from libs.logging import RequestIdFilter, json_formatter

URL = "/api/v1/items"


@pytest.fixture
def log_lines():
    """The JSON lines the root logger writes while the test runs, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_valid_request_id_is_kept_and_echoed(client):
    response = client.get(URL, headers={"X-Request-ID": "req-42.abc:def_1"})
    assert response.headers["X-Request-ID"] == "req-42.abc:def_1"


def test_the_access_line_has_method_route_status_duration_and_user(
    auth_client, client, user, log_lines
):
    user_id = user.id
    auth_client.get(f"{URL}/9999")
    client.get(URL)
    access = [line for line in log_lines() if line["logger"] == "api.access"]
    assert len(access) == 2
    authenticated, anonymous = access
    assert (authenticated["method"], authenticated["route"], authenticated["status"]) == (
        "GET",
        "/api/v1/items/<int:item_id>",
        404,
    )
    assert authenticated["user_id"] == user_id
    assert isinstance(authenticated["duration_ms"], float)
    assert authenticated["duration_ms"] >= 0
    assert (anonymous["route"], anonymous["status"]) == (URL, 401)
    assert anonymous["user_id"] is None


def test_an_error_response_logs_the_same_request_id_it_returns(probe_client, log_lines):
    response = probe_client.get("/probe/fail")
    lines = log_lines()
    (error,) = (line for line in lines if line["logger"] == "api.errors")
    (access,) = (line for line in lines if line["logger"] == "api.access")
    assert error["request_id"] == access["request_id"] == response.get_json()["request_id"]
    assert "Traceback" in error["exc_info"]
