"""Request ids: kept when safe, made when missing, echoed, and on every log line of a request."""

import logging

import pytest
from flask import g

from libs.web.tests.webapp import NOTES


def test_a_valid_request_id_is_kept_and_echoed(client):
    response = client.get(NOTES, headers={"X-Request-ID": "req-42.abc:def_1"})
    assert response.headers["X-Request-ID"] == "req-42.abc:def_1"


@pytest.mark.parametrize(
    "incoming",
    [None, "", "x" * 129, "has space", "new\\nline", 'quote"d', "ünï"],
)
def test_a_missing_or_unsafe_request_id_is_replaced(client, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    response = client.get(NOTES, headers=headers)
    generated = response.headers["X-Request-ID"]
    assert generated != incoming
    assert len(generated) == 32
    int(generated, 16)


def test_each_request_gets_its_own_id(client):
    first = client.get(NOTES).headers["X-Request-ID"]
    assert client.get(NOTES).headers["X-Request-ID"] != first


def test_error_responses_carry_the_id_too(client):
    response = client.get("/no/such/path", headers={"X-Request-ID": "lost-1"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "lost-1"


def test_every_log_line_of_a_request_carries_its_id(client, log_lines):
    client.get("/probe/log", headers={"X-Request-ID": "trace-1"})
    client.get(NOTES, headers={"X-Request-ID": "trace-2"})
    logging.getLogger("probe").warning("between requests")
    lines = log_lines()
    inside = [line for line in lines if line["message"] == "inside the request"]
    assert [line["request_id"] for line in inside] == ["trace-1"]
    access = [line for line in lines if line["logger"] == "notes.access"]
    assert [line["request_id"] for line in access] == ["trace-1", "trace-2"]
    (outside,) = (line for line in lines if line["message"] == "between requests")
    assert "request_id" not in outside


def test_a_user_id_does_not_outlive_its_request(app, log_lines):
    @app.get("/probe/sign-in")
    def sign_in():
        g.user_id = 7
        return {}

    client = app.test_client()
    # The test client keeps one app context across requests, as a careless caller might.
    with app.app_context():
        client.get("/probe/sign-in")
        client.get(NOTES)
    access = [line for line in log_lines() if line["logger"] == "notes.access"]
    assert [line["user_id"] for line in access] == [7, None]
