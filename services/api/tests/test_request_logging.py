"""Request ids on responses and on every log line of a request; one access-log line each."""

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


@pytest.mark.parametrize(
    "incoming",
    [None, "", "x" * 129, "has space", "new\\nline", 'quote"d', "ünï"],
)
def test_a_missing_or_unsafe_request_id_is_replaced(client, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    response = client.get(URL, headers=headers)
    generated = response.headers["X-Request-ID"]
    assert generated != incoming
    assert len(generated) == 32
    int(generated, 16)


def test_each_request_gets_its_own_id(client):
    first = client.get(URL).headers["X-Request-ID"]
    assert client.get(URL).headers["X-Request-ID"] != first


def test_every_log_line_of_a_request_carries_its_id(probe_client, log_lines):
    probe_client.get("/probe/log", headers={"X-Request-ID": "trace-1"})
    probe_client.get(URL, headers={"X-Request-ID": "trace-2"})
    logging.getLogger("probe").warning("between requests")
    lines = log_lines()
    inside = [line for line in lines if line["message"] == "inside the request"]
    assert [line["request_id"] for line in inside] == ["trace-1"]
    access = [line for line in lines if line["logger"] == "api.access"]
    assert [line["request_id"] for line in access] == ["trace-1", "trace-2"]
    (outside,) = (line for line in lines if line["message"] == "between requests")
    assert "request_id" not in outside


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


def test_an_unmatched_path_is_logged_under_one_route(client, log_lines):
    client.get("/no/such/path/123")
    (line,) = (line for line in log_lines() if line["logger"] == "api.access")
    assert line["route"] == "<unmatched>"
    assert line["status"] == 404


def test_an_error_response_logs_the_same_request_id_it_returns(probe_client, log_lines):
    response = probe_client.get("/probe/fail")
    lines = log_lines()
    (error,) = (line for line in lines if line["logger"] == "api.errors")
    (access,) = (line for line in lines if line["logger"] == "api.access")
    assert error["request_id"] == access["request_id"] == response.get_json()["request_id"]
    assert "Traceback" in error["exc_info"]
